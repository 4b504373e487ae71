// Issue 16: face checks in study, on the real model (human + tfjs WASM in a worker thread) and
// both databases. Photos are cut from the model package's own picture (src/lib/server/face/samples.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { actorFor, makeOrg, makeUser } from '../support/factories.ts';
import { enrol, makeCourse, makePerson } from '../support/study-factories.ts';
import { recordHeartbeat } from '../../src/lib/server/study/heartbeat.ts';
import { BeatStateCache } from '../../src/lib/server/study/beat-state-cache.ts';
import { DEFAULT_STUDY_CONFIG, type StudyConfig } from '../../src/lib/server/study/credit.ts';
import { FaceBusyError, FaceEngine, FaceImageError } from '../../src/lib/server/face/engine.ts';
import { sampleJpeg, sampleRgb } from '../../src/lib/server/face/samples.ts';
import { encodeJpeg } from '../../src/lib/server/face/image.ts';
import { printRecapture, shifted, zoomed } from '../../src/lib/server/face/recapture.ts';
import { DEFAULT_FACE_THRESHOLDS as T, judgeEnrolment, judgeFace, similarity } from '../../src/lib/server/face/rules.ts';
import { decideReference, enrolFromCapture, faceStatus, FaceError, purgeSnapshots, recordConsent, submitStudySnapshot } from '../../src/lib/server/face/face-service.ts';
import { open, seal } from '../../src/lib/server/face/vault.ts';
import { mayReview, reviewQueue } from '../../src/lib/server/face/review.query.ts';
import { reviewCheck } from '../../src/lib/server/face/face-service.ts';
import type { Db } from '../../src/lib/server/db/index.ts';

