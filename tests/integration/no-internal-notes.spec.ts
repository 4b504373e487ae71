// Issue 20 item 8: internal notes (source references, verification remarks, field names, developer
// commands) never reach users. Every demo role's pages are crawled through the built server by
// following the links a person can click (PDF downloads are read with pdftotext); only the platform
// operator's rules page (/admin/rules) may show them. Times on /verify and /api/verify are Beijing
// time while the server runs with TZ=UTC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';
import { prepareCertDemoDir } from '../support/cert-factories.ts';
import { formatDateTime } from '../../src/lib/domain/dates.ts';
import demoAccounts from '../../seeds/demo-accounts.json' with { type: 'json' };

// anywhere in the response (page data included) …
const MARKERS = /FACTS|§|未核实|待核实|二手|npm run|cert:verify/;
// … and, in the visible text only, code field names used as labels (page data keeps its keys)
const VISIBLE_MARKERS = /totalPoints|passMark/;
const visibleText = (html: string) => html.replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ').replace(/<[^>]*>/g, ' ');
const EXEMPT = new Set(['/admin/rules']);
const MAX_PAGES = 150;
/** Pages of one shape (ids and codes aside) are visited at most twice: a question bank has hundreds. */
const shapeOf = (path: string) => path.replace(/\?.*$/, '').replace(/\/q\/[^/]+/, '/q/*').replace(/\d+/g, '#');
const built = hasBuild(import.meta.url);

function pdfText(bytes: Buffer): string {
	const dir = mkdtempSync(join(tmpdir(), 'anxun-pdf-'));
	try {
		writeFileSync(join(dir, 'f.pdf'), bytes);
		return execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'f.pdf'), '-'], { encoding: 'utf8' });
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

function links(html: string): string[] {
	return [...html.matchAll(/href="(\/[^"#]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&')).filter((h) => !h.startsWith('/logout') && !h.startsWith('/_app') && !/\.(css|js|png|ico|svg|webm|mp4)(\?|$)/.test(h));
}

/** Visits `start` and every page linked from visited pages; returns the problems found. */
async function crawl(c: Client, start: string[], seen: Set<string>): Promise<{ problems: string[]; verifyLinks: string[]; pdfs: number }> {
	const queue = [...start];
	const problems: string[] = [];
	const verifyLinks: string[] = [];
	let pdfs = 0;
	let visited = 0;
	const shapes = new Map<string, number>();
	while (queue.length && visited < MAX_PAGES) {
		const path = queue.shift()!;
		if (seen.has(path)) continue;
		seen.add(path);
		const shape = shapeOf(path);
		if ((shapes.get(shape) ?? 0) >= 2 && !path.startsWith('/verify')) continue;
		shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
		visited++;
		const r = await c.get(path);
		const location = r.headers.get('location');
		if (r.status >= 300 && r.status < 400 && location?.startsWith('/')) queue.push(location);
		if (r.status !== 200) continue;
		const type = r.headers.get('content-type') ?? '';
		let text: string;
		if (type.includes('application/pdf')) {
			text = pdfText(Buffer.from(await r.arrayBuffer()));
			pdfs++;
		} else if (type.includes('text/html') || type.includes('json')) {
			text = await r.text();
			for (const l of links(text)) {
				if (l.startsWith('/verify?n=')) verifyLinks.push(l);
				if (!seen.has(l)) queue.push(l);
			}
		} else continue;
		const bare = path.split('?')[0]!;
		const hit = MARKERS.exec(text) ?? VISIBLE_MARKERS.exec(type.includes('html') ? visibleText(text) : text);
		if (hit && !EXEMPT.has(bare)) problems.push(`${path}: “${text.slice(Math.max(0, hit.index - 40), hit.index + 40).replace(/\s+/g, ' ')}”`);
	}
	return { problems, verifyLinks, pdfs };
}

describe.skipIf(!built)('no internal notes on user pages (built server, TZ=UTC)', () => {
	let server: RunningServer;
	let verifyLink: string | undefined;
	let dir: string;
	beforeAll(async () => {
		// seeded here, not by the server, so its start stays within startServer's deadline
		dir = mkdtempSync(join(tmpdir(), 'anxun-notes-'));
		await prepareCertDemoDir(dir);
		server = await startServer({ TZ: 'UTC', ANXUN_DATA_DIR: dir, ANXUN_KEY_ENCRYPTION_KEY: 'd'.repeat(64), ANXUN_VERIFY_LIMIT_PER_MINUTE: '100000' });
	}, 600_000);
	afterAll(async () => {
		await server?.stop();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('public pages, every role’s pages and downloaded PDFs carry no internal markers; /admin/rules does', { timeout: 600_000 }, async () => {
		const problems: string[] = [];
		const verifyLinks: string[] = [];
		let pdfs = 0;
		const anon = await crawl(new Client(server.url), ['/', '/verify', '/help/verify', '/login'], new Set());
		problems.push(...anon.problems);
		for (const account of demoAccounts) {
			if (account.account === '13800000009') continue; // must change password first
			const c = new Client(server.url);
			await c.login(account.account, account.password);
			const r = await crawl(c, ['/'], new Set());
			problems.push(...r.problems);
			verifyLinks.push(...r.verifyLinks);
			pdfs += r.pdfs;
		}
		verifyLink = verifyLinks[0];
		for (const l of verifyLinks.slice(0, 3)) problems.push(...(await crawl(new Client(server.url), [l, `/api/verify/${new URL(l, server.url).searchParams.get('n')}`], new Set())).problems);
		expect([...new Set(problems)]).toEqual([]);
		expect(verifyLink, 'a regulator page links to /verify for an issued certificate').toBeTruthy();
		console.info(`crawled; ${pdfs} PDF downloads read`);

		// the operator's page does show them
		const admin = new Client(server.url);
		await admin.login('13800000001', 'Anxun@2026');
		const rules = await (await admin.get('/admin/rules')).text();
		expect(rules).toContain('FACTS');
		expect(rules).toContain('二手资料');
		expect(rules).toContain('《安全生产培训管理办法》第二十三条');
	});

	it('shows /verify and /api/verify times in Beijing time while the server runs in UTC', { timeout: 60_000 }, async () => {
		expect(verifyLink).toBeTruthy();
		const before = new Date();
		const html = await (await new Client(server.url).get(verifyLink!)).text();
		const shown = /查询时间 (\d{4}-\d{2}-\d{2} \d{2}:\d{2})（北京时间）/.exec(html)?.[1];
		const candidates = [before, new Date()].map((d) => formatDateTime(d));
		expect(candidates).toContain(shown);
		// Beijing is UTC+8: the shown hour is the UTC hour + 8
		expect((Number(shown!.slice(11, 13)) - before.getUTCHours() + 24) % 24).toBe(8);
		const n = new URL(verifyLink!, server.url).searchParams.get('n')!;
		const api = (await (await fetch(`${server.url}/api/verify/${encodeURIComponent(n)}`)).json()) as { asOf: string };
		expect(api.asOf).toMatch(/\+08:00$/);
		expect(Math.abs(Date.parse(api.asOf) - before.getTime())).toBeLessThan(60_000);
	});
});
