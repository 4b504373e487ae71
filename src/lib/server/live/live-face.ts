import type { Db } from '../db/index.ts';
import type { FaceThresholds } from '../face/rules.ts';
import { checkPhoto, FaceError, STUDY_MESSAGES, type Analyser } from '../face/face-service.ts';
import type { FaceOutcome } from '../face/rules.ts';
import { answerRollCall, type ClientInfo } from './live-service.ts';
import { clearFacePending, findAttendance, findRollCall, insertLiveBeat, isFaceRequired, type LiveClassRow } from './live.repository.ts';

export type LiveFaceResult = { outcome: FaceOutcome; score: number | null; passed: boolean; message: string };

const LIVE_MESSAGES: Record<FaceOutcome, string> = {
	...STUDY_MESSAGES,
	matched: '核验通过，继续计时。',
	camera_unavailable: '摄像头不可用：核验通过前本直播不计学时。可联系培训管理员安排现场签到。'
};

/**
 * A learner's photo on a live page with face verification on: for the face check that starts each
 * session (join, takeover, after a gap) or to answer a 点名 (`rollCallId`). Matched: the session's
 * check is cleared and crediting resumes from now, or the 点名 counts as answered (on time or late,
 * by the same rule as the button). Anything else: nothing changes, credit stays stopped; the
 * outcome is kept in face_checks and live_beats (kind 'face_check') as evidence.
 */
export async function submitLiveFaceSnapshot(
	db: Db,
	engine: Analyser,
	t: FaceThresholds,
	input: { personId: number; cls: LiveClassRow; tabId: string; rollCallId: number | null; bytes: Uint8Array | null; client: ClientInfo },
	now: Date
): Promise<LiveFaceResult> {
	if (!(await isFaceRequired(db, input.personId))) throw new FaceError('您没有开启人脸核验，无需拍照', 409);
	const att = await findAttendance(db, input.cls.id, input.personId);
	if (!att || att.tab_id !== input.tabId || att.released_at !== null) throw new FaceError('这张照片不属于当前计时的直播页面', 409);
	if (input.rollCallId !== null) {
		const rc = await findRollCall(db, input.rollCallId);
		if (!rc || rc.class_id !== input.cls.id || rc.issued_at > now) throw new FaceError('没有这次点名', 404);
	} else if (!att.face_pending) {
		throw new FaceError('没有待完成的人脸核验', 409);
	}
	const v = await checkPhoto(db, engine, t, { personId: input.personId, bytes: input.bytes, context: 'live', liveClassId: input.cls.id }, now);
	const passed = v.outcome === 'matched';
	await insertLiveBeat(db, {
		class_id: input.cls.id,
		person_id: input.personId,
		at: now,
		tab_id: input.tabId,
		kind: 'face_check',
		mode: att.mode === 'replay' ? 'replay' : 'live',
		credited_seconds: 0,
		reason: `${v.outcome}${v.score !== null ? ':' + v.score : ''} #${v.checkId}${input.rollCallId !== null ? ` rollcall ${input.rollCallId}` : ''}`,
		position: null,
		ip: input.client.ip,
		device: input.client.device
	});
	if (!passed) return { outcome: v.outcome, score: v.score, passed, message: LIVE_MESSAGES[v.outcome] };
	if (input.rollCallId !== null) {
		const r = await answerRollCall(db, { personId: input.personId, classId: input.cls.id, rollCallId: input.rollCallId, client: input.client, byFace: true }, now);
		// the photo also stands for the session's own face check, if that was still open
		await clearFacePending(db, input.cls.id, input.personId, input.tabId, now);
		return { outcome: v.outcome, score: v.score, passed, message: r.message };
	}
	await clearFacePending(db, input.cls.id, input.personId, input.tabId, now);
	return { outcome: v.outcome, score: v.score, passed, message: LIVE_MESSAGES.matched };
}
