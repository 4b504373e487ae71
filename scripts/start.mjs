// `npm start`: build the app when the sources are newer than the build, then serve it.
// With DATABASE_URL unset the server opens the embedded PostgreSQL (PGlite) under ./data.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(path) {
	if (!existsSync(path)) return 0;
	const st = statSync(path);
	if (!st.isDirectory()) return st.mtimeMs;
	let max = st.mtimeMs;
	for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
	return max;
}

const built = existsSync('build/index.js') ? statSync('build/index.js').mtimeMs : 0;
// scripts/cert-verify.ts and build-verifier.mjs: vite build bundles the downloadable offline verifier from them
const sources = Math.max(...['src', 'migrations', 'seeds', 'vite.config.ts', 'package.json', 'scripts/cert-verify.ts', 'scripts/build-verifier.mjs'].map(newest));
if (sources > built) {
	console.log('安训：正在构建（首次启动约需半分钟）…');
	const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status ?? 1);
}

const port = process.env.PORT || '3000';
const db = process.env.DATABASE_URL ? 'PostgreSQL（DATABASE_URL）' : `嵌入式 PostgreSQL（PGlite，数据目录 ${process.env.ANXUN_DATA_DIR || './data'}）`;
console.log(`安训：http://localhost:${port}  数据库：${db}`);
console.log('演示账号见 README.md 或 seeds/demo-accounts.json（密码均为 Anxun@2026）');
const child = spawn(process.execPath, ['scripts/serve.mjs'], { stdio: 'inherit', env: { ...process.env, PORT: port } });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
