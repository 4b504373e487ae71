// 特种作业 实操 (issue 13, h3): check-in, attempt rules by regime and date, seq-idempotent ticks,
// sign-offs (racing, third review), corrections, evidence, published results, the findings rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { addFailedAttempts, makeCandidate, makePracticalWorld, TINY_PNG, type PracticalWorld } from '../support/special-ops-factories-h3.ts';
import { addEvidence, correctResult, lookUpCandidate, recordSteps, signOff, startAttempt } from '../../src/lib/server/special-ops/practical-service.ts';
import type { ScopedActor } from '../../src/lib/server/audit/actor.ts';
import { listSteps } from '../../src/lib/server/special-ops/practical.repository.ts';
import { listLearnerPracticalResults, practicalPassRates } from '../../src/lib/server/special-ops/practical-results.query.ts';
import { findPracticalAllPass } from '../../src/lib/server/findings/findings.query.ts';

const NOW = new Date('2026-12-05T02:00:00Z');
const actor = (userId: number, orgId: number, role = 'examiner'): ScopedActor => ({ userId, role, orgId, personId: null, ip: '127.0.0.1' });

describe.each(BACKENDS)('practical exam (%s)', (backend) => {
	let t: TestDatabase;
	let w: PracticalWorld;
	let ex1: ScopedActor, ex2: ScopedActor, ex3: ScopedActor;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		w = await makePracticalWorld(t.db);
		ex1 = actor(w.examiners[0]!.id, w.institutionId);
		ex2 = actor(w.examiners[1]!.id, w.institutionId);
		ex3 = actor(w.examiners[2]!.id, w.institutionId);
	}, 120_000);
	afterAll(async () => t?.close());

	it('seeds both scoring sheets with their sources', async () => {
		const sheets = await t.db.selectFrom('practical_sheets').select(['code', 'special_operation_code', 'sources']).orderBy('code').execute();
		expect(sheets.map((s) => s.special_operation_code)).toEqual(['1.2', '2.1']);
		expect(JSON.stringify(sheets[1]!.sources)).toContain('20%/40%/20%/20%');
	});

	it('checks in by the 准考证号 and refuses malformed, theory, foreign-session and unknown codes in Chinese', async () => {
		const c = await makeCandidate(t.db, w);
		const ok = await lookUpCandidate(t.db, ex1, w.sessionId, ` ${c.code.toLowerCase()} `);
		expect(ok.ok && ok.attempt.id).toBe(c.attemptId);
		const cases: [string, number, string][] = [
			['hello', 400, '格式不正确'],
			[`AX-ZK-T-${w.theorySessionId}-${c.applicationId}`, 400, '理论考试'],
			[`AX-ZK-P-${w.sessionId + 999}-${c.applicationId}`, 400, '不是本场'],
			[`AX-ZK-P-${w.sessionId}-999999`, 404, '没有报名号 999999']
		];
		for (const [code, status, text] of cases) {
			const r = await lookUpCandidate(t.db, ex1, w.sessionId, code);
			expect(r.ok, code).toBe(false);
			if (!r.ok) {
				expect(r.status, code).toBe(status);
				expect(r.message, code).toContain(text);
			}
		}
		// another institution's examiner does not see the session at all
		const other = await makePracticalWorld(t.db);
		const foreign = await lookUpCandidate(t.db, actor(other.examiners[0]!.id, other.institutionId), w.sessionId, c.code);
		expect(foreign).toMatchObject({ ok: false, status: 404 });
	});

	it('refuses to start without a passed theory, or with one older than 12 months (暂行办法 第九条/第十条)', async () => {
		const none = await makeCandidate(t.db, w, { theoryAt: null });
		const r1 = await startAttempt(t.db, ex1, none.attemptId, NOW);
		expect(r1).toMatchObject({ ok: false, status: 409 });
		if (!r1.ok) expect(r1.message).toContain('第九条');
		const old = await makeCandidate(t.db, w, { theoryAt: new Date('2025-12-01T02:00:00Z') });
		const r2 = await startAttempt(t.db, ex1, old.attemptId, NOW);
		if (r2.ok) throw new Error('started with an expired theory pass');
		expect(r2.message).toContain('有效期为12个月');
		const fresh = await makeCandidate(t.db, w, { theoryAt: new Date('2025-12-06T02:00:00Z') });
		expect(await startAttempt(t.db, ex1, fresh.attemptId, NOW)).toEqual({ ok: true });
		expect(await startAttempt(t.db, ex1, fresh.attemptId, NOW)).toMatchObject({ ok: false, status: 409 });
		const status = await t.db.selectFrom('practical_attempts').select(['status', 'identity_checked_by']).where('id', '=', fresh.attemptId).executeTakeFirstOrThrow();
		expect(status).toEqual({ status: 'in_progress', identity_checked_by: ex1.userId });
	});

	it('a 2nd re-sit under 30号令 (2026-05) and a 6th attempt under 19号令 (2026-07) are refused', async () => {
		const may = new Date('2026-05-20T02:00:00Z');
		const c30 = await makeCandidate(t.db, w, { theoryAt: new Date('2026-04-01T02:00:00Z'), attemptNo: 3 });
		await addFailedAttempts(t.db, w, c30.applicationId, c30.personId, 2, new Date('2026-05-10T02:00:00Z'));
		const r30 = await startAttempt(t.db, ex1, c30.attemptId, may);
		if (r30.ok) throw new Error('2nd re-sit allowed under 30号令');
		expect(r30.message).toContain('重新参加相应的安全技术培训');

		const july = new Date('2026-07-01T02:00:00Z');
		const c19 = await makeCandidate(t.db, w, { theoryAt: new Date('2026-06-01T02:00:00Z'), attemptNo: 6 });
		await addFailedAttempts(t.db, w, c19.applicationId, c19.personId, 5, new Date('2026-06-20T02:00:00Z'));
		const r19 = await startAttempt(t.db, ex1, c19.attemptId, july);
		if (r19.ok) throw new Error('6th attempt allowed under 19号令');
		expect(r19.message).toContain('重新报名参加理论考试');

		const c5 = await makeCandidate(t.db, w, { theoryAt: new Date('2026-06-01T02:00:00Z'), attemptNo: 5 });
		await addFailedAttempts(t.db, w, c5.applicationId, c5.personId, 4, new Date('2026-06-20T02:00:00Z'));
		expect(await startAttempt(t.db, ex1, c5.attemptId, july)).toEqual({ ok: true });
	});

	it('refuses an examiner who taught the candidate (教考分离, 30号令 第六条)', async () => {
		const taught = await makeCandidate(t.db, w, { cohortTeacherId: ex2.userId });
		const r = await startAttempt(t.db, ex2, taught.attemptId, NOW);
		if (r.ok) throw new Error('teacher started the exam');
		expect(r.message).toContain('30号令 第六条');
		expect(await startAttempt(t.db, ex1, taught.attemptId, NOW)).toEqual({ ok: true });
		const steps = await recordSteps(t.db, ex2, taught.attemptId, [{ seq: 1, code: 'K11-D1', kind: 'deduct' }], NOW);
		expect(steps).toMatchObject({ ok: false, status: 403 });
		expect(await signOff(t.db, ex2, taught.attemptId, NOW)).toMatchObject({ ok: false, status: 403 });
	});

	it('an offline queue replayed twice deducts once; a bad step stores nothing of its batch', async () => {
		const c = await makeCandidate(t.db, w);
		await startAttempt(t.db, ex1, c.attemptId, NOW);
		const batch = [
			{ seq: 1, code: 'K21-D1', kind: 'deduct' as const },
			{ seq: 2, code: 'K21-D2', kind: 'deduct' as const },
			{ seq: 3, code: 'K21-D2', kind: 'undo' as const, undoSeq: 2 }
		];
		const first = await recordSteps(t.db, ex1, c.attemptId, batch, NOW);
		expect(first).toMatchObject({ ok: true, added: 3, total: 95 });
		const again = await recordSteps(t.db, ex1, c.attemptId, batch, NOW);
		expect(again).toMatchObject({ ok: true, added: 0, duplicates: 3, total: 95 });
		const bad = await recordSteps(t.db, ex1, c.attemptId, [
			{ seq: 4, code: 'K11-D1', kind: 'deduct' },
			{ seq: 5, code: 'NOPE', kind: 'deduct' }
		], NOW);
		expect(bad).toMatchObject({ ok: false, status: 400 });
		if (!bad.ok) expect(bad.message).toContain('第 5 步');
		const undoNothing = await recordSteps(t.db, ex1, c.attemptId, [{ seq: 4, code: 'K11-D1', kind: 'undo', undoSeq: 77 }], NOW);
		expect(undoNothing).toMatchObject({ ok: false, status: 400 });
		expect((await listSteps(t.db, c.attemptId)).length).toBe(3);
	});

	it('two examiners signing at once get first and second; the mean is final and published', async () => {
		const c = await makeCandidate(t.db, w, { name: '赵实操' });
		await startAttempt(t.db, ex1, c.attemptId, NOW);
		await recordSteps(t.db, ex1, c.attemptId, [{ seq: 1, code: 'K21-D1', kind: 'deduct', note: '考评员私注：手抖' }], NOW);
		await recordSteps(t.db, ex2, c.attemptId, [{ seq: 1, code: 'K21-D2', kind: 'deduct' }], NOW);
		const [a, b] = await Promise.all([signOff(t.db, ex1, c.attemptId, NOW), signOff(t.db, ex2, c.attemptId, NOW)]);
		expect(a.ok && b.ok).toBe(true);
		const roles = (await t.db.selectFrom('practical_signoffs').select('role').where('attempt_id', '=', c.attemptId).execute()).map((r) => r.role).sort();
		expect(roles).toEqual(['first', 'second']);
		const row = await t.db.selectFrom('practical_attempts').select(['status', 'score', 'passed', 'published_at']).where('id', '=', c.attemptId).executeTakeFirstOrThrow();
		expect(row.status).toBe('final');
		expect(Number(row.score)).toBe(96.5);
		expect(row.passed).toBe(true);
		expect(row.published_at).not.toBeNull();
		// signing twice, ticking after signing
		expect(await signOff(t.db, ex1, c.attemptId, NOW)).toMatchObject({ ok: false, status: 409 });
		expect(await recordSteps(t.db, ex1, c.attemptId, [{ seq: 2, code: 'K11-D1', kind: 'deduct' }], NOW)).toMatchObject({ ok: false, status: 409 });
		// published to the candidate: deductions, never the examiners' notes
		const results = await listLearnerPracticalResults(t.db, c.personId);
		expect(results).toHaveLength(1);
		expect(results[0]!.byExaminer.map((e) => e.total)).toEqual(expect.arrayContaining([95, 98]));
		expect(JSON.stringify(results)).not.toContain('私注');
	});

	it('totals beyond the tolerance need a third review; a veto fails; corrections need a reason and are audited', async () => {
		const c = await makeCandidate(t.db, w);
		await startAttempt(t.db, ex1, c.attemptId, NOW);
		await recordSteps(t.db, ex1, c.attemptId, [{ seq: 1, code: 'K41-V1', kind: 'veto' }], NOW);
		await signOff(t.db, ex1, c.attemptId, NOW);
		const second = await signOff(t.db, ex2, c.attemptId, NOW);
		expect(second.ok && second.outcome.state).toBe('third_review');
		await recordSteps(t.db, ex3, c.attemptId, [{ seq: 1, code: 'K41-V1', kind: 'veto' }], NOW);
		const third = await signOff(t.db, ex3, c.attemptId, NOW);
		expect(third.ok && third.outcome).toEqual({ state: 'final', score: 100, veto: true, passed: false });

		expect(await correctResult(t.db, ex1, c.attemptId, { score: 90, veto: false, reason: ' ' }, NOW)).toMatchObject({ ok: false, status: 400 });
		expect(await correctResult(t.db, ex1, c.attemptId, { score: 101, veto: false, reason: '复核录像' }, NOW)).toMatchObject({ ok: false, status: 400 });
		expect(await correctResult(t.db, ex1, c.attemptId, { score: 90, veto: false, reason: '复核录像，否决项判定有误' }, NOW)).toEqual({ ok: true });
		const row = await t.db.selectFrom('practical_attempts').select(['score', 'passed']).where('id', '=', c.attemptId).executeTakeFirstOrThrow();
		expect([Number(row.score), row.passed]).toEqual([90, true]);
		const audit = await t.db.selectFrom('audit_log').select('action').where('target', '=', `practical_attempt:${c.attemptId}`).execute();
		expect(audit.map((x) => x.action)).toEqual(expect.arrayContaining(['practical.start', 'practical.steps', 'practical.signoff', 'practical.correct']));
	});

	it('stores JPEG/PNG/MP4 evidence and refuses other bytes and oversize files', async () => {
		const c = await makeCandidate(t.db, w);
		const early = await addEvidence(t.db, ex1, c.attemptId, { name: 'a.png', size: TINY_PNG.length, data: new Blob([TINY_PNG]), itemCode: null }, NOW);
		expect(early).toMatchObject({ ok: false, status: 409 });
		await startAttempt(t.db, ex1, c.attemptId, NOW);
		const text = new Blob(['not an image at all']);
		expect(await addEvidence(t.db, ex1, c.attemptId, { name: 'x.jpg', size: text.size, data: text, itemCode: null }, NOW)).toMatchObject({ ok: false, status: 400 });
		expect(await addEvidence(t.db, ex1, c.attemptId, { name: 'big.mp4', size: 60 * 1024 * 1024, data: text, itemCode: null }, NOW)).toMatchObject({ ok: false, status: 400 });
		const ok = await addEvidence(t.db, ex1, c.attemptId, { name: 'k21.png', size: TINY_PNG.length, data: new Blob([TINY_PNG]), itemCode: 'K21' }, NOW);
		expect(ok.ok).toBe(true);
		const ev = await t.db.selectFrom('practical_evidence as e').innerJoin('files as f', 'f.id', 'e.file_id').select(['f.mime', 'f.owner_org_id', 'e.item_code']).where('e.attempt_id', '=', c.attemptId).execute();
		expect(ev).toEqual([{ mime: 'image/png', owner_org_id: w.institutionId, item_code: 'K21' }]);
	});

	it('the regulator sees pass rates per 考试点 and examiner; an examiner passing everyone is a finding', async () => {
		const v = await makePracticalWorld(t.db, { region: '500103' });
		const e1 = actor(v.examiners[0]!.id, v.institutionId);
		const e2 = actor(v.examiners[1]!.id, v.institutionId);
		for (let i = 0; i < 5; i++) {
			const c = await makeCandidate(t.db, v);
			await startAttempt(t.db, e1, c.attemptId, NOW);
			await signOff(t.db, e1, c.attemptId, NOW);
			await signOff(t.db, e2, c.attemptId, NOW);
		}
		const rates = await practicalPassRates(t.db, '/500000/500103/');
		expect(rates.centres).toEqual([expect.objectContaining({ id: v.centreId, attempts: 5, passed: 5, rate: 100 })]);
		expect(rates.examiners.map((e) => e.id).sort()).toEqual([e1.userId, e2.userId].sort());
		const findings = await findPracticalAllPass(t.db, '/500000/500103/', NOW);
		expect(findings.map((f) => f.key).sort()).toEqual([`practical_all_pass:user:${e1.userId}`, `practical_all_pass:user:${e2.userId}`].sort());
		// other regions see none of it
		expect(await findPracticalAllPass(t.db, '/500000/500112/', NOW)).toEqual([]);
	});
});