const T0 = Date.parse('2026-11-20T02:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const NO_CHECKS: StudyConfig = { ...DEFAULT_STUDY_CONFIG, checkMinSeconds: 1e6, checkMaxSeconds: 1e6 };
const client = { ip: '10.0.0.1', device: 'test' };
const beat = (tabId: string) => ({ tabId, state: 'active' as const, position: null, rate: null });

let engine: FaceEngine;
beforeAll(async () => {
	engine = new FaceEngine({ workers: 1, queueMax: 32, timeoutMs: 60_000 });
	await engine.warm();
}, 120_000);
afterAll(async () => engine?.close());

describe('the face model under load', () => {
	it('a photo the model does not finish in time is refused as busy (HTTP 503), not as an error (500), and nothing stays queued', async () => {
		const slow = new FaceEngine({ workers: 1, queueMax: 4, timeoutMs: 1 });
		try {
			const late = await slow.analyse(sampleJpeg('a_reference')).catch((e: unknown) => e);
			expect(late).toBeInstanceOf(FaceBusyError);
			expect((late as Error).message).toBe('人脸核验超时，请稍后重试');
			expect(slow.load).toBe(0);
		} finally {
			await slow.close();
		}
	}, 60_000);
});

describe('face rules on the package photos', () => {
	it('same man matches under other photos and darker light; other people, two faces, no face do not', async () => {
		const ref = (await engine.analyse(sampleJpeg('a_reference'))).faces[0]!.embedding;
		const verdict = async (name: Parameters<typeof sampleJpeg>[0]) => judgeFace(await engine.analyse(sampleJpeg(name)), ref, T);
		expect((await verdict('a_other')).outcome).toBe('matched');
		expect((await verdict('a_third')).outcome).toBe('matched');
		expect((await verdict('a_dark')).outcome).toBe('matched');
		const b = await verdict('b_person');
		expect(b.outcome).toBe('different_person');
		expect(b.score!).toBeLessThan(T.match);
		expect((await verdict('c_person')).outcome).toBe('different_person');
		expect((await verdict('two_faces')).outcome).toBe('several_faces');
		expect((await verdict('no_face')).outcome).toBe('no_face');
		expect(similarity(ref, ref)).toBe(1);
	}, 60_000);

	it('a spoof score under the threshold is "spoof suspected" (threshold raised to show the rule)', async () => {
		const a = await engine.analyse(sampleJpeg('a_other'));
		expect(judgeFace(a, null, { ...T, minReal: 0.99 }).outcome).toBe('spoof');
	});

	it('enrolment liveness: one still picture moved, brought closer or re-printed is refused; three photos of the man pass', async () => {
		const judged = async (frames: Uint8Array[]) => judgeEnrolment(await Promise.all(frames.map(async (f) => judgeFace(await engine.analyse(f), null, T))), T, frames.map((_, i) => String(i)));
		for (const name of ['a_reference', 'a_other', 'b_person'] as const) {
			const still = sampleRgb(name);
			const r = await judged([encodeJpeg(still), encodeJpeg(shifted(still, 6, 3, 1.05)), encodeJpeg(zoomed(still, 1.1))]);
			expect(r, name).toMatchObject({ ok: false, message: expect.stringContaining('疑似翻拍') });
			const printed = await judged([encodeJpeg(still, 80), encodeJpeg(printRecapture(still)), encodeJpeg(shifted(printRecapture(still), -5, 4))]);
			expect(printed.ok, name).toBe(false);
		}
		const live = await judged([sampleJpeg('a_reference'), sampleJpeg('a_other'), sampleJpeg('a_third')]);
		expect(live).toMatchObject({ ok: true });
		expect((live as { motion: number }).motion).toBeGreaterThanOrEqual(T.minMotion);
	}, 120_000);

	it('refuses a non-image and an oversized image before any model work', async () => {
		await expect(engine.analyse(new TextEncoder().encode('not an image at all'))).rejects.toBeInstanceOf(FaceImageError);
		const big = new Uint8Array(700 * 1024);
		big.set([0xff, 0xd8, 0xff]);
		await expect(engine.analyse(big)).rejects.toThrow(/过大/);
		const broken = new Uint8Array(2000);
		broken.set([0xff, 0xd8, 0xff, 0xe0]);
		await expect(engine.analyse(broken)).rejects.toThrow(/无法解码/);
	});

	it('encrypts at rest with AES-GCM: a changed byte does not open', () => {
		const sealed = seal(new Uint8Array([1, 2, 3, 4]));
		expect([...open(sealed)]).toEqual([1, 2, 3, 4]);
		sealed[sealed.length - 1]! ^= 1;
		expect(() => open(sealed)).toThrow();
	});
});

for (const backend of BACKENDS) {
	describe(`face checks in study (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		let orgId: number;
		let adminId: number;
		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			orgId = await makeOrg(db, 'enterprise');
			adminId = (await makeUser(db, { role: 'enterprise_admin', orgId })).id;
		});
		afterAll(async () => t?.close());

		async function enrolled() {
			const personId = await makePerson(db, orgId);
			const userId = (await makeUser(db, { role: 'learner', orgId })).id;
			const course = await makeCourse(db, [{ minutes: 45 }]);
			const enrolmentId = await enrol(db, personId, course.courseId);
			const lessonId = course.lessonIds[0]!;
			const send = (s: number, tab = 'tab-aaaaaaaa') => recordHeartbeat(db, { personId, enrolmentId, lessonId, beat: beat(tab), client }, at(s), NO_CHECKS, () => 0.5);
			const snap = (s: number, checkId: number, bytes: Uint8Array | null, tabId = 'tab-aaaaaaaa', who = personId) =>
				submitStudySnapshot(db, engine, T, { personId: who, checkId, tabId, bytes, ip: null, device: null }, at(s));
			return { personId, userId, enrolmentId, lessonId, send, snap };
		}

		async function consentAndEnrol(s: Awaited<ReturnType<typeof enrolled>>) {
			await recordConsent(db, actorFor(s.userId, orgId, 'learner', s.personId), { personId: s.personId, action: 'given' }, at(-100));
			const e = await enrolFromCapture(db, engine, T, actorFor(s.userId, orgId, 'learner', s.personId), { personId: s.personId, frames: [sampleJpeg('a_reference'), sampleJpeg('a_other'), sampleJpeg('a_third')] }, at(-90));
			if (!e.ok) throw new Error(e.message);
			expect((await faceStatus(db, s.personId)).active).toBe(false); // pending the admin
			await decideReference(db, actorFor(adminId, orgId, 'enterprise_admin'), { referenceId: e.referenceId, confirm: true }, at(-80));
			expect((await faceStatus(db, s.personId)).active).toBe(true);
		}

		it('face verification turned on while a page\'s beat state is cached: the next session still starts with a face check', async () => {
			const s = await enrolled();
			const cache = new BeatStateCache();
			const send = (sec: number, tab: string) =>
				recordHeartbeat(db, { personId: s.personId, enrolmentId: s.enrolmentId, lessonId: s.lessonId, beat: beat(tab), client }, at(sec), NO_CHECKS, () => 0.5, cache);
			await send(0, 'tab-aaaaaaaa');
			expect((await send(30, 'tab-aaaaaaaa')).credit).toBe(30);
			expect(cache.hits).toBe(1);
			await consentAndEnrol(s);
			// the first page went quiet; the learner opens the lesson again in a new tab
			const again = await send(100, 'tab-bbbbbbbb');
			expect(again.check?.kind).toBe('face');
			expect((await send(130, 'tab-bbbbbbbb')).credit).toBe(0); // nothing until a photo matches
		});

		const credited = async (enrolmentId: number, lessonId: number) =>
			(await db.selectFrom('lesson_progress').select('credited_seconds').where('enrolment_id', '=', enrolmentId).where('lesson_id', '=', lessonId).executeTakeFirst())?.credited_seconds ?? 0;

		it('without consent nothing changes: no face check, time credited as before', async () => {
			const s = await enrolled();
			const first = await s.send(0);
			expect(first.check).toBeNull();
			await s.send(30);
			expect(await credited(s.enrolmentId, s.lessonId)).toBe(30);
		});

		it('enrolment needs three frames of one person; the admin of another enterprise cannot confirm', async () => {
			const s = await enrolled();
			await recordConsent(db, actorFor(s.userId, orgId, 'learner', s.personId), { personId: s.personId, action: 'given' }, at(0));
			const mixed = await enrolFromCapture(db, engine, T, actorFor(s.userId, orgId, 'learner', s.personId), { personId: s.personId, frames: [sampleJpeg('a_reference'), sampleJpeg('a_other'), sampleJpeg('b_person')] }, at(1));
			expect(mixed).toEqual({ ok: false, message: expect.stringContaining('不是同一人') });
			const same = await enrolFromCapture(db, engine, T, actorFor(s.userId, orgId, 'learner', s.personId), { personId: s.personId, frames: [sampleJpeg('a_reference'), sampleJpeg('a_other'), sampleJpeg('a_reference')] }, at(1));
			expect(same).toEqual({ ok: false, message: expect.stringContaining('完全相同') });
			const still = sampleRgb('a_other');
			const photo = await enrolFromCapture(db, engine, T, actorFor(s.userId, orgId, 'learner', s.personId), { personId: s.personId, frames: [encodeJpeg(still), encodeJpeg(shifted(still, 4, 2)), encodeJpeg(zoomed(still, 0.95))] }, at(1));
			expect(photo).toMatchObject({ ok: false, message: expect.stringContaining('疑似翻拍') });
			expect((await faceStatus(db, s.personId)).reference).toBeNull();
			const ok = await enrolFromCapture(db, engine, T, actorFor(s.userId, orgId, 'learner', s.personId), { personId: s.personId, frames: [sampleJpeg('a_reference'), sampleJpeg('a_other'), sampleJpeg('a_third')] }, at(2));
			expect(ok.ok).toBe(true);
			const otherOrg = await makeOrg(db, 'enterprise');
			await expect(decideReference(db, actorFor(adminId, otherOrg, 'enterprise_admin'), { referenceId: (ok as { referenceId: number }).referenceId, confirm: true }, at(3))).rejects.toThrow(FaceError);
		}, 60_000);

		it('the session starts with a face check; nothing is credited until a photo matches; another person is recorded and not credited', async () => {
			const s = await enrolled();
			await consentAndEnrol(s);
			const start = await s.send(0);
			expect(start.check?.kind).toBe('face');
			const checkId = start.check!.id;
			expect((await s.send(30)).credit).toBe(0);
			// someone else at the camera
			const other = await s.snap(40, checkId, sampleJpeg('b_person'));
			expect(other).toMatchObject({ outcome: 'different_person', passed: false });
			expect((await s.send(60)).credit).toBe(0);
			expect((await s.snap(65, checkId, sampleJpeg('two_faces'))).outcome).toBe('several_faces');
			expect((await s.snap(66, checkId, sampleJpeg('no_face'))).outcome).toBe('no_face');
			expect((await s.snap(67, checkId, null)).outcome).toBe('camera_unavailable');
			expect((await s.send(90)).credit).toBe(0);
			// the learner again: credited from the moment of the match only
			const me = await s.snap(100, checkId, sampleJpeg('a_dark'));
			expect(me).toMatchObject({ outcome: 'matched', passed: true });
			expect((await s.send(120)).credit).toBe(20);
			expect(await credited(s.enrolmentId, s.lessonId)).toBe(20);
			const events = await db.selectFrom('study_events').select(['kind', 'reason']).where('person_id', '=', s.personId).where('kind', '=', 'face_check').orderBy('id').execute();
			expect(events.map((e) => e.reason!.split(/[: ]/)[0])).toEqual(['different_person', 'several_faces', 'no_face', 'camera_unavailable', 'matched']);
			// nothing biometric in clear
			const row = await db.selectFrom('face_checks').select(['image_enc', 'embedding_enc']).where('person_id', '=', s.personId).where('outcome', '=', 'matched').executeTakeFirstOrThrow();
			expect(Buffer.from(row.image_enc!).subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
		}, 90_000);

		it('the same bytes twice count once; a photo for someone else’s check or another page is refused', async () => {
			const s = await enrolled();
			await consentAndEnrol(s);
			const checkId = (await s.send(0)).check!.id;
			expect((await s.snap(5, checkId, sampleJpeg('b_person'))).passed).toBe(false);
			await expect(s.snap(6, checkId, sampleJpeg('b_person'))).rejects.toMatchObject({ status: 409 });
			const stranger = await enrolled();
			await expect(s.snap(7, checkId, sampleJpeg('a_other'), 'tab-aaaaaaaa', stranger.personId)).rejects.toMatchObject({ status: 404 });
			await expect(s.snap(8, checkId, sampleJpeg('a_other'), 'tab-bbbbbbbb')).rejects.toMatchObject({ status: 409 });
			expect((await s.snap(9, checkId, sampleJpeg('a_other'))).passed).toBe(true);
			await expect(s.snap(10, checkId, sampleJpeg('a_third'))).rejects.toMatchObject({ status: 409 }); // already passed
		}, 90_000);

		it('withdrawing consent ends face checks: the next session has none', async () => {
			const s = await enrolled();
			await consentAndEnrol(s);
			expect((await s.send(0)).check?.kind).toBe('face');
			await recordConsent(db, actorFor(s.userId, orgId, 'learner', s.personId), { personId: s.personId, action: 'withdrawn' }, at(10));
			expect((await faceStatus(db, s.personId)).active).toBe(false);
			expect((await s.send(1000, 'tab-cccccccc')).check).toBeNull();
			await s.send(1030, 'tab-cccccccc');
			expect(await credited(s.enrolmentId, s.lessonId)).toBe(30);
		}, 60_000);

		it('periodic checks are face checks for an enrolled learner', async () => {
			const s = await enrolled();
			await consentAndEnrol(s);
			const cfg: StudyConfig = { ...DEFAULT_STUDY_CONFIG, checkMinSeconds: 60, checkMaxSeconds: 60 };
			const first = await recordHeartbeat(db, { personId: s.personId, enrolmentId: s.enrolmentId, lessonId: s.lessonId, beat: beat('tab-aaaaaaaa'), client }, at(0), cfg, () => 0.5);
			const checkId = first.check!.id;
			await s.snap(1, checkId, sampleJpeg('a_other'));
			let issued = null;
			for (let sec = 30; sec <= 150 && !issued; sec += 30) {
				const r = await recordHeartbeat(db, { personId: s.personId, enrolmentId: s.enrolmentId, lessonId: s.lessonId, beat: beat('tab-aaaaaaaa'), client }, at(sec), cfg, () => 0.5);
				if (r.check && r.check.id !== checkId) issued = r.check;
			}
			expect(issued?.kind).toBe('face');
		}, 60_000);

		it('the enterprise admin reviews a non-matching snapshot of their staff (audited); another enterprise may not', async () => {
			const s = await enrolled();
			await consentAndEnrol(s);
			const checkId = (await s.send(0)).check!.id;
			await s.snap(5, checkId, sampleJpeg('c_person'));
			const queue = await reviewQueue(db, { orgId });
			const item = queue.find((q) => q.name && q.outcome === '与登记照片不一致' && q.snapshot);
			expect(item?.reference).toMatch(/^data:image\/jpeg;base64,/);
			expect(await mayReview(db, item!.id, { orgId: await makeOrg(db, 'enterprise') })).toBe(false);
			expect(await mayReview(db, item!.id, { orgId })).toBe(true);
			await reviewCheck(db, actorFor(adminId, orgId, 'enterprise_admin'), { checkId: item!.id, decision: 'other', note: '同事代学' }, at(6));
			expect((await reviewQueue(db, { orgId })).some((q) => q.id === item!.id)).toBe(false);
			const audit = await db.selectFrom('audit_log').select('action').where('action', '=', 'face.reviewed').execute();
			expect(audit.length).toBeGreaterThan(0);
		}, 60_000);

		it('raw snapshots are purged after the retention period unless kept for a review', async () => {
			const n = await purgeSnapshots(db, at(100_000));
			expect(n).toBeGreaterThan(0);
			const left = await db.selectFrom('face_checks').select('id').where('image_enc', 'is not', null).where('kept_for_finding', '=', false).execute();
			expect(left).toHaveLength(0);
		});
	});
}
