import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

// PGlite has no lock of its own: two processes on one data directory corrupt it.
// We hold an exclusive lock file for the process's lifetime and refuse a second opener.
export function acquireDirLock(dataDir: string): () => void {
	const file = join(dataDir, 'anxun.lock');
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = openSync(file, 'wx');
			writeSync(fd, String(process.pid));
			closeSync(fd);
			let released = false;
			const release = () => {
				if (released) return;
				released = true;
				try {
					if (readFileSync(file, 'utf8') === String(process.pid)) rmSync(file);
				} catch {
					/* already gone */
				}
			};
			process.once('exit', release);
			return release;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
			const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
			if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
				throw new Error(
					`数据目录 ${resolve(dataDir)} 正被另一个进程（PID ${pid}）使用。嵌入式数据库不能被两个进程同时打开：请先停止那个进程，或用 ANXUN_DATA_DIR 指定另一个目录。`
				);
			}
			if (pid === process.pid) {
				throw new Error(`数据目录 ${resolve(dataDir)} 已在本进程中打开，不能重复打开。`);
			}
			rmSync(file, { force: true }); // stale lock of a process that has died
		}
	}
	throw new Error(`无法锁定数据目录 ${resolve(dataDir)}`);
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}
