import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BackupError } from './manifest.ts';

// pg_dump / pg_restore from PATH, or from ANXUN_PG_BIN_DIR (e.g. /usr/lib/postgresql/16/bin)
// when the machine has several PostgreSQL versions.
function tool(name: 'pg_dump' | 'pg_restore', env: NodeJS.ProcessEnv): string {
	return env.ANXUN_PG_BIN_DIR ? join(env.ANXUN_PG_BIN_DIR, name) : name;
}

/** The connection string without its password, which goes in PGPASSWORD (not visible in `ps`). */
function connection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
	const u = new URL(url);
	const password = decodeURIComponent(u.password);
	u.password = '';
	return { dbname: u.toString(), env: password ? { PGPASSWORD: password } : {} };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: Buffer; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		const out: Buffer[] = [];
		let err = '';
		child.stdout.on('data', (d: Buffer) => out.push(d));
		child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
		child.on('error', (e) => reject(new BackupError(`无法运行 ${cmd}：${e.message}（请安装 PostgreSQL 客户端，或用 ANXUN_PG_BIN_DIR 指定其目录）`)));
		child.on('close', (code) => {
			if (code === 0) resolve({ stdout: Buffer.concat(out), stderr: err });
			else reject(new BackupError(`${cmd} 失败（退出码 ${code}）：${err.trim()}`));
		});
	});
}

export async function toolMajorVersion(name: 'pg_dump' | 'pg_restore', env: NodeJS.ProcessEnv = process.env): Promise<number> {
	const { stdout } = await run(tool(name, env), ['--version'], {});
	const m = /\(PostgreSQL\)\s+(\d+)/.exec(stdout.toString('utf8'));
	if (!m) throw new BackupError(`无法识别 ${name} 的版本：${stdout.toString('utf8').trim()}`);
	return Number(m[1]);
}

/** pg_dump refuses servers newer than itself; say so before starting, in words an operator can act on. */
export async function checkPgDumpCompatible(serverVersion: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
	const dumpMajor = await toolMajorVersion('pg_dump', env);
	const serverMajor = Number.parseInt(serverVersion, 10);
	if (dumpMajor < serverMajor) {
		throw new BackupError(`pg_dump 版本（${dumpMajor}）低于数据库服务器版本（${serverVersion}）：请安装 PostgreSQL ${serverMajor} 或更新的客户端，或用 ANXUN_PG_BIN_DIR 指定其 bin 目录。`);
	}
	return dumpMajor;
}

/** pg_dump in custom format, inside the snapshot the caller exported (same data as its counts). */
export async function runPgDump(url: string, snapshot: string, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
	const c = connection(url);
	const { stdout } = await run(tool('pg_dump', env), ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${snapshot}`, `--dbname=${c.dbname}`], c.env);
	return stdout;
}

export async function runPgRestore(url: string, dumpFile: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
	const c = connection(url);
	await run(tool('pg_restore', env), ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${c.dbname}`, dumpFile], c.env);
}
