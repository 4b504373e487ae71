// Issue 16: POST /api/study/face through the built server (npx vite build first), on each backend:
// bad input (not JSON, not an image, oversized), a matched photo, a replay, someone else's check,
// another page's photo. The real model runs in the server's worker thread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BACKENDS, dropPostgresDatabase } from '../support/db.ts';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';
import { personOfAccount, prepareServerDatabase } from '../support/exam-factories.ts';
import { seedIfEmpty } from '../../seeds/index.ts';
import { enrol, makeCourse } from '../support/study-factories.ts';
import { sampleJpeg } from '../../src/lib/server/face/samples.ts';
import { seal, sealEmbedding } from '../../src/lib/server/face/vault.ts';
import { CONSENT_VERSION } from '../../src/lib/server/face/face-service.ts';

const built = hasBuild(import.meta.url);
const PASSWORD = 'Anxun@2026';
const LEARNER = '13800000007';
const OTHER = '500115197803150011';
const embeddings = JSON.parse(readFileSync('seeds/face-demo-embeddings.json', 'utf8')) as Record<string, number[]>;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

for (const backend of BACKENDS) {
	describe.skipIf(!built)(`study face checks over HTTP (built server, ${backend})`, () => {
		let server: RunningServer;
		let dbUrl: string | null = null;
		let learner: Client;
		let other: Client;
		let target: { enrolmentId: number; lessonId: number };
		const TAB = 'face-http-tab-1';
		const post = (c: Client, path: string, body: unknown, raw?: string) =>
			c.request(path, { method: 'POST', body: raw ?? JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json' } });

		beforeAll(async () => {
			const prepared = await prepareServerDatabase(backend, async (db) => {
				await seedIfEmpty(db, { demo: true });
				const personId = await personOfAccount(db, LEARNER);
				const now = new Date();
				await db.insertInto('face_consents').values({ person_id: personId, action: 'given', text_version: CONSENT_VERSION, at: now }).execute();
				await db
					.insertInto('face_references')
					.values({ person_id: personId, source: 'capture', image_enc: seal(sampleJpeg('a_reference')), embedding_enc: sealEmbedding(embeddings.a_reference!), status: 'confirmed', created_at: now, confirmed_at: now })
					.execute();
				const course = await makeCourse(db, [{ minutes: 45 }]);
				return { enrolmentId: await enrol(db, personId, course.courseId), lessonId: course.lessonIds[0]! };
			});
			dbUrl = prepared.url;
			target = prepared.value;
			server = await startServer(prepared.env);
			learner = new Client(server.url);
			await learner.login(LEARNER, PASSWORD);
			other = new Client(server.url);
			await other.login(OTHER, PASSWORD);
		}, 240_000);

		afterAll(async () => {
			await server?.stop();
			if (dbUrl) await dropPostgresDatabase(dbUrl);
		});

		it('the session starts with a face check; bad input is 4xx in Chinese; the learner’s photo matches once', async () => {
			const beat = await post(learner, '/api/study/heartbeat', { enrolmentId: target.enrolmentId, lessonId: target.lessonId, tabId: TAB, state: 'active' });
			const started = (await beat.json()) as { check: { id: number; kind: string } | null };
			expect(started.check?.kind).toBe('face');
			const checkId = started.check!.id;

			const notJson = await post(learner, '/api/study/face', undefined, 'not json');
			expect(notJson.status).toBe(400);
			const notImage = await post(learner, '/api/study/face', { checkId, tabId: TAB, image: b64(new TextEncoder().encode('plain text, not a photo')) });
			expect(notImage.status).toBe(400);
			expect(((await notImage.json()) as { message: string }).message).toMatch(/抓拍照片 image/);
			const big = await post(learner, '/api/study/face', { checkId, tabId: TAB, image: 'A'.repeat(1_000_000) });
			expect(big.status).toBe(413);

			const stranger = await post(other, '/api/study/face', { checkId, tabId: TAB, image: b64(sampleJpeg('a_other')) });
			expect([403, 404]).toContain(stranger.status);
			const otherTab = await post(learner, '/api/study/face', { checkId, tabId: 'face-http-tab-2', image: b64(sampleJpeg('a_other')) });
			expect(otherTab.status).toBe(409);

			const someoneElse = await post(learner, '/api/study/face', { checkId, tabId: TAB, image: b64(sampleJpeg('b_person')) });
			expect(someoneElse.status).toBe(200);
			expect(await someoneElse.json()).toMatchObject({ outcome: 'different_person', passed: false });
			const replay = await post(learner, '/api/study/face', { checkId, tabId: TAB, image: b64(sampleJpeg('b_person')) });
			expect(replay.status).toBe(409);

			const me = await post(learner, '/api/study/face', { checkId, tabId: TAB, image: b64(sampleJpeg('a_other')) });
			expect(await me.json()).toMatchObject({ outcome: 'matched', passed: true });
			const text = JSON.stringify(await (await learner.get('/learner/face')).text());
			expect(text).not.toMatch(/embedding/);
		}, 120_000);
	});
}
