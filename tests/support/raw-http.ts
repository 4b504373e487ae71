import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';

// Requests a fetch() cannot make: a body streamed slice by slice (with or without a
// content-length) that stops as soon as the server answers, to show it was not read.

export type RawAnswer = { status: number; headers: http.IncomingHttpHeaders; body: string; sent: number; ms: number };

export function streamPost(base: string, path: string, opts: { total: number; chunked: boolean; headers?: Record<string, string> }): Promise<RawAnswer> {
	// A raw socket: http.request gives up on EPIPE before parsing an answer already received.
	const url = new URL(path, base);
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const headers: Record<string, string> = { host: url.host, origin: base, ...opts.headers };
		if (opts.chunked) headers['transfer-encoding'] = 'chunked';
		else headers['content-length'] = String(opts.total);
		const socket = net.connect(Number(url.port), url.hostname);
		let sent = 0;
		let received = Buffer.alloc(0);
		let answered = false;
		let settled = false;
		const finish = (final: boolean) => {
			if (settled) return;
			const text = received.toString('utf8');
			const head = text.indexOf('\r\n\r\n');
			if (head < 0) return final ? reject(new Error(`no answer after ${sent} bytes: ${text.slice(0, 200)}`)) : undefined;
			const lines = text.slice(0, head).split('\r\n');
			const status = Number(lines[0]!.split(' ')[1]);
			const hs: http.IncomingHttpHeaders = {};
			for (const l of lines.slice(1)) {
				const i = l.indexOf(':');
				hs[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
			}
			let body = text.slice(head + 4);
			const chunkedAnswer = /chunked/i.test(String(hs['transfer-encoding'] ?? ''));
			const complete = chunkedAnswer ? body.endsWith('0\r\n\r\n') : Buffer.byteLength(body) >= Number(hs['content-length'] ?? 0);
			if (!complete && !final) return;
			if (chunkedAnswer) body = body.replace(/(^|\r\n)[0-9a-f]+\r\n/gi, '$1');
			settled = true;
			resolve({ status, headers: hs, body, sent, ms: Date.now() - started });
			socket.destroy();
		};
		socket.on('data', (d: Buffer) => {
			answered = true;
			received = Buffer.concat([received, d]);
			finish(false);
		});
		socket.on('error', () => {}); // EPIPE/ECONNRESET once the server has answered and closed
		socket.on('close', () => finish(true));
		socket.write(`POST ${url.pathname}${url.search} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
		// One slice at a time with a pause between, as a slow uploader: the server's early answer
		// arrives while the client is still sending.
		const slice = Buffer.alloc(64 * 1024, 0x61);
		const write = async () => {
			while (!answered && sent < opts.total && !socket.destroyed) {
				const n = Math.min(slice.length, opts.total - sent);
				sent += n;
				const data = opts.chunked ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), slice.subarray(0, n), Buffer.from('\r\n')]) : slice.subarray(0, n);
				const flushed = socket.write(data);
				await new Promise((r) => (flushed ? setTimeout(r, 2) : socket.once('drain', r)));
			}
			if (!answered && !socket.destroyed && opts.chunked) socket.write('0\r\n\r\n');
		};
		void write();
	});
}

/** Resident memory of a process (Linux), in bytes. */
export function rssOf(pid: number): number {
	const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return m ? Number(m[1]) * 1024 : 0;
}

/** Samples a process's resident memory until stopped; returns the peak. */
export function watchRss(pid: number, everyMs = 20): { stop: () => number } {
	let peak = rssOf(pid);
	const timer = setInterval(() => {
		try {
			peak = Math.max(peak, rssOf(pid));
		} catch {
			/* process gone */
		}
	}, everyMs);
	return {
		stop: () => {
			clearInterval(timer);
			return peak;
		}
	};
}

/** Polls a URL while `during` runs; returns the slowest answer time. */
export async function slowestWhile(url: string, during: Promise<unknown>): Promise<number> {
	let slowest = 0;
	let done = false;
	void during.finally(() => (done = true)).catch(() => {});
	while (!done) {
		const t = Date.now();
		await new Promise<void>((resolve, reject) => {
			http.get(url, { agent: false }, (res) => res.resume().on('end', () => resolve())).on('error', reject);
		});
		slowest = Math.max(slowest, Date.now() - t);
		await new Promise((r) => setTimeout(r, 50));
	}
	return slowest;
}
