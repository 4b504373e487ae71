// Issue 16: the exam start photo is matched against the reference; a mismatch is an integrity
// flag for the examiner, never an automatic fail (real model, both databases).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { actorFor, makeOrg, makeUser } from '../support/factories.ts';
import { makePerson } from '../support/study-factories.ts';
import { makeBlueprint, makeExamBank, makeSession } from '../support/exam-factories.ts';
import { startAttempt, submitAttempt } from '../../src/lib/server/exams/attempt-service.ts';
import { gradeAttempt } from '../../src/lib/server/exams/grading-service.ts';
import { attemptFaceChecks, attemptFaceImage } from '../../src/lib/server/face/review.query.ts';
import { computeIntegrityFlags } from '../../src/lib/server/proctoring/integrity.ts';
import { FaceEngine } from '../../src/lib/server/face/engine.ts';
import { sampleJpeg } from '../../src/lib/server/face/samples.ts';
import { DEFAULT_FACE_THRESHOLDS as T } from '../../src/lib/server/face/rules.ts';
import { decideReference, enrolFromCapture, recordConsent } from '../../src/lib/server/face/face-service.ts';
import { matchExamPhoto } from '../../src/lib/server/face/exam-face.ts';
import type { Db } from '../../src/lib/server/db/index.ts';

const client = { clientId: 'face-exam-tab', ip: '10.0.0.9', userAgent: 'vitest' };
let engine: FaceEngine;
beforeAll(async () => {
	engine = new FaceEngine({ workers: 1, queueMax: 32, timeoutMs: 60_000 });
	await engine.warm();
}, 120_000);
afterAll(async () => engine?.close());

for (const backend of BACKENDS) {
	describe(`face match at exam start (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
		});
		afterAll(async () => t?.close());

		it('another person at the start raises a face_mismatch flag; the reference person does not', async () => {
			const ent = await makeOrg(db, 'enterprise');
			const inst = await makeOrg(db, 'institution');
			const admin = (await makeUser(db, { role: 'enterprise_admin', orgId: ent })).id;
			const bank = await makeExamBank(db, inst);
			const bp = await makeBlueprint(db, inst, [bank.id]);
			const persons: { personId: number; userId: number }[] = [];
			for (let i = 0; i < 2; i++) {
				const personId = await makePerson(db, ent);
				const userId = (await makeUser(db, { role: 'learner', orgId: ent })).id;
				await recordConsent(db, actorFor(userId, ent, 'learner', personId), { personId, action: 'given' }, new Date());
				const e = await enrolFromCapture(db, engine, T, actorFor(userId, ent, 'learner', personId), { personId, frames: [sampleJpeg('a_reference'), sampleJpeg('a_other'), sampleJpeg('a_third')] }, new Date());
				if (!e.ok) throw new Error(e.message);
				await decideReference(db, actorFor(admin, ent, 'enterprise_admin'), { referenceId: e.referenceId, confirm: true }, new Date());
				persons.push({ personId, userId });
			}
			const session = await makeSession(db, { ownerOrgId: inst, blueprintId: bp, personIds: persons.map((p) => p.personId), requireWebcam: true });
			const results = [];
			for (const [i, p] of persons.entries()) {
				const photo = sampleJpeg(i === 0 ? 'b_person' : 'a_dark');
				const started = await startAttempt(db, { sessionId: session, personId: p.personId, userId: p.userId, accessCode: '', client, identityPhoto: photo }, new Date());
				expect(started.ok).toBe(true); // never refused automatically
				const attemptId = (started as { attemptId: number }).attemptId;
				const v = await matchExamPhoto(db, engine, T, { attemptId, personId: p.personId, bytes: photo }, new Date());
				const events = await db.selectFrom('exam_events').select(['kind', 'source']).where('attempt_id', '=', attemptId).execute();
				results.push({ outcome: v?.outcome, flags: computeIntegrityFlags(events, { startedAt: null, finishedAt: null, answered: 0, requireFullscreen: false }).map((f) => f.code) });
			}
			expect(results[0]).toEqual({ outcome: 'different_person', flags: ['face_mismatch'] });
			expect(results[1]).toEqual({ outcome: 'matched', flags: [] });
		}, 120_000);

		it('a match that arrives after the candidate submitted still flags the graded attempt; the examiner page lists it with the score', async () => {
			const ent = await makeOrg(db, 'enterprise');
			const inst = await makeOrg(db, 'institution');
			const admin = (await makeUser(db, { role: 'enterprise_admin', orgId: ent })).id;
			const bank = await makeExamBank(db, inst);
			const bp = await makeBlueprint(db, inst, [bank.id]);
			const personId = await makePerson(db, ent);
			const userId = (await makeUser(db, { role: 'learner', orgId: ent })).id;
			await recordConsent(db, actorFor(userId, ent, 'learner', personId), { personId, action: 'given' }, new Date());
			const e = await enrolFromCapture(db, engine, T, actorFor(userId, ent, 'learner', personId), { personId, frames: [sampleJpeg('a_reference'), sampleJpeg('a_other'), sampleJpeg('a_third')] }, new Date());
			if (!e.ok) throw new Error(e.message);
			await decideReference(db, actorFor(admin, ent, 'enterprise_admin'), { referenceId: e.referenceId, confirm: true }, new Date());
			const session = await makeSession(db, { ownerOrgId: inst, blueprintId: bp, personIds: [personId], requireWebcam: true });
			const photo = sampleJpeg('c_person');
			const started = await startAttempt(db, { sessionId: session, personId, userId, accessCode: '', client, identityPhoto: photo }, new Date());
			const attemptId = (started as { attemptId: number }).attemptId;
			await submitAttempt(db, { attemptId, personId, client, answers: [], events: [] }, new Date());
			await gradeAttempt(db, attemptId, new Date());
			const before = await db.selectFrom('exam_attempts').select('flags').where('id', '=', attemptId).executeTakeFirstOrThrow();
			expect((before.flags as { code: string }[]).map((f) => f.code)).not.toContain('face_mismatch');

			const v = await matchExamPhoto(db, engine, T, { attemptId, personId, bytes: photo }, new Date());
			expect(v?.outcome).toBe('different_person');
			const after = await db.selectFrom('exam_attempts').select('flags').where('id', '=', attemptId).executeTakeFirstOrThrow();
			expect((after.flags as { code: string }[]).map((f) => f.code)).toContain('face_mismatch');

			const checks = await attemptFaceChecks(db, attemptId);
			expect(checks).toEqual([expect.objectContaining({ id: v!.checkId, outcome: 'different_person', score: v!.score, hasSnapshot: true, hasReference: true, decision: null })]);
			expect(JSON.stringify(checks)).not.toMatch(/embedding/);
			expect(Buffer.from((await attemptFaceImage(db, attemptId, v!.checkId, 'snapshot'))!).equals(Buffer.from(photo))).toBe(true);
			expect(await attemptFaceImage(db, attemptId, v!.checkId, 'reference')).not.toBeNull();
			expect(await attemptFaceImage(db, attemptId + 1000, v!.checkId, 'snapshot')).toBeNull();
		}, 120_000);
	});
}
