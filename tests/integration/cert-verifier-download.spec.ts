// The offline verifier as verifiers get it (issue 20 item 8): ONE file built from scripts/cert-verify.ts by
// scripts/build-verifier.mjs, run with plain `node` in a folder with no node_modules, on a real certificate
// PDF with the downloaded keys and status list; and the download itself from the built server.
process.env.ANXUN_KEY_ENCRYPTION_KEY ??= 'c'.repeat(64);
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeCertWorld } from '../support/cert-factories.ts';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';
import { certificateConfigFromEnv } from '../../src/lib/server/certificates/rules.ts';
import { currentStatusList, decideCertificates, proposeCertificates, revokeCertificate } from '../../src/lib/server/certificates/issue-service.ts';
import { listPublishedKeys } from '../../src/lib/server/certificates/keys.ts';
import { loadPrints } from '../../src/lib/server/certificates/certificates.query.ts';
import { renderCertificatesPdf } from '../../src/lib/server/certificates/certificate-pdf.ts';
import { extractSignedFromPdf } from '../../src/lib/server/certificates/embedded-signed.ts';
import { buildVerifier, VERIFIER_FILE_NAME } from '../../scripts/build-verifier.mjs';

const config = certificateConfigFromEnv({});
const NOW = new Date('2026-12-01T02:00:00Z');
const LATER = new Date('2026-12-02T02:00:00Z');

/** No node_modules in the folder or any parent: the bundle must carry everything it needs. */
function noNodeModulesAbove(dir: string): boolean {
	for (let d = dir; ; d = dirname(d)) {
		if (existsSync(join(d, 'node_modules'))) return false;
		if (dirname(d) === d) return true;
	}
}

/** `node anxun-cert-verify.mjs …` in `dir`, as the help page tells verifiers to run it. */
function runTool(dir: string, args: string[]) {
	const env = { PATH: process.env.PATH ?? '', TZ: 'UTC' }; // no NODE_PATH, no NODE_OPTIONS (tsx loaders)
	const r = spawnSync(process.execPath, [VERIFIER_FILE_NAME, ...args], { cwd: dir, env, encoding: 'utf8' });
	return { status: r.status, out: r.stdout + r.stderr, stdout: r.stdout };
}

