// Certificates end to end below HTTP: eligibility, proposal, regional approval, signing, numbers,
// revocation and the status list, renewal and 复审, verification, PDF and the offline verifier.
process.env.ANXUN_KEY_ENCRYPTION_KEY ??= 'a'.repeat(64);
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeCertWorld, makeFinishedAttempt, makeCandidatePerson, completeCourse } from '../support/cert-factories.ts';
import { certificateConfigFromEnv } from '../../src/lib/server/certificates/rules.ts';
import {
	CertificateError,
	currentStatusList,
	decideCertificates,
	listSessionCandidates,
	proposeCertificates,
	recordReview,
	revokeCertificate
} from '../../src/lib/server/certificates/issue-service.ts';
import { lookupCertificate, lookupStats } from '../../src/lib/server/certificates/verify.ts';
import { listPublishedKeys, rotateIssuerKeys, revokeKey, decryptSecret } from '../../src/lib/server/certificates/keys.ts';
import { bitAt, checkSignedCertificate, checkStatusList, encodeBitstring, parseSignedCertificate } from '../../src/lib/server/certificates/signature.ts';
import { parseCertificateNumber } from '../../src/lib/server/certificates/number.ts';
import { extractSignedFromPdf, renderCertificatesPdf, verifyUrl } from '../../src/lib/server/certificates/certificate-pdf.ts';
import { listExpiring, listPersonCertificates, loadPrints } from '../../src/lib/server/certificates/certificates.query.ts';
import { verifyAuditChain } from '../../src/lib/server/audit/audit.ts';

const config = certificateConfigFromEnv({});
const NOW = new Date('2026-12-01T02:00:00Z');
const LATER = new Date('2026-12-02T02:00:00Z');
const lookup = (db: TestDatabase['db'], query: string, extra: { signature?: string; ip?: string; now?: Date; limit?: number } = {}) =>
	lookupCertificate(db, { query, signature: extra.signature ?? null, ip: extra.ip ?? '198.51.100.7', now: extra.now ?? LATER, limitPerMinute: extra.limit ?? 1000 });

