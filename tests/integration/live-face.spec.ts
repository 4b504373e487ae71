// Issue 19 × issue 16: face checks on live attendance, as in study — every session (join, takeover,
// after a gap) starts with a face check and nothing is credited until a photo matches; with face
// verification on, a 点名 is answered by a matching photo. The model is replaced by a fake analyser
// (the real one is proven in face-study.spec.ts): the photo's first byte says which face it shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { actorFor, makeOrg, makeUser } from '../support/factories.ts';
import { makePerson } from '../support/study-factories.ts';
import { at, LIVE_CLIENT as client, LIVE_CONFIG as CONFIG, liveBeat as live, makeLiveStaff, publishClass, scheduleClass } from '../support/live-factories.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { answerRollCall, recordLiveBeat, startRollCall, type Actor } from '../../src/lib/server/live/live-service.ts';
import { submitLiveFaceSnapshot } from '../../src/lib/server/live/live-face.ts';
import { findAttendance, type LiveClassRow } from '../../src/lib/server/live/live.repository.ts';
import { decideLiveBeat, type LiveBeatInput } from '../../src/lib/server/live/attendance.ts';
import { FaceError, recordConsent, type Analyser } from '../../src/lib/server/face/face-service.ts';
import { DEFAULT_FACE_THRESHOLDS } from '../../src/lib/server/face/rules.ts';
import { seal, sealEmbedding } from '../../src/lib/server/face/vault.ts';

const REFERENCE = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
const STRANGER = REFERENCE.map((v) => -30 * v);
let photoSeq = 0;
/** A distinct photo (distinct bytes: the same photo twice is refused) showing `who`. */
const photo = (who: 'self' | 'stranger' | 'nobody') => new Uint8Array([who.charCodeAt(0), ++photoSeq, photoSeq >> 8, 0xd9]);
const fakeEngine: Analyser = {
	async analyse(bytes) {
		const face = (embedding: number[]) => ({ score: 0.95, real: 0.9, live: 0.95, box: [0, 0, 100, 100] as [number, number, number, number], embedding, landmarks: [] });
		const who = String.fromCharCode(bytes[0]!);
		return { width: 640, height: 480, ms: 1, faces: who === 's' ? [face(REFERENCE)] : who === 'n' ? [] : [face(STRANGER)] };
	}
};
// photo('stranger') starts with 's' too: give it its own first byte
const strangerPhoto = () => {
	const p = photo('stranger');
	p[0] = 'x'.charCodeAt(0);
	return p;
};

describe('live face rules (pure)', () => {
	const rules = { startsAt: at(0), endsAt: at(3600), signinBeforeMinutes: 15, signinAfterMinutes: 10, replayRule: 'live_only' as const, replaySeconds: null };
	const periods = [{ started_at: at(0), ended_at: null }];
	it('a session starts face-pending and credits nothing while pending; without face verification it credits', () => {
		const first = decideLiveBeat({ now: at(0), config: CONFIG, rules, att: null, periods, rollCallOverdue: false, faceRequired: true, beat: live('tab-aaaaaaaa') });
		expect(first.refused).toBe('face_pending');
		expect(first.next!.face_pending).toBe(true);
		const second = decideLiveBeat({ now: at(30), config: CONFIG, rules, att: first.next, periods, rollCallOverdue: false, faceRequired: true, beat: live('tab-aaaaaaaa') });
		expect(second).toMatchObject({ refused: 'face_pending', credit: 0 });
		expect(second.next!.face_pending).toBe(true);
		const withdrawn = decideLiveBeat({ now: at(60), config: CONFIG, rules, att: second.next, periods, rollCallOverdue: false, faceRequired: false, beat: live('tab-aaaaaaaa') });
		expect(withdrawn.refused).toBeNull();
		expect(withdrawn.credit).toBe(30);
	});
	it('a gap or another device starts a new session: face-pending again', () => {
		const passed = { signed_in_at: at(0), late: false, tab_id: 'tab-aaaaaaaa', mode: 'live' as const, last_beat_at: at(30), released_at: null, live_seconds: 30, replay_seconds: 0, watched_seconds: 0, held_seconds: 0, held_roll_call_id: null, face_pending: false };
		const ok = decideLiveBeat({ now: at(60), config: CONFIG, rules, att: passed, periods, rollCallOverdue: false, faceRequired: true, beat: live('tab-aaaaaaaa') });
		expect(ok).toMatchObject({ refused: null, credit: 30 });
		const gap = decideLiveBeat({ now: at(200), config: CONFIG, rules, att: passed, periods, rollCallOverdue: false, faceRequired: true, beat: live('tab-aaaaaaaa') });
		expect(gap).toMatchObject({ refused: 'face_pending', credit: 0 });
		const takeover = decideLiveBeat({ now: at(45), config: CONFIG, rules, att: passed, periods, rollCallOverdue: false, faceRequired: true, beat: live('tab-bbbbbbbb', { intent: 'takeover' }) });
		expect(takeover.refused).toBe('face_pending');
		expect(takeover.next!.face_pending).toBe(true);
	});
});

