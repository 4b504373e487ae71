// 特种作业 (issue 13), h4: a 特种作业操作证 proposal needs a passed theory and a passed final practical of
// the same application within 12 months; the photo's hash is signed, printed and checked offline;
// 换证 links the renewed certificate; return to post after 6 months; the data exchange.
process.env.ANXUN_KEY_ENCRYPTION_KEY ??= 'a'.repeat(64);
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makePhotoPng, makeSoWorld } from '../support/special-ops-factories-h4.ts';
import { validIdNumber } from '../support/factories.ts';
import { certificateConfigFromEnv } from '../../src/lib/server/certificates/rules.ts';
import { CertificateError, currentStatusList, decideCertificates } from '../../src/lib/server/certificates/issue-service.ts';
import { loadPrints } from '../../src/lib/server/certificates/certificates.query.ts';
import { extractPhotosFromPdf, extractSignedFromPdf, renderCertificatesPdf } from '../../src/lib/server/certificates/certificate-pdf.ts';
import { listPublishedKeys } from '../../src/lib/server/certificates/keys.ts';
import { findVerifiedPhoto, lookupCertificate } from '../../src/lib/server/certificates/verify.ts';
import { parseSignedCertificate } from '../../src/lib/server/certificates/signature.ts';
import { applyForRenewal, proposeApplicationCertificate, recordPostAbsence } from '../../src/lib/server/special-ops/so-certificate-service.ts';
import { listRenewals } from '../../src/lib/server/special-ops/renewal-list.ts';
import { listNeedingPracticalRetest } from '../../src/lib/server/special-ops/return-to-post.query.ts';
import { buildExport, importExternalCertificates } from '../../src/lib/server/special-ops/exchange/exchange-service.ts';
import { fileJsonAdapter } from '../../src/lib/server/special-ops/exchange/adapter.ts';
import { EXCHANGE_FORMAT, EXCHANGE_VERSION } from '../../src/lib/server/special-ops/exchange/format.ts';
import { listSpecialWorkersWithoutCertificate } from '../../src/lib/server/coverage/certificate-audit.query.ts';
import { verifyAuditChain } from '../../src/lib/server/audit/audit.ts';

const config = certificateConfigFromEnv({});
const NOW = new Date('2026-04-01T02:00:00Z');
const refusal = async (p: Promise<unknown>) => {
	try {
		await p;
	} catch (e) {
		expect(e).toBeInstanceOf(CertificateError);
		return (e as Error).message;
	}
	throw new Error('expected a refusal');
};