for (const backend of BACKENDS) {
	describe(`certificates (${backend})`, () => {
		let database: TestDatabase;
		beforeAll(async () => {
			database = await createTestDatabase(backend);
		});
		afterAll(async () => database?.close());

		it('lists passed candidates with eligibility: 学时, operation, voided, failed', async () => {
			const db = database.db;
			const w = await makeCertWorld(db, 'special_work');
			const ok = await w.passedCandidate();
			const noStudy = await w.passedCandidate({ studied: false });
			const noOp = await w.passedCandidate({ op: null });
			await w.passedCandidate({ decision: 'voided' });
			await w.passedCandidate({ passed: false });
			const rows = await listSessionCandidates(db, w.session);
			expect(rows.map((r) => r.attempt_id).sort()).toEqual([ok.attempt, noStudy.attempt, noOp.attempt].sort());
			const by = new Map(rows.map((r) => [r.attempt_id, r.eligibility]));
			expect(by.get(ok.attempt)).toEqual({ eligible: true, kind: 'special_work' });
			expect(by.get(noStudy.attempt)).toMatchObject({ eligible: false, reason: '培训学时未完成' });
			expect(by.get(noOp.attempt)).toMatchObject({ eligible: false, reason: expect.stringContaining('特种作业') });
		});

		it('no course on the session → no study requirement; blueprint "none" → no certificate', async () => {
			const db = database.db;
			const w = await makeCertWorld(db, 'principal_or_safety_manager', { withCourse: false });
			const c = await w.passedCandidate({ op: null, studied: false });
			expect((await listSessionCandidates(db, w.session))[0]!.eligibility).toEqual({ eligible: true, kind: 'safety_knowledge' });
			const none = await makeCertWorld(db, 'none', { withCourse: false });
			await none.passedCandidate({ op: null });
			expect((await listSessionCandidates(db, none.session))[0]!.eligibility).toMatchObject({ eligible: false, kind: null });
			expect(c.attempt).toBeGreaterThan(0);
		});

		it('institution proposes, the wrong region cannot approve, the right regulator approves and signs', async () => {
			const db = database.db;
			const w = await makeCertWorld(db, 'special_work');
			const a = await w.passedCandidate({ name: '孙海涛' });
			const b = await w.passedCandidate({ enterprise: 'changshou' });
			const blocked = await w.passedCandidate({ studied: false });
			const foreign = await makeCertWorld(db, 'special_work');
			// another institution cannot propose for this session
			await expect(proposeCertificates(db, foreign.actors.institution, w.session, [a.attempt], NOW, config)).rejects.toBeInstanceOf(CertificateError);
			const proposed = await proposeCertificates(db, w.actors.institution, w.session, [a.attempt, b.attempt, blocked.attempt, 999999], NOW, config);
			expect(proposed.done.map((d) => d.status)).toEqual(['proposed', 'proposed']);
			expect(proposed.skipped.map((s) => s.ref).sort()).toEqual([blocked.attempt, 999999].sort());
			// proposing twice does nothing
			expect((await proposeCertificates(db, w.actors.institution, w.session, [a.attempt], NOW, config)).skipped[0]!.reason).toContain('已提交');
			const [certA, certB] = proposed.done.map((d) => d.id) as [number, number];

			// 长寿 cannot see 渝北's proposal; 渝北 cannot see 长寿's
			const wrong = await decideCertificates(db, w.actors.changshou, [certA], 'approve', null, LATER, config);
			expect(wrong).toEqual({ done: [], skipped: [{ ref: certA, reason: '证书申请不存在或不在本辖区' }] });
			const approved = await decideCertificates(db, w.actors.yubei, [certA, certB], 'approve', null, LATER, config);
			expect(approved.done).toHaveLength(1);
			expect(approved.done[0]!.number).toMatch(/^TZ-2026-500112-\d{6}-[0-9A-Z]$/);
			expect(parseCertificateNumber(approved.done[0]!.number!).ok).toBe(true);
			// the city (parent region) may approve 长寿's
			const city = await decideCertificates(db, w.actors.city, [certB], 'approve', null, LATER, config);
			expect(city.done[0]!.number).toMatch(/^TZ-2026-500115-/);
			// decided twice: skipped
			expect((await decideCertificates(db, w.actors.yubei, [certA], 'reject', '重复', LATER, config)).skipped[0]!.reason).toBe('该申请已处理');

			const row = await db.selectFrom('certificates').selectAll().where('id', '=', certA).executeTakeFirstOrThrow();
			expect(row).toMatchObject({ status: 'issued', issuer_org_id: w.regYubei, issued_on: '2026-12-02', valid_until: '2032-12-01', next_review_due: null, rule_code: 'special-work-19', holder_org_id: w.entYubei, special_operation_code: '1.2', institution_org_id: w.institution, session_id: w.session, attempt_id: a.attempt });
			const keys = await listPublishedKeys(db, LATER);
			const signed = (await loadPrints(db, [certA]))[0]!.signed;
			expect(signed.payload).toMatchObject({ holderName: '孙海涛', issuer: { id: w.regYubei }, operationCode: '1.2', statusIndex: certA });
			expect(signed.payload.idNumberMasked).toMatch(/^5001\*{10}\d{3}[\dX]$/);
			expect(JSON.stringify(signed)).not.toMatch(/50011219880808\d{3}[\dX]/);
			expect(checkSignedCertificate(signed, keys)).toMatchObject({ ok: true, ed25519: 'valid', sm2: 'valid' });

			// private keys are stored encrypted: not PEM/DER in the clear, decryptable with the key
			const keyRow = await db.selectFrom('signing_keys').selectAll().where('issuer_org_id', '=', w.regYubei).where('alg', '=', 'Ed25519').executeTakeFirstOrThrow();
			expect(keyRow.private_key_enc).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
			expect(decryptSecret(keyRow.private_key_enc).length).toBeGreaterThan(32);

			const audit = await db.selectFrom('audit_log').select(['action', 'target']).where('target', 'in', [`certificate:${certA}`, `certificate:${certB}`]).orderBy('id').execute();
			expect(audit.map((r) => r.action)).toEqual(['certificate.propose', 'certificate.propose', 'certificate.issue', 'certificate.issue']);
			expect((await verifyAuditChain(db)).ok).toBe(true);
		});

		it('rejection needs a reason and is audited; a voided result cannot be approved', async () => {
			const db = database.db;
			const w = await makeCertWorld(db, 'principal_or_safety_manager');
			const a = await w.passedCandidate({ op: null });
			const b = await w.passedCandidate({ op: null });
			const { done } = await proposeCertificates(db, w.actors.institution, w.session, [a.attempt, b.attempt], NOW, config);
			await expect(decideCertificates(db, w.actors.yubei, [done[0]!.id], 'reject', '  ', LATER, config)).rejects.toThrow('理由');
			const rejected = await decideCertificates(db, w.actors.yubei, [done[0]!.id], 'reject', '照片不符', LATER, config);
			expect(rejected.done[0]!.status).toBe('rejected');
			await db.updateTable('exam_attempts').set({ decision: 'voided' }).where('id', '=', b.attempt).execute();
			const voided = await decideCertificates(db, w.actors.yubei, [done[1]!.id], 'approve', null, LATER, config);
			expect(voided.skipped[0]!.reason).toContain('无效');
			const audit = await db.selectFrom('audit_log').select(['action', 'detail']).where('target', '=', `certificate:${done[0]!.id}`).orderBy('id').execute();
			expect(audit.map((r) => r.action)).toEqual(['certificate.propose', 'certificate.reject']);
		});

		it('培训合格证明 are issued by the institution at once, signed by its key', async () => {
			const db = database.db;
			const w = await makeCertWorld(db, 'training');
			const a = await w.passedCandidate({ op: null });
			const r = await proposeCertificates(db, w.actors.institution, w.session, [a.attempt], NOW, config);
			expect(r.done[0]).toMatchObject({ status: 'issued', number: expect.stringMatching(/^PX-2026-500112-/) });
			const cert = await db.selectFrom('certificates').selectAll().where('id', '=', r.done[0]!.id).executeTakeFirstOrThrow();
			expect(cert).toMatchObject({ issuer_org_id: w.institution, valid_until: '2027-11-30', special_operation_code: null });
			// a regulator cannot "approve" it again
			expect((await decideCertificates(db, w.actors.yubei, [cert.id], 'approve', null, LATER, config)).done).toHaveLength(0);
		});

		it('verifies: 有效 with signatures; typo, SQL and HTML input are harmless; revoked is never 有效; the status list follows', async () => {
			const db = database.db;
			const w = await makeCertWorld(db, 'special_work');
			const a = await w.passedCandidate();
			const { done } = await proposeCertificates(db, w.actors.institution, w.session, [a.attempt], NOW, config);
			const issued = await decideCertificates(db, w.actors.yubei, [done[0]!.id], 'approve', null, NOW, config);
			const number = issued.done[0]!.number!;
			const id = done[0]!.id;
			const sig = (await db.selectFrom('certificates').select('signature').where('id', '=', id).executeTakeFirstOrThrow()).signature!;

			const ok = await lookup(db, number.toLowerCase().replaceAll('-', ''), { signature: sig });
			expect(ok).toMatchObject({ kind: 'found', status: 'valid', statusLabel: '有效', signature: { ok: true, ed25519: 'valid', sm2: 'valid' }, presentedSignatureMatches: true, issuedOn: '2026-12-01' });
			if (ok.kind !== 'found') throw new Error();
			expect(ok.holderNameMasked).toMatch(/^考\*+\d$/);
			expect(ok.signed?.payload.number).toBe(number);
			// without the signature the full payload (full name) is not handed out
			const bare = await lookup(db, number);
			expect(bare).toMatchObject({ kind: 'found', presentedSignatureMatches: null, signed: null });
			expect((await lookup(db, number, { signature: 'x'.repeat(86) })).kind === 'found' && (await lookup(db, number, { signature: 'x' })).kind).toBe('found');

			// a one-character typo and an adjacent swap are caught by the check character
			const typo = number.slice(0, 10) + (number[10] === '1' ? '2' : '1') + number.slice(11);
			expect(await lookup(db, typo)).toMatchObject({ kind: 'invalid', message: expect.stringContaining('校验位') });
			const compact = number.replaceAll('-', '');
			const i = [...compact].findIndex((ch, k) => k > 8 && ch !== compact[k + 1]);
			const swapped = compact.slice(0, i) + compact[i + 1] + compact[i] + compact.slice(i + 2);
			expect((await lookup(db, swapped)).kind).toBe('invalid');
			for (const evil of ["' OR '1'='1", `${number}'; drop table certificates; --`, '<img src=x onerror=alert(1)>', '\u0000', 'x'.repeat(5000)]) {
				expect((await lookup(db, evil)).kind, evil.slice(0, 20)).toBe('invalid');
			}
			expect(await db.selectFrom('certificates').select('id').where('id', '=', id).executeTakeFirst()).toBeTruthy();
			// a well-formed number that was never issued
			const fake = number.replace(/-(\d{6})-.$/, '-999998-');
			const fakeNumber = fake + (await import('../../src/lib/server/certificates/number.ts')).mod372CheckChar(fake.replaceAll('-', ''));
			expect(await lookup(db, fakeNumber)).toMatchObject({ kind: 'not_found', statusLabel: '不存在' });

			// revoke: wrong region refused, right region done, audited, status list republished and signed
			await expect(revokeCertificate(db, w.actors.changshou, id, '材料造假', LATER)).rejects.toThrow('无权');
			await expect(revokeCertificate(db, w.actors.yubei, id, '', LATER)).rejects.toThrow('理由');
			await revokeCertificate(db, w.actors.yubei, id, '以欺骗手段取得', LATER);
			await expect(revokeCertificate(db, w.actors.yubei, id, '再次', LATER)).rejects.toThrow('已发放');
			const revoked = await lookup(db, number, { signature: sig });
			expect(revoked).toMatchObject({ kind: 'found', status: 'revoked', statusLabel: '已撤销', revokeReason: '以欺骗手段取得' });
			const list = await currentStatusList(db, LATER);
			expect(list.publishedAt).toBe(LATER.toISOString());
			expect(bitAt(list.encodedList, id)).toBe(true);
			expect(checkStatusList(list, await listPublishedKeys(db, LATER))).toBe('valid');
			expect(checkStatusList({ ...list, encodedList: encodeBitstring([]).encodedList }, await listPublishedKeys(db, LATER))).toBe('invalid');
			const log = await db.selectFrom('audit_log').select('action').where('target', '=', `certificate:${id}`).where('action', '=', 'certificate.revoke').execute();
			expect(log).toHaveLength(1);

			// every lookup was logged, and probing shows up for regulators
			const logged = await db.selectFrom('certificate_lookups').select(['outcome', 'query']).where('ip', '=', '198.51.100.7').execute();
			expect(logged.length).toBeGreaterThanOrEqual(12);
			expect(logged.every((l) => l.query.length <= 64)).toBe(true);
			const stats = await lookupStats(db, LATER);
			expect(stats.probing.find((p) => p.ip === '198.51.100.7')!.misses).toBeGreaterThanOrEqual(5);
		});

		it('rate-limits rapid lookups per IP, from the database', async () => {
			const db = database.db;
			const at = new Date('2026-12-03T00:00:00Z');
			const outcomes: string[] = [];
			for (let k = 0; k < 1000; k++) outcomes.push((await lookupCertificate(db, { query: 'TZ-2026-500112-000001-0', ip: '203.0.113.9', now: new Date(at.getTime() + k), limitPerMinute: 30 })).kind);
			expect(outcomes.slice(0, 30).every((o) => o !== 'rate_limited')).toBe(true);
			expect(outcomes.slice(30).every((o) => o === 'rate_limited')).toBe(true);
			// another IP is unaffected; a minute later the first may ask again
			expect((await lookupCertificate(db, { query: 'x', ip: '203.0.113.10', now: at, limitPerMinute: 30 })).kind).toBe('invalid');
			expect((await lookupCertificate(db, { query: 'x', ip: '203.0.113.9', now: new Date(at.getTime() + 61_000 + 1000), limitPerMinute: 30 })).kind).toBe('invalid');
		});

		it('rotation keeps old keys verifying; a revoked key is reported; renewal links to the old certificate', async () => {
			const db = database.db;
			const w = await makeCertWorld(db, 'special_work');
			const a = await w.passedCandidate();
			const p1 = await proposeCertificates(db, w.actors.institution, w.session, [a.attempt], NOW, config);
			await decideCertificates(db, w.actors.yubei, [p1.done[0]!.id], 'approve', null, NOW, config);
			const before = (await loadPrints(db, [p1.done[0]!.id]))[0]!.signed;
			await rotateIssuerKeys(db, w.regYubei, LATER);
			const keys = await listPublishedKeys(db, LATER);
			const old = keys.keys.find((k) => k.kid === before.proof.ed25519.kid)!;
			expect(old.retired).toBe(LATER.toISOString());
			expect(checkSignedCertificate(before, keys)).toMatchObject({ ok: true, keyNote: expect.stringContaining('轮换') });

			// a new exam cycle for the same person and operation: the new certificate replaces the old
			const again = await makeFinishedAttempt(db, w.session, a.person, { finishedAt: new Date('2026-11-21T00:00:00Z') });
			const p2 = await proposeCertificates(db, w.actors.institution, w.session, [again], LATER, config);
			expect(p2.done).toHaveLength(1);
			await decideCertificates(db, w.actors.yubei, [p2.done[0]!.id], 'approve', null, LATER, config);
			const renewed = await db.selectFrom('certificates').selectAll().where('id', '=', p2.done[0]!.id).executeTakeFirstOrThrow();
			expect(renewed.replaces_certificate_id).toBe(p1.done[0]!.id);
			expect(renewed.key_id).not.toBe(before.proof.ed25519.kid);
			const oldLookup = await lookup(db, before.payload.number);
			expect(oldLookup).toMatchObject({ kind: 'found', replacedBy: renewed.number });

			await revokeKey(db, before.proof.ed25519.kid, LATER);
			const afterRevoke = await lookup(db, before.payload.number);
			expect(afterRevoke).toMatchObject({ kind: 'found', signature: { ok: false, ed25519: 'revoked_key' } });
			expect(afterRevoke.kind === 'found' && afterRevoke.status).toBe('valid'); // status and signature are reported separately
		});

		it('复审 under 30号令 moves the date on; expiring list and 我的证书', async () => {
			const db = database.db;
			const w = await makeCertWorld(db, 'special_work');
			const a = await w.passedCandidate();
			const p = await proposeCertificates(db, w.actors.institution, w.session, [a.attempt], NOW, config);
			// issued in 2021 (30号令): 复审 due 2024-03-10
			await decideCertificates(db, w.actors.yubei, [p.done[0]!.id], 'approve', null, new Date('2021-03-10T02:00:00Z'), config);
			const id = p.done[0]!.id;
			const cert = await db.selectFrom('certificates').select(['number', 'next_review_due', 'valid_until']).where('id', '=', id).executeTakeFirstOrThrow();
			expect(cert).toMatchObject({ next_review_due: '2024-03-10', valid_until: '2027-03-09' });
			expect(await lookup(db, cert.number!, { now: new Date('2024-04-01T00:00:00Z') })).toMatchObject({ status: 'review_due', statusLabel: '待复审' });
			await expect(recordReview(db, w.actors.changshou, id, '2024-02-20', {}, LATER)).rejects.toThrow('不在本辖区');
			const outcome = await recordReview(db, w.actors.yubei, id, '2024-02-20', {}, LATER);
			expect(outcome.nextReviewDue).toBeNull(); // 2027-03-10 is after the switch and after expiry
			expect(await lookup(db, cert.number!, { now: new Date('2024-04-01T00:00:00Z') })).toMatchObject({ status: 'valid' });
			expect((await db.selectFrom('certificate_reviews').selectAll().where('certificate_id', '=', id).execute())[0]).toMatchObject({ previous_due: '2024-03-10', rule_code: 'special-work-review-30' });

			expect(await listExpiring(db, w.entYubei, '2026-12-01', 90)).toEqual([]);
			expect((await listExpiring(db, w.entYubei, '2027-01-01', 90)).map((c) => c.id)).toEqual([id]);
			expect((await listExpiring(db, w.entChangshou, '2027-01-01', 90))).toEqual([]);
			expect((await listPersonCertificates(db, a.person)).map((c) => c.number)).toEqual([cert.number]);
		});

		it('renders a PDF with Chinese text, the QR link and the signed payload; the offline verifier rejects tampering', async () => {
			const db = database.db;
			const w = await makeCertWorld(db, 'special_work');
			const a = await w.passedCandidate({ name: '孙海涛' });
			const p = await proposeCertificates(db, w.actors.institution, w.session, [a.attempt], NOW, config);
			await decideCertificates(db, w.actors.yubei, [p.done[0]!.id], 'approve', null, NOW, config);
			const prints = await loadPrints(db, [p.done[0]!.id]);
			const pdf = await renderCertificatesPdf(prints, 'https://anxun.example', NOW);
			expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
			const url = verifyUrl('https://anxun.example', prints[0]!.signed);
			expect(url).toMatch(/^https:\/\/anxun\.example\/verify\?n=TZ-2026-500112-\d{6}-[0-9A-Z]&s=[\w-]{86}$/);
			expect(pdf.toString('latin1')).toContain(`/URI (${url})`);
			const embedded = extractSignedFromPdf(pdf).map(parseSignedCertificate);
			expect(embedded[0]).toEqual(prints[0]!.signed);
			// the CJK text is extractable: ToUnicode maps for the glyphs of 特种作业 and 孙海涛
			const text = pdf.toString('latin1');
			const cmaps = [...text.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)].map((m) => {
				try {
					return inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
				} catch {
					return '';
				}
			}).filter((s) => s.includes('beginbfchar') || s.includes('beginbfrange')).join('\n').toLowerCase();
			// (a fallback where poppler is missing; with pdftotext the extracted text is checked below)
			if (!existsSync('/usr/bin/pdftotext')) for (const ch of '特种作业孙海涛有效期') expect(cmaps, ch).toContain(ch.codePointAt(0)!.toString(16).padStart(4, '0'));
			const dir = mkdtempSync(join(tmpdir(), 'anxun-cert-'));
			try {
				const file = join(dir, 'c.pdf');
				writeFileSync(file, pdf);
				if (existsSync('/usr/bin/pdftotext')) {
					const out = execFileSync('/usr/bin/pdftotext', [file, '-'], { encoding: 'utf8' });
					expect(out).toContain('特种作业操作证');
					expect(out).toContain('孙海涛');
				}
				if (existsSync('/usr/bin/pdftoppm')) {
					execFileSync('/usr/bin/pdftoppm', ['-f', '1', '-l', '1', '-r', '50', '-png', file, join(dir, 'p')]);
					expect(existsSync(join(dir, 'p-1.png'))).toBe(true);
				}
				// offline: keys and status list as files, no database
				const keysFile = join(dir, 'keys.json');
				const statusFile = join(dir, 'status.json');
				writeFileSync(keysFile, JSON.stringify(await listPublishedKeys(db, NOW)));
				writeFileSync(statusFile, JSON.stringify(await currentStatusList(db, NOW)));
				const cli = (args: string[]) => spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/cert-verify.ts', ...args, '--keys', keysFile, '--status', statusFile], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
				const good = cli([file]);
				expect(good.stdout + good.stderr).toContain('签名有效');
				expect(good.stdout).toContain('状态截至');
				expect(good.status).toBe(0);
				// change the holder's name inside the embedded payload
				const signed = embedded[0]!;
				const forgedBlob = Buffer.from(JSON.stringify([{ ...signed, payload: { ...signed.payload, holderName: '李四' } }])).toString('base64url');
				const originalBlob = Buffer.from(JSON.stringify([signed])).toString('base64url');
				expect(pdf.toString('latin1')).toContain(originalBlob);
				const forgedPdf = Buffer.from(pdf.toString('latin1').replace(originalBlob, forgedBlob), 'latin1');
				const forgedFile = join(dir, 'forged.pdf');
				writeFileSync(forgedFile, forgedPdf);
				const bad = cli([forgedFile]);
				expect(bad.status).toBe(1);
				expect(bad.stdout).toContain('签名无效');
				// number + signature form, payload from a JSON file
				const payloadFile = join(dir, 'signed.json');
				writeFileSync(payloadFile, JSON.stringify(signed));
				const pair = cli([signed.payload.number, signed.proof.ed25519.sig, '--payload', payloadFile]);
				expect(pair.status).toBe(0);
				const wrongSig = cli([signed.payload.number, signed.proof.ed25519.sig.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), '--payload', payloadFile]);
				expect(wrongSig.status).toBe(1);
				// the SM2 co-signature is required: a payload without it is reported and refused
				const strippedFile = join(dir, 'stripped.json');
				writeFileSync(strippedFile, JSON.stringify({ ...signed, proof: { ed25519: signed.proof.ed25519 } }));
				const stripped = cli([signed.payload.number, signed.proof.ed25519.sig, '--payload', strippedFile]);
				expect(stripped.status).toBe(1);
				expect(stripped.stdout).toContain('缺少 SM2 共签');
				// and so does the /verify page when the stored row lost it
				const before = await lookup(db, signed.payload.number, { signature: signed.proof.ed25519.sig });
				expect(before.kind === 'found' && before.signature.ok).toBe(true);
				await sql`update certificates set sm2_signature = null, sm2_key_id = null where id = ${p.done[0]!.id}`.execute(db);
				const after = await lookup(db, signed.payload.number, { signature: signed.proof.ed25519.sig });
				expect(after.kind === 'found' && after.signature).toMatchObject({ ok: false, sm2: 'stripped' });
				expect(after.kind === 'found' && after.signature.label).toContain('缺少 SM2 共签');
				await sql`update certificates set sm2_signature = ${signed.proof.sm2!.sig}, sm2_key_id = ${signed.proof.sm2!.kid} where id = ${p.done[0]!.id}`.execute(db);
				// revoked after the status list is refreshed
				await revokeCertificate(db, w.actors.yubei, p.done[0]!.id, '测试撤销', LATER);
				writeFileSync(statusFile, JSON.stringify(await currentStatusList(db, LATER)));
				const afterRevoke = cli([file]);
				expect(afterRevoke.status).toBe(1);
				expect(afterRevoke.stdout).toContain('已撤销');
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
		});

		it('a person in another region cannot be proposed into a foreign session and candidates need the session', async () => {
			const db = database.db;
			const w = await makeCertWorld(db, 'special_work');
			const stranger = await makeCandidatePerson(db, w.entYubei);
			await completeCourse(db, stranger, w.course!);
			const other = await makeCertWorld(db, 'special_work');
			const attemptElsewhere = await makeFinishedAttempt(db, other.session, stranger);
			const r = await proposeCertificates(db, w.actors.institution, w.session, [attemptElsewhere], NOW, config);
			expect(r.done).toHaveLength(0);
			expect(r.skipped[0]!.reason).toBe('不是本场次考试合格的考生');
		});
	});
}

for (const backend of BACKENDS) {
	describe(`seedDemoCertificates (${backend})`, () => {
		it('issues certificates for passed, eligible attempts via the regulator of the region, and is idempotent', async () => {
			const database = await createTestDatabase(backend);
			try {
				const db = database.db;
				const { seedDemoCertificates } = await import('../../seeds/demo-certificates.ts');
				const w = await makeCertWorld(db, 'special_work');
				const a = await w.passedCandidate();
				const b = await w.passedCandidate({ enterprise: 'changshou' });
				await w.passedCandidate({ studied: false });
				const first = await db.transaction().execute((tx) => seedDemoCertificates(tx, NOW));
				expect(first).toEqual({ proposed: 2, issued: 2 });
				const certs = await db.selectFrom('certificates').select(['attempt_id', 'issuer_org_id', 'status']).orderBy('id').execute();
				expect(certs).toEqual([
					{ attempt_id: a.attempt, issuer_org_id: w.regYubei, status: 'issued' },
					{ attempt_id: b.attempt, issuer_org_id: w.regChangshou, status: 'issued' }
				]);
				expect(await seedDemoCertificates(db, LATER)).toEqual({ proposed: 0, issued: 0 });
			} finally {
				await database.close();
			}
		});
	});
}
