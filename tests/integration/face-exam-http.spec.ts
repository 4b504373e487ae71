// Issue 16: the examiner's attempt page shows the reference photo and the exam photo side by
// side with the score next to the face_mismatch flag; the images come through an endpoint only
// the attempt's proctors may use (built server, both databases: npx vite build first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, dropPostgresDatabase } from '../support/db.ts';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';
import { personOfAccount, prepareServerDatabase, seedExamScenario } from '../support/exam-factories.ts';
import { startAttempt } from '../../src/lib/server/exams/attempt-service.ts';
import { insertEvents } from '../../src/lib/server/exams/exam.repository.ts';
import { sampleJpeg } from '../../src/lib/server/face/samples.ts';
import { seal, sealEmbedding } from '../../src/lib/server/face/vault.ts';
import { CONSENT_VERSION } from '../../src/lib/server/face/face-service.ts';

const built = hasBuild(import.meta.url);
const PASSWORD = 'Anxun@2026';
const LEARNER = '13800000007';
const EXAMINER = '13800000005';
const INSTITUTION_ADMIN = '13800000004';
const ENTERPRISE_ADMIN = '13800000006';
const client = { clientId: 'face-exam-http', ip: '10.0.0.7', userAgent: 'vitest' };

for (const backend of BACKENDS) {
	describe.skipIf(!built)(`exam face photos for the examiner (built server, ${backend})`, () => {
		let server: RunningServer;
		let dbUrl: string | null = null;
		let ids: { attempt: number; check: number; otherAttempt: number; otherCheck: number };
		const login = async (account: string) => {
			const c = new Client(server.url);
			await c.login(account, PASSWORD);
			return c;
		};

		beforeAll(async () => {
			const prepared = await prepareServerDatabase(backend, async (db) => {
				// two sessions for the demo learner; the demo examiner examines only the first
				const s = await seedExamScenario(db, { learners: [LEARNER], sessions: [{ requireWebcam: true }, { requireWebcam: true, name: '另一场次' }] });
				const personId = await personOfAccount(db, LEARNER);
				const learner = await db.selectFrom('users').select('id').where('mobile', '=', LEARNER).executeTakeFirstOrThrow();
				const examiner = await db.selectFrom('users').select('id').where('mobile', '=', EXAMINER).executeTakeFirstOrThrow();
				await db.insertInto('exam_session_examiners').values({ session_id: s.sessionIds[0]!, user_id: examiner.id }).execute();
				const now = new Date();
				await db.insertInto('face_consents').values({ person_id: personId, action: 'given', text_version: CONSENT_VERSION, at: now }).execute();
				const ref = await db
					.insertInto('face_references')
					.values({ person_id: personId, source: 'capture', image_enc: seal(sampleJpeg('a_reference')), embedding_enc: sealEmbedding([0.1, 0.2]), status: 'confirmed', created_at: now, confirmed_at: now })
					.returning('id')
					.executeTakeFirstOrThrow();
				const out: number[] = [];
				for (const sessionId of s.sessionIds) {
					const started = await startAttempt(db, { sessionId, personId, userId: learner.id, accessCode: '', client, identityPhoto: sampleJpeg('b_person') }, now);
					if (!started.ok) throw new Error(JSON.stringify(started));
					const check = await db
						.insertInto('face_checks')
						.values({ person_id: personId, context: 'exam', attempt_id: started.attemptId, reference_id: ref.id, at: now, outcome: 'different_person', score: '0.31', real: '0.72', live: '0.88', image_sha256: `x${started.attemptId}`, image_enc: seal(sampleJpeg('b_person')), embedding_enc: sealEmbedding([0.3, 0.4]) })
						.returning('id')
						.executeTakeFirstOrThrow();
					await insertEvents(db, started.attemptId, [{ at: now, source: 'server', kind: 'face_mismatch', detail: { faceCheckId: check.id, outcome: 'different_person', score: 0.31 } }]);
					out.push(started.attemptId, check.id);
				}
				return { attempt: out[0]!, check: out[1]!, otherAttempt: out[2]!, otherCheck: out[3]! };
			});
			dbUrl = prepared.url;
			ids = prepared.value;
			server = await startServer(prepared.env);
		}, 240_000);

		afterAll(async () => {
			await server?.stop();
			if (dbUrl) await dropPostgresDatabase(dbUrl);
		});

		it('the session’s examiner sees both photos and the score beside the attempt; the images are the stored ones', async () => {
			const examiner = await login(EXAMINER);
			const page = await examiner.get(`/institution/exams/attempts/${ids.attempt}`);
			expect(page.status).toBe(200);
			const html = await page.text();
			expect(html).toContain(`/institution/exams/attempts/${ids.attempt}/face/${ids.check}/reference`);
			expect(html).toContain(`/institution/exams/attempts/${ids.attempt}/face/${ids.check}/snapshot`);
			expect(html).toContain('与登记照片不一致');
			expect(html).toContain('相似度 0.31');
			expect(html).not.toMatch(/embedding|data:image/);

			const ref = await examiner.get(`/institution/exams/attempts/${ids.attempt}/face/${ids.check}/reference`);
			expect(ref.status).toBe(200);
			expect(ref.headers.get('content-type')).toBe('image/jpeg');
			expect(ref.headers.get('cache-control')).toBe('private, no-store');
			expect(Buffer.from(await ref.arrayBuffer()).equals(Buffer.from(sampleJpeg('a_reference')))).toBe(true);
			const snap = await examiner.get(`/institution/exams/attempts/${ids.attempt}/face/${ids.check}/snapshot`);
			expect(Buffer.from(await snap.arrayBuffer()).equals(Buffer.from(sampleJpeg('b_person')))).toBe(true);
			// the institution's admin proctors every session of the institution (same rule as the attempt page)
			const admin = await login(INSTITUTION_ADMIN);
			expect((await admin.get(`/institution/exams/attempts/${ids.attempt}/face/${ids.check}/reference`)).status).toBe(200);
		}, 60_000);

		it('refuses everyone else: another session, a check of another attempt, other roles, anything but the two images', async () => {
			const examiner = await login(EXAMINER);
			expect((await examiner.get(`/institution/exams/attempts/${ids.otherAttempt}/face/${ids.otherCheck}/reference`)).status).toBe(404);
			expect((await examiner.get(`/institution/exams/attempts/${ids.otherAttempt}`)).status).toBe(404);
			expect((await examiner.get(`/institution/exams/attempts/${ids.attempt}/face/${ids.otherCheck}/snapshot`)).status).toBe(404);
			expect((await examiner.get(`/institution/exams/attempts/${ids.attempt}/face/${ids.check}/embedding`)).status).toBe(404);
			expect((await examiner.get(`/institution/exams/attempts/${ids.attempt}/face/abc/reference`)).status).toBe(404);
			for (const account of [LEARNER, ENTERPRISE_ADMIN]) {
				const c = await login(account);
				expect((await c.get(`/institution/exams/attempts/${ids.attempt}/face/${ids.check}/reference`)).status, account).toBe(403);
			}
			const anonymous = new Client(server.url);
			expect([303, 401, 403]).toContain((await anonymous.get(`/institution/exams/attempts/${ids.attempt}/face/${ids.check}/snapshot`)).status);
		}, 60_000);
	});
}