for (const backend of BACKENDS) {
	describe(`特种作业 certificates, 换证, return to post, exchange (${backend})`, () => {
		let database: TestDatabase;
		beforeAll(async () => {
			database = await createTestDatabase(backend);
		});
		afterAll(async () => database?.close());

		it('refuses a proposal with only one part passed, naming the missing part', async () => {
			const db = database.db;
			const w = await makeSoWorld(db);
			const theoryOnly = await w.application();
			await w.theory(theoryOnly.application, theoryOnly.person);
			expect(await refusal(proposeApplicationCertificate(db, w.actors.institution, theoryOnly.application, NOW))).toMatch(/实际操作考试未通过/);

			const practicalOnly = await w.application();
			await w.theory(practicalOnly.application, practicalOnly.person, { passed: false });
			await w.practical(practicalOnly.application, practicalOnly.person);
			const m = await refusal(proposeApplicationCertificate(db, w.actors.institution, practicalOnly.application, NOW));
			expect(m).toMatch(/安全生产知识考试（理论）未通过/);
			expect(m).not.toMatch(/实际操作/);

			const failedPractical = await w.application();
			await w.theory(failedPractical.application, failedPractical.person);
			await w.practical(failedPractical.application, failedPractical.person, { passed: false });
			expect(await refusal(proposeApplicationCertificate(db, w.actors.institution, failedPractical.application, NOW))).toMatch(/实际操作考试未通过/);

			const unsigned = await w.application();
			await w.theory(unsigned.application, unsigned.person);
			await w.practical(unsigned.application, unsigned.person, { status: 'scored' });
			expect(await refusal(proposeApplicationCertificate(db, w.actors.institution, unsigned.application, NOW))).toMatch(/尚未确认/);

			// the practical 13 months after the theory pass: the theory result had lapsed (暂行办法 第十条)
			const stale = await w.application();
			await w.theory(stale.application, stale.person, { finishedAt: new Date('2025-01-10T02:00:00Z') });
			await w.practical(stale.application, stale.person, { finalisedAt: new Date('2026-02-20T02:00:00Z') });
			expect(await refusal(proposeApplicationCertificate(db, w.actors.institution, stale.application, NOW))).toMatch(/12个月.*第十条/);

			// another institution's application is not found
			const other = await makeSoWorld(db);
			expect(await refusal(proposeApplicationCertificate(db, other.actors.institution, theoryOnly.application, NOW))).toBe('报名记录不存在');
			const n = await db.selectFrom('certificates').select((eb) => eb.fn.countAll<number>().as('n')).where('application_id', 'in', [theoryOnly.application, practicalOnly.application, failedPractical.application, unsigned.application, stale.application]).executeTakeFirstOrThrow();
			expect(Number(n.n)).toBe(0);
		});

		it('proposes with both parts, signs the photo hash, prints the photo; cert:verify fails on a tampered hash or swapped photo', async () => {
			const db = database.db;
			const w = await makeSoWorld(db);
			const a = await w.application({ name: '欧阳电工' });
			const theoryAttempt = await w.theory(a.application, a.person);
			// a failed veto attempt first, then a passed re-sit: the passed one is used
			await w.practical(a.application, a.person, { passed: false, attemptNo: 1 });
			const practicalAttempt = await w.practical(a.application, a.person, { attemptNo: 2, finalisedAt: new Date('2026-03-20T02:00:00Z') });
			const { id } = await proposeApplicationCertificate(db, w.actors.institution, a.application, NOW);
			const row = await db.selectFrom('certificates').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
			const photoHash = createHash('sha256').update(a.photo!).digest('hex');
			expect(row).toMatchObject({ status: 'proposed', type: 'special_work', application_id: a.application, practical_attempt_id: practicalAttempt, attempt_id: theoryAttempt, photo_sha256: photoHash, special_operation_code: '1.2' });
			expect(await refusal(proposeApplicationCertificate(db, w.actors.institution, a.application, NOW))).toMatch(/已提交发证申请/);

			const decided = await decideCertificates(db, w.actors.regulator, [id], 'approve', null, NOW, config);
			expect(decided.done[0]).toMatchObject({ status: 'issued' });
			const issued = await db.selectFrom('certificates').select(['number', 'payload', 'signature']).where('id', '=', id).executeTakeFirstOrThrow();
			const payload = (typeof issued.payload === 'string' ? JSON.parse(issued.payload) : issued.payload) as { photoSha256: string };
			expect(payload.photoSha256).toBe(photoHash);

			// the verifier with the signed URL sees the photo; a wrong signature does not
			const shown = await findVerifiedPhoto(db, issued.number!, issued.signature!);
			expect(shown?.bytes.equals(a.photo!)).toBe(true);
			expect(await findVerifiedPhoto(db, issued.number!, issued.signature!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')))).toBeNull();
			const looked = await lookupCertificate(db, { query: issued.number!, signature: issued.signature, ip: '198.51.100.9', now: NOW, limitPerMinute: 100 });
			expect(looked.kind === 'found' && looked.photoAvailable && looked.signature.ok).toBe(true);

			const prints = await loadPrints(db, [id]);
			expect(prints[0]!.photo?.equals(a.photo!)).toBe(true);
			const pdf = await renderCertificatesPdf(prints, 'https://anxun.example', NOW);
			expect(extractPhotosFromPdf(pdf)[issued.number!]?.equals(a.photo!)).toBe(true);
			// the image is drawn: an image XObject in the page
			expect(pdf.toString('latin1')).toMatch(/\/Subtype \/Image/);

			const dir = mkdtempSync(join(tmpdir(), 'anxun-so-cert-'));
			try {
				const keysFile = join(dir, 'keys.json');
				const statusFile = join(dir, 'status.json');
				// the status list first: publishing it may create the platform key the keys file must list
				writeFileSync(statusFile, JSON.stringify(await currentStatusList(db, NOW)));
				writeFileSync(keysFile, JSON.stringify(await listPublishedKeys(db, NOW)));
				const cli = (file: string) => spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/cert-verify.ts', file, '--keys', keysFile, '--status', statusFile], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
				const file = join(dir, 'c.pdf');
				writeFileSync(file, pdf);
				const good = cli(file);
				expect(good.stdout, good.stderr).toContain('签名有效');
				expect(good.stdout).toContain('与签名中的照片哈希一致');
				expect(good.status, good.stdout).toBe(0);

				// tampered photo hash in the embedded payload: the signature no longer covers it
				const signed = parseSignedCertificate(extractSignedFromPdf(pdf)[0]);
				const originalBlob = Buffer.from(JSON.stringify([signed])).toString('base64url');
				const otherPhoto = makePhotoPng(50, 70, 120);
				const otherHash = createHash('sha256').update(otherPhoto).digest('hex');
				const tamperedBlob = Buffer.from(JSON.stringify([{ ...signed, payload: { ...signed.payload, photoSha256: otherHash } }])).toString('base64url');
				expect(pdf.toString('latin1')).toContain(originalBlob);
				const tamperedFile = join(dir, 'tampered.pdf');
				writeFileSync(tamperedFile, Buffer.from(pdf.toString('latin1').replace(originalBlob, tamperedBlob), 'latin1'));
				const tampered = cli(tamperedFile);
				expect(tampered.status).toBe(1);
				expect(tampered.stdout).toContain('签名无效');

				// swapped photo, signed payload untouched: the photo no longer hashes to the signed value
				const photosBlob = Buffer.from(JSON.stringify({ [issued.number!]: a.photo!.toString('base64') })).toString('base64url');
				const swappedBlob = Buffer.from(JSON.stringify({ [issued.number!]: otherPhoto.toString('base64') })).toString('base64url');
				expect(pdf.toString('latin1')).toContain(photosBlob);
				const swappedFile = join(dir, 'swapped.pdf');
				writeFileSync(swappedFile, Buffer.from(pdf.toString('latin1').replace(photosBlob, swappedBlob), 'latin1'));
				const swapped = cli(swappedFile);
				expect(swapped.status).toBe(1);
				expect(swapped.stdout).toContain('照片被替换');
				expect(readFileSync(file).equals(pdf)).toBe(true);
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
			// a photo changed in the store after issue is not printed nor shown (the frame stays empty)
			await db.updateTable('certificates').set({ photo_sha256: otherHashOf() }).where('id', '=', id).execute();
			expect((await loadPrints(db, [id]))[0]!.photo).toBeNull();
			expect(await findVerifiedPhoto(db, issued.number!, issued.signature!)).toBeNull();
			expect((await verifyAuditChain(db)).ok).toBe(true);
		});

		it('refuses the regulator approval when the practical was corrected to a fail after the proposal', async () => {
			const db = database.db;
			const w = await makeSoWorld(db);
			const a = await w.application();
			await w.theory(a.application, a.person);
			const p = await w.practical(a.application, a.person);
			const { id } = await proposeApplicationCertificate(db, w.actors.institution, a.application, NOW);
			await db.updateTable('practical_attempts').set({ passed: false }).where('id', '=', p).execute();
			const r = await decideCertificates(db, w.actors.regulator, [id], 'approve', null, NOW, config);
			expect(r.skipped[0]?.reason).toMatch(/实际操作考试成绩已无效/);
		});

		it('换证: the expiry list at 90/30 days, a renewal application, the renewed certificate linked to the old', async () => {
			const db = database.db;
			const w = await makeSoWorld(db);
			const a = await w.application();
			await w.theory(a.application, a.person);
			await w.practical(a.application, a.person);
			const { id: oldId } = await proposeApplicationCertificate(db, w.actors.institution, a.application, NOW);
			await decideCertificates(db, w.actors.regulator, [oldId], 'approve', null, NOW, config);
			// pretend the certificate is 6 years old: it expires in 20 days
			await db.updateTable('certificates').set({ valid_until: '2032-03-21' }).where('id', '=', oldId).execute();
			const today = '2032-03-01';
			const list = await listRenewals(db, { holderOrgId: w.enterprise }, today);
			expect(list.find((c) => c.id === oldId)).toMatchObject({ bucket: 'within30', daysLeft: 20, renewal: null });
			expect((await listRenewals(db, { holderOrgId: w.enterprise }, '2031-11-01')).find((c) => c.id === oldId)).toBeUndefined();
			expect((await listRenewals(db, { holderOrgId: w.enterprise }, '2032-01-01')).find((c) => c.id === oldId)?.bucket).toBe('within90');
			// another enterprise cannot apply for it; an unlicensed institution is refused
			const other = await makeSoWorld(db);
			expect(await refusal(applyForRenewal(db, other.actors.enterprise, oldId, w.institution, NOW))).toBe('证书不存在');
			expect(await refusal(applyForRenewal(db, w.actors.enterprise, oldId, w.regulator, NOW))).toMatch(/机构资质/);
			const { applicationId } = await applyForRenewal(db, w.actors.enterprise, oldId, w.institution, NOW);
			expect(await refusal(applyForRenewal(db, w.actors.enterprise, oldId, w.institution, NOW))).toMatch(/已有换证申请/);
			const renewal = await db.selectFrom('so_applications').selectAll().where('id', '=', applicationId).executeTakeFirstOrThrow();
			expect(renewal).toMatchObject({ kind: 'renewal', previous_certificate_id: oldId, photo_sha256: createHash('sha256').update(a.photo!).digest('hex') });
			await db.updateTable('so_applications').set({ status: 'accepted' }).where('id', '=', applicationId).execute();
			expect(await refusal(proposeApplicationCertificate(db, w.actors.institution, applicationId, NOW))).toMatch(/换证考试.*未通过/);
			await w.theory(applicationId, a.person, { finishedAt: new Date('2026-03-30T02:00:00Z') });
			const { id: newId, replaces } = await proposeApplicationCertificate(db, w.actors.institution, applicationId, NOW);
			expect(replaces).toBe(oldId);
			await decideCertificates(db, w.actors.regulator, [newId], 'approve', null, NOW, config);
			const renewed = await db.selectFrom('certificates').select(['replaces_certificate_id', 'status']).where('id', '=', newId).executeTakeFirstOrThrow();
			expect(renewed).toEqual({ replaces_certificate_id: oldId, status: 'issued' });
			// replaced: off the expiry list
			expect((await listRenewals(db, { holderOrgId: w.enterprise }, today)).find((c) => c.id === oldId)).toBeUndefined();
		});

		it('return to post: 6 months away puts the worker on the 需重新实操考试 list until a passed practical', async () => {
			const db = database.db;
			const w = await makeSoWorld(db);
			const a = await w.application();
			const b = await w.application();
			const at = new Date('2026-11-01T02:00:00Z');
			await recordPostAbsence(db, w.actors.enterprise, { personId: a.person, leftOn: '2026-01-10', returnedOn: null }, at);
			expect(await refusal(recordPostAbsence(db, w.actors.enterprise, { personId: a.person, leftOn: '2026-02-01', returnedOn: null }, at))).toMatch(/未结束的离岗记录/);
			expect(await refusal(recordPostAbsence(db, w.actors.enterprise, { personId: a.person, leftOn: null, returnedOn: '2025-12-01' }, at))).toMatch(/返岗日期不能早于离岗日期/);
			expect(await refusal(recordPostAbsence(db, w.actors.enterprise, { personId: a.person, leftOn: null, returnedOn: '2026-12-01' }, at))).toMatch(/不能晚于今天/);
			await recordPostAbsence(db, w.actors.enterprise, { personId: a.person, leftOn: null, returnedOn: '2026-10-01' }, at);
			// 5 months away: no re-test
			await recordPostAbsence(db, w.actors.enterprise, { personId: b.person, leftOn: '2026-04-01', returnedOn: '2026-08-31' }, at);
			const other = await makeSoWorld(db);
			expect(await refusal(recordPostAbsence(db, other.actors.enterprise, { personId: a.person, leftOn: '2026-01-01', returnedOn: null }, at))).toBe('人员不存在');
			let list = await listNeedingPracticalRetest(db, { orgId: w.enterprise }, '2026-11-01');
			expect(list.map((r) => r.personId)).toEqual([a.person]);
			expect(list[0]).toMatchObject({ leftOn: '2026-01-10', returnedOn: '2026-10-01' });
			expect((await listNeedingPracticalRetest(db, { regionPath: '/500000/500112/' }, '2026-11-01')).some((r) => r.personId === a.person)).toBe(true);
			expect((await listNeedingPracticalRetest(db, { regionPath: '/500000/500115/' }, '2026-11-01')).some((r) => r.personId === a.person)).toBe(false);
			// a passed practical of a return-to-post application after leaving clears it
			const rtp = await w.application({ kind: 'return_to_post', person: a.person });
			await w.practical(rtp.application, a.person, { finalisedAt: new Date('2026-10-20T02:00:00Z') });
			list = await listNeedingPracticalRetest(db, { orgId: w.enterprise }, '2026-11-01');
			expect(list).toEqual([]);
			expect(await refusal(proposeApplicationCertificate(db, w.actors.institution, rtp.application, at))).toMatch(/不发新证/);
		});

		it('exchange: the import is all-or-nothing with row errors; an imported certificate counts as 持证; the export follows the schema', async () => {
			const db = database.db;
			const w = await makeSoWorld(db);
			const worker = await w.application({ name: '外地持证' });
			const person = await db.selectFrom('persons').select(['id_number', 'name']).where('id', '=', worker.person).executeTakeFirstOrThrow();
			const today = '2026-04-01';
			expect((await listSpecialWorkersWithoutCertificate(db, '/500000/500112/', today)).some((p) => p.person_id === worker.person)).toBe(true);
			const good = { number: 'T510100199001011234', idNumber: person.id_number, name: person.name, operationCode: '1.2', issuingAuthority: '四川省成都市应急管理局', issuedOn: '2024-05-01', validUntil: '2030-04-30', status: 'valid' };
			const file = (certificates: unknown[], env: Record<string, unknown> = {}) => JSON.stringify({ format: EXCHANGE_FORMAT, version: EXCHANGE_VERSION, certificates, ...env });
			const bad = await importExternalCertificates(db, w.actors.regulator, fileJsonAdapter, file([good, { ...good, number: 'X1', idNumber: '500112199001011230' }, { ...good, number: 'T2', operationCode: '99.9' }, { ...good, number: 'T3', idNumber: validIdNumber('440300', '19850101'), name: '别处人' }, good, { ...good, number: 'T4', issuedOn: '2031-01-01' }]), NOW);
			expect(bad.ok).toBe(false);
			const messages = bad.ok ? [] : bad.errors.map((e) => e.message);
			expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^第2条：证书编号过短/), expect.stringMatching(/^第2条：身份证号不是有效的18位身份证号/), expect.stringMatching(/^第5条：证书编号 T510100199001011234 与第1条重复/), expect.stringMatching(/^第6条：有效期至不能早于发证日期/)]));
			// parse errors stop before the database checks; those come next, still all-or-nothing
			const bad2 = await importExternalCertificates(db, w.actors.regulator, fileJsonAdapter, file([good, { ...good, number: 'T2XXXX', operationCode: '99.9' }, { ...good, number: 'T3XXXX', idNumber: validIdNumber('440300', '19850101'), name: '别处人' }, { ...good, number: 'T5XXXX', name: '张冒名' }]), NOW);
			expect(bad2.ok ? [] : bad2.errors.map((e) => e.message)).toEqual([
				'第2条：操作项目代码 99.9 不在特种作业目录中',
				expect.stringMatching(/^第3条：身份证号 440300…\d{3}[\dX] 不是本辖区登记的人员$/),
				`第4条：姓名“张冒名”与本平台登记的“${person.name}”不一致`
			]);
			expect(await importExternalCertificates(db, w.actors.regulator, fileJsonAdapter, '{"format":"x"}', NOW)).toEqual({ ok: false, errors: [{ row: 0, message: `文件格式不是 ${EXCHANGE_FORMAT}` }] });
			expect(await importExternalCertificates(db, w.actors.regulator, fileJsonAdapter, file([good], { version: '2.0.0' }), NOW)).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining('不支持的版本') }] });
			expect(await importExternalCertificates(db, w.actors.regulator, fileJsonAdapter, 'not json', NOW)).toMatchObject({ ok: false, errors: [{ message: '文件不是有效的 JSON' }] });
			expect(Number((await db.selectFrom('external_certificates').select((eb) => eb.fn.countAll<number>().as('n')).where('person_id', '=', worker.person).executeTakeFirstOrThrow()).n)).toBe(0);

			expect(await importExternalCertificates(db, w.actors.regulator, fileJsonAdapter, file([good]), NOW)).toEqual({ ok: true, imported: 1 });
			expect((await listSpecialWorkersWithoutCertificate(db, '/500000/500112/', today)).some((p) => p.person_id === worker.person)).toBe(false);
			// the same record again is refused, nothing doubled
			expect(await importExternalCertificates(db, w.actors.regulator, fileJsonAdapter, file([good]), NOW)).toMatchObject({ ok: false, errors: [{ row: 1, message: expect.stringContaining('已导入过') }] });
			// another region's regulator cannot attach it to a worker here
			const changshou = { ...w.actors.regulator, regionPath: '/500000/500115/', regionCode: '500115' };
			expect(await importExternalCertificates(db, changshou, fileJsonAdapter, file([{ ...good, number: 'T999999' }]), NOW)).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining('不是本辖区登记的人员') }] });

			// export: an issued certificate, its application and both results, shaped as the schema says
			const a = await w.application();
			await w.theory(a.application, a.person, { finishedAt: new Date('2026-03-10T02:00:00Z') });
			await w.practical(a.application, a.person, { finalisedAt: new Date('2026-03-20T02:00:00Z') });
			const { id } = await proposeApplicationCertificate(db, w.actors.institution, a.application, NOW);
			await decideCertificates(db, w.actors.regulator, [id], 'approve', null, NOW, config);
			const bundle = await buildExport(db, w.actors.regulator, { from: '2026-01-01', to: '2026-04-30' }, NOW);
			const number = (await db.selectFrom('certificates').select('number').where('id', '=', id).executeTakeFirstOrThrow()).number;
			expect(bundle.certificates.find((c) => c.number === number)).toMatchObject({ operationCode: '1.2', status: 'valid', photoSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
			expect(bundle.examResults.filter((r) => r.applicationId === a.application).map((r) => r.part).sort()).toEqual(['practical', 'theory']);
			expect(bundle.applications.some((x) => x.id === a.application)).toBe(true);
			const schemaOf = (name: string) => JSON.parse(readFileSync(`docs/exchange/v1/${name}.schema.json`, 'utf8')) as { required: string[]; properties: Record<string, unknown> };
			const check = (value: object, name: string) => {
				const s = schemaOf(name);
				expect(Object.keys(value).sort(), name).toEqual(Object.keys(s.properties).filter((k) => s.required.includes(k) || k in value).sort());
				for (const k of s.required) expect(value, `${name}.${k}`).toHaveProperty(k);
			};
			check(bundle, 'bundle');
			check(bundle.applications[0]!, 'application');
			check(bundle.examResults[0]!, 'exam-result');
			check(bundle.certificates[0]!, 'certificate');
			// another region's export does not contain them
			const elsewhere = await buildExport(db, { ...w.actors.regulator, regionPath: '/500000/500115/', regionCode: '500115' }, { from: '2026-01-01', to: '2026-04-30' }, NOW);
			expect(elsewhere.certificates.some((c) => c.number === number)).toBe(false);
			expect(elsewhere.applications.some((x) => x.id === a.application)).toBe(false);
		});
	});
}

function otherHashOf(): string {
	return createHash('sha256').update('not the photo').digest('hex');
}
