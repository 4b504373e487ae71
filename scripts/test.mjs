// `npm test`: vitest (unit + integration, PGlite and — with TEST_DATABASE_URL — PostgreSQL),
// then a production build and Playwright end-to-end tests in Debian's Chromium.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function run(cmd, args, env = {}) {
	console.log(`\n$ ${cmd} ${args.join(' ')}`);
	const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
	if (r.status !== 0) process.exit(r.status ?? 1);
}

const node = process.execPath;
if (!process.env.TEST_DATABASE_URL) {
	console.log('提示：未设置 TEST_DATABASE_URL，集成测试只在 PGlite 上运行（设置后同时在 PostgreSQL 上运行）。');
}
// the build also bundles the downloadable offline verifier (vite.config.ts → scripts/build-verifier.mjs)
run(node, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']);
run(node, ['node_modules/vitest/vitest.mjs', 'run']);

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) {
	console.log(`e2e: skipped — no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH)`);
} else {
	run(node, ['node_modules/@playwright/test/cli.js', 'test'], { CHROMIUM_PATH: chromium });
}