describe('the bundled offline verifier', () => {
	let source: string;
	beforeAll(async () => {
		({ text: source } = await buildVerifier());
	}, 120_000);

	it('is one ES module importing only node built-ins, with verifier usage (no npm, no pdfkit)', () => {
		const imports = [...source.matchAll(/^\s*import\s[^;]*?from\s*["']([^"']+)["']/gm)].map((m) => m[1]!);
		expect(imports.length).toBeGreaterThan(0);
		expect(imports.filter((i) => !i.startsWith('node:'))).toEqual([]);
		expect(source).not.toMatch(/\brequire\(/);
		expect(source).not.toContain('pdfkit');
		expect(source).not.toContain('npm run');
		expect(source).not.toContain('localhost');
		const dir = mkdtempSync(join(tmpdir(), 'anxun-verifier-'));
		try {
			writeFileSync(join(dir, VERIFIER_FILE_NAME), source);
			const none = runTool(dir, []);
			expect(none.status).toBe(2);
			expect(none.out).toContain('用法：node anxun-cert-verify.mjs 证书.pdf --keys anxun-keys.json --status anxun-status.json');
			expect(none.out).not.toContain('npm');
			// without the two downloaded files it says which ones to give, rather than going to a server
			const noKeys = runTool(dir, ['证书.pdf']);
			expect(noKeys.status).toBe(2);
			expect(noKeys.out).toContain('--keys 和 --status');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	for (const backend of BACKENDS) {
		describe(backend, () => {
			let database: TestDatabase;
			beforeAll(async () => {
				database = await createTestDatabase(backend);
			});
			afterAll(async () => database?.close());

			it('checks a real certificate PDF offline in a folder of its own: valid → 0, tampered or revoked → 1', async () => {
				const db = database.db;
				const w = await makeCertWorld(db, 'special_work');
				const a = await w.passedCandidate({ name: '孙海涛' });
				const p = await proposeCertificates(db, w.actors.institution, w.session, [a.attempt], NOW, config);
				await decideCertificates(db, w.actors.yubei, [p.done[0]!.id], 'approve', null, NOW, config);
				const pdf = await renderCertificatesPdf(await loadPrints(db, [p.done[0]!.id]), 'https://anxun.example', NOW);
				const signed = extractSignedFromPdf(pdf)[0] as { payload: { number: string; holderName: string } };

				const dir = mkdtempSync(join(tmpdir(), 'anxun-verifier-'));
				try {
					expect(noNodeModulesAbove(dir)).toBe(true);
					writeFileSync(join(dir, VERIFIER_FILE_NAME), source);
					writeFileSync(join(dir, '证书.pdf'), pdf);
					// the status list first: its signing key is made on first use and must be among the published keys
					writeFileSync(join(dir, 'anxun-status.json'), JSON.stringify(await currentStatusList(db, NOW)));
					writeFileSync(join(dir, 'anxun-keys.json'), JSON.stringify(await listPublishedKeys(db, NOW)));
					const files = ['--keys', 'anxun-keys.json', '--status', 'anxun-status.json'];

					const good = runTool(dir, ['证书.pdf', ...files]);
					expect(good.out).toContain(`证书 ${signed.payload.number}`);
					expect(good.stdout).toContain('Ed25519');
					expect(good.stdout).toMatch(/SM2\/SM3（[^）]+）：签名有效/);
					expect(good.stdout).toContain('撤销状态：未撤销（状态截至');
					expect(good.stdout).toContain('结论：签名有效，未被撤销');
					expect(good.status).toBe(0);

					// the holder's name changed inside the embedded payload
					const blob = Buffer.from(JSON.stringify([signed])).toString('base64url');
					const forged = Buffer.from(JSON.stringify([{ ...signed, payload: { ...signed.payload, holderName: '李四' } }])).toString('base64url');
					expect(pdf.toString('latin1')).toContain(blob);
					writeFileSync(join(dir, '伪造.pdf'), Buffer.from(pdf.toString('latin1').replace(blob, forged), 'latin1'));
					const bad = runTool(dir, ['伪造.pdf', ...files]);
					expect(bad.stdout).toContain('签名无效');
					expect(bad.stdout).toContain('结论：核验未通过');
					expect(bad.status).toBe(1);

					// a file that is no certificate of this platform
					writeFileSync(join(dir, '其他.pdf'), '%PDF-1.4\n%%EOF\n');
					const other = runTool(dir, ['其他.pdf', ...files]);
					expect(other.status).toBe(1);
					expect(other.out).toContain('没有安训证书签名数据');

					// revoked, with a status list downloaded afterwards
					await revokeCertificate(db, w.actors.yubei, p.done[0]!.id, '测试撤销', LATER);
					writeFileSync(join(dir, 'anxun-status.json'), JSON.stringify(await currentStatusList(db, LATER)));
					const revoked = runTool(dir, ['证书.pdf', ...files]);
					expect(revoked.stdout).toContain('撤销状态：已撤销');
					expect(revoked.status).toBe(1);
					// the run left nothing behind and needed nothing else in the folder
					expect(readdirSync(dir).sort()).toEqual([VERIFIER_FILE_NAME, 'anxun-keys.json', 'anxun-status.json', '伪造.pdf', '其他.pdf', '证书.pdf'].sort());
				} finally {
					rmSync(dir, { recursive: true, force: true });
				}
			});
		});
	}
});

const built = hasBuild(import.meta.url);

describe.skipIf(!built)('the verifier download on the built server (npx vite build first)', () => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer({});
	}, 300_000);
	afterAll(async () => server?.stop());

	it('/help/verify links /downloads/anxun-cert-verify.mjs, which serves the bundle as an attachment', async () => {
		const c = new Client(server.url);
		const help = await (await c.get('/help/verify')).text();
		expect(help).toMatch(/href="\/downloads\/anxun-cert-verify\.mjs"[^>]*\bdownload\b/);
		expect(help).toContain('node anxun-cert-verify.mjs 证书.pdf --keys anxun-keys.json --status anxun-status.json');
		expect(help).not.toContain('索取离线核验工具');
		const r = await fetch(`${server.url}/downloads/anxun-cert-verify.mjs`);
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toMatch(/^text\/javascript/);
		expect(r.headers.get('content-disposition')).toBe('attachment; filename="anxun-cert-verify.mjs"');
		const body = await r.text();
		// the build carries the verifier of the current sources
		expect(body).toBe((await buildVerifier()).text);
		const dir = mkdtempSync(join(tmpdir(), 'anxun-verifier-dl-'));
		try {
			writeFileSync(join(dir, VERIFIER_FILE_NAME), body);
			writeFileSync(join(dir, 'anxun-keys.json'), await (await fetch(`${server.url}/.well-known/anxun-keys.json`)).text());
			writeFileSync(join(dir, 'anxun-status.json'), await (await fetch(`${server.url}/.well-known/anxun-status.json`)).text());
			writeFileSync(join(dir, '证书.pdf'), '%PDF-1.4\n%%EOF\n');
			const run = runTool(dir, ['证书.pdf', '--keys', 'anxun-keys.json', '--status', 'anxun-status.json']);
			expect(run.out).toContain('没有安训证书签名数据');
			expect(run.status).toBe(1);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