for (const backend of BACKENDS) {
	describe(`live classes: face checks (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		let admin: Actor;
		let alice: number; // face verification on
		let bob: number; // not enrolled for face verification
		let cls: LiveClassRow;

		const beat = (personId: number, s: number, b: LiveBeatInput) => recordLiveBeat(db, cls, { personId, beat: b, client }, at(s), CONFIG);
		const snap = (s: number, bytes: Uint8Array | null, opts: { tabId?: string; rollCallId?: number | null; personId?: number } = {}) =>
			submitLiveFaceSnapshot(
				db,
				fakeEngine,
				DEFAULT_FACE_THRESHOLDS,
				{ personId: opts.personId ?? alice, cls, tabId: opts.tabId ?? 'alice-tab-1', rollCallId: opts.rollCallId ?? null, bytes, client },
				at(s)
			);

		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			const institution = await makeOrg(db, 'institution');
			const enterprise = await makeOrg(db, 'enterprise');
			const staff = await makeLiveStaff(db, institution);
			admin = staff.admin;
			alice = await makePerson(db, enterprise, { role: 'frontline' });
			bob = await makePerson(db, enterprise, { role: 'frontline' });
			const aliceUser = await makeUser(db, { role: 'learner', orgId: enterprise });
			await recordConsent(db, actorFor(aliceUser.id, enterprise, 'learner', alice), { personId: alice, action: 'given' }, at(-90000));
			await db
				.insertInto('face_references')
				.values({ person_id: alice, source: 'capture', image_enc: seal(new Uint8Array([1, 2, 3])), embedding_enc: sealEmbedding(REFERENCE), status: 'confirmed', created_at: at(-90000), confirmed_at: at(-90000) })
				.execute();
			cls = await scheduleClass(db, admin, { title: '人脸核验直播课', lecturerUserId: staff.lecturer, audience: { orgIds: [enterprise], roleCategories: [], personIds: [] } });
			await publishClass(db, admin, cls, 0, at(-2));
		});
		afterAll(async () => t?.close());

		it('joining: no credit until a photo matches; a stranger or a missing camera keeps credit stopped, with a Chinese reason', async () => {
			const b0 = await beat(alice, 0, live('alice-tab-1'));
			expect(b0.faceCheck).toBe(true);
			expect(b0.refused).toMatchObject({ code: 'face_pending', message: expect.stringContaining('人脸核验') });
			const b30 = await beat(alice, 30, live('alice-tab-1'));
			expect(b30).toMatchObject({ credit: 0, faceCheck: true, refused: { code: 'face_pending' } });
			// bob has no face verification: credited as before
			await beat(bob, 0, live('bob-tab-1'));
			expect((await beat(bob, 30, live('bob-tab-1'))).credit).toBe(30);

			const stranger = await snap(40, strangerPhoto());
			expect(stranger).toMatchObject({ passed: false, outcome: 'different_person', message: expect.stringContaining('不一致') });
			const noCamera = await snap(45, null);
			expect(noCamera).toMatchObject({ passed: false, outcome: 'camera_unavailable', message: expect.stringContaining('摄像头不可用') });
			const nobody = await snap(50, photo('nobody'));
			expect(nobody).toMatchObject({ passed: false, outcome: 'no_face' });
			expect((await beat(alice, 60, live('alice-tab-1'))).credit).toBe(0);

			const self = await snap(65, photo('self'));
			expect(self).toMatchObject({ passed: true, outcome: 'matched' });
			const b95 = await beat(alice, 95, live('alice-tab-1'));
			// credited from the matching photo on, never the pending time before it
			expect(b95).toMatchObject({ credit: 30, faceCheck: false, refused: null });
			expect((await findAttendance(db, cls.id, alice))!.live_seconds).toBe(30);
		});

		it('refuses a photo of another page, a repeated photo, and a learner without face verification', async () => {
			await expect(snap(100, photo('self'), { tabId: 'other-tab-99' })).rejects.toMatchObject({ status: 409, message: expect.stringContaining('不属于当前计时') });
			await expect(snap(100, photo('self'))).rejects.toMatchObject({ message: expect.stringContaining('没有待完成') });
			await expect(snap(100, photo('self'), { personId: bob, tabId: 'bob-tab-1' })).rejects.toBeInstanceOf(FaceError);
		});

		it('after a gap the session starts with a face check again', async () => {
			const back = await beat(alice, 200, live('alice-tab-1'));
			expect(back).toMatchObject({ credit: 0, faceCheck: true, refused: { code: 'face_pending' } });
			const bytes = photo('self');
			expect((await snap(205, bytes)).passed).toBe(true);
			await expect(snap(206, bytes)).rejects.toMatchObject({ status: 409 });
			expect((await beat(alice, 235, live('alice-tab-1'))).credit).toBe(30);
			expect((await findAttendance(db, cls.id, alice))!.live_seconds).toBe(60);
		});

		it('a 点名 is answered by a matching photo, not by the button; a stranger does not answer it', async () => {
			const rc = await startRollCall(db, admin, cls, at(240), CONFIG);
			if (!rc.ok) throw new Error('roll call');
			const during = await beat(alice, 265, live('alice-tab-1'));
			expect(during.rollCall).toMatchObject({ id: rc.id, face: true });
			const bobBeat = await beat(bob, 265, live('bob-tab-1'));
			expect(bobBeat.rollCall).toMatchObject({ id: rc.id, face: false });
			const button = await answerRollCall(db, { personId: alice, classId: cls.id, rollCallId: rc.id, client }, at(270));
			expect(button).toMatchObject({ ok: false, face: true, message: expect.stringContaining('拍照应答') });
			expect(await snap(272, strangerPhoto(), { rollCallId: rc.id })).toMatchObject({ passed: false });
			const answered = await snap(275, photo('self'), { rollCallId: rc.id });
			expect(answered).toMatchObject({ passed: true, message: expect.stringContaining('点名已应答') });
			// the 30 s held while the 点名 was open (235 → 265) now count
			expect((await findAttendance(db, cls.id, alice))!.live_seconds).toBe(90);
			expect((await beat(alice, 295, live('alice-tab-1'))).credit).toBe(30);
			// bob answers with the button as before
			expect(await answerRollCall(db, { personId: bob, classId: cls.id, rollCallId: rc.id, client }, at(270))).toMatchObject({ ok: true, onTime: true });
		});

		it('keeps the evidence: face_checks in context live with the class, live_beats kind face_check', async () => {
			const checks = await db.selectFrom('face_checks').select(['context', 'live_class_id', 'outcome']).where('person_id', '=', alice).orderBy('id').execute();
			expect(checks.every((c) => c.context === 'live' && c.live_class_id === cls.id)).toBe(true);
			expect(checks.map((c) => c.outcome)).toEqual(['different_person', 'camera_unavailable', 'no_face', 'matched', 'matched', 'different_person', 'matched']);
			const beats = await db.selectFrom('live_beats').select(['kind', 'reason']).where('person_id', '=', alice).where('kind', '=', 'face_check').execute();
			expect(beats).toHaveLength(7);
			expect(beats.some((b) => b.reason?.includes(`rollcall`))).toBe(true);
		});
	});
}
