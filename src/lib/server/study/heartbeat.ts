import type { Db } from '../db/index.ts';
import { decideBeat, REFUSAL_MESSAGES, type BeatInput, type RefusalCode, type StudyConfig } from './credit.ts';
import {
	closeCheck,
	completeEnrolmentIfDone,
	findCheckForUpdate,
	findStudyTarget,
	getLease,
	getOpenCheck,
	getProgress,
	insertCheck,
	insertStudyEvents,
	lockLearner,
	restartLeaseClock,
	saveLease,
	saveProgress
} from './study.repository.ts';

export type ClientInfo = { ip: string | null; device: string | null };

export type HeartbeatResult = {
	refused: { code: RefusalCode; message: string } | null;
	credit: number;
	lessonCreditedSeconds: number;
	lessonSeconds: number;
	watchedSeconds: number;
	reachedEnd: boolean;
	lessonCompleted: boolean;
	courseCompleted: boolean;
	check: { id: number; deadlineAt: string; secondsLeft: number } | null;
	nextBeatSeconds: number;
};

function refusal(code: RefusalCode, config: StudyConfig): HeartbeatResult {
	return {
		refused: { code, message: REFUSAL_MESSAGES[code] },
		credit: 0,
		lessonCreditedSeconds: 0,
		lessonSeconds: 0,
		watchedSeconds: 0,
		reachedEnd: false,
		lessonCompleted: false,
		courseCompleted: false,
		check: null,
		nextBeatSeconds: config.intervalSeconds
	};
}

/**
 * Records one heartbeat of a learner's lesson page and credits study time by the rules of
 * credit.ts. Every beat, refused or not, is stored in study_events: the regulators' evidence.
 */
export async function recordHeartbeat(
	db: Db,
	input: { personId: number; enrolmentId: number; lessonId: number; beat: BeatInput; client: ClientInfo },
	now: Date,
	config: StudyConfig,
	random: () => number = Math.random
): Promise<HeartbeatResult> {
	return db.transaction().execute(async (tx) => {
		await lockLearner(tx, input.personId);
		const event = {
			at: now,
			person_id: input.personId,
			enrolment_id: input.enrolmentId,
			lesson_id: input.lessonId,
			tab_id: input.beat.tabId,
			position: input.beat.position,
			playback_rate: input.beat.rate,
			ip: input.client.ip,
			device: input.client.device
		};
		const refuse = async (code: RefusalCode) => {
			await insertStudyEvents(tx, [{ ...event, kind: 'refused', reason: code }]);
			return refusal(code, config);
		};

		const target = await findStudyTarget(tx, input.enrolmentId, input.lessonId);
		if (!target || target.person_id !== input.personId) return refuse('not_enrolled');
		if (target.enrolment_status !== 'active' || target.course_status !== 'published') return refuse('course_closed');
		if (target.lesson_id === null || target.lesson_kind === null || target.minutes === null) return refuse('lesson_not_in_course');

		const lesson = {
			id: target.lesson_id,
			enrolment_id: target.enrolment_id,
			kind: target.lesson_kind,
			minutes: target.minutes,
			video_seconds: target.video_seconds
		};
		const [lease, progress, openCheck] = await Promise.all([
			getLease(tx, input.personId),
			getProgress(tx, target.enrolment_id, lesson.id),
			getOpenCheck(tx, input.personId)
		]);
		const d = decideBeat({ now, config, random, lesson, lease, progress, openCheck, beat: input.beat });

		if (d.refused === 'another_tab') return refuse('another_tab');

		if (d.lease) await saveLease(tx, input.personId, d.lease, input.client);
		const completedAt = progress?.completed_at ?? (d.completedNow ? now : null);
		const progressChanged =
			!progress || d.credit > 0 || d.watchedSeconds !== progress.watched_seconds || d.reachedEnd !== progress.reached_end || d.completedNow;
		if (progressChanged) {
			await saveProgress(
				tx,
				{ enrolmentId: target.enrolment_id, lessonId: lesson.id },
				{ credited_seconds: d.creditedSeconds, watched_seconds: d.watchedSeconds, reached_end: d.reachedEnd, completed_at: completedAt },
				now
			);
		}

		const events: Parameters<typeof insertStudyEvents>[1] = [
			d.refused ? { ...event, kind: 'refused', reason: d.refused } : { ...event, kind: 'beat', credited_seconds: d.credit, reason: d.zeroReason }
		];
		let check: HeartbeatResult['check'] = null;
		if (d.issueCheck) {
			const id = await insertCheck(tx, {
				personId: input.personId,
				enrolmentId: target.enrolment_id,
				lessonId: lesson.id,
				issuedAt: now,
				deadlineAt: d.issueCheck.deadline_at
			});
			events.push({ ...event, kind: 'check_issued', reason: String(id) });
			check = { id, deadlineAt: d.issueCheck.deadline_at.toISOString(), secondsLeft: config.checkWindowSeconds };
		} else if (openCheck) {
			check = {
				id: openCheck.id,
				deadlineAt: openCheck.deadline_at.toISOString(),
				secondsLeft: Math.max(0, Math.round((openCheck.deadline_at.getTime() - now.getTime()) / 1000))
			};
		}
		let courseCompleted = false;
		if (d.completedNow) {
			events.push({ ...event, kind: 'lesson_completed' });
			courseCompleted = await completeEnrolmentIfDone(tx, target.enrolment_id, now);
		}
		await insertStudyEvents(tx, events);

		return {
			refused: d.refused ? { code: d.refused, message: REFUSAL_MESSAGES[d.refused] } : null,
			credit: d.credit,
			lessonCreditedSeconds: d.creditedSeconds,
			lessonSeconds: lesson.minutes * 60,
			watchedSeconds: d.watchedSeconds,
			reachedEnd: d.reachedEnd,
			lessonCompleted: completedAt !== null,
			courseCompleted,
			check,
			nextBeatSeconds: config.intervalSeconds
		};
	});
}

export type CheckAnswer = { ok: true; status: 'passed' | 'missed'; message: string } | { ok: false; message: string };

/** The learner confirms an attention check. Late answers are recorded as missed. */
export async function answerCheck(db: Db, input: { personId: number; checkId: number; client: ClientInfo }, now: Date): Promise<CheckAnswer> {
	return db.transaction().execute(async (tx) => {
		await lockLearner(tx, input.personId);
		const check = await findCheckForUpdate(tx, input.checkId);
		if (!check || check.person_id !== input.personId) return { ok: false, message: '没有这条学习确认。' };
		if (check.status !== 'pending') return { ok: true, status: check.status as 'passed' | 'missed', message: '已确认。' };
		const status = now.getTime() <= check.deadline_at.getTime() ? 'passed' : 'missed';
		await closeCheck(tx, check.id, status, now);
		if (status === 'missed') await restartLeaseClock(tx, input.personId, now);
		await insertStudyEvents(tx, [
			{
				at: now,
				person_id: input.personId,
				enrolment_id: check.enrolment_id,
				lesson_id: check.lesson_id,
				tab_id: null,
				kind: status === 'passed' ? 'check_passed' : 'check_missed',
				reason: String(check.id),
				ip: input.client.ip,
				device: input.client.device
			}
		]);
		return {
			ok: true,
			status,
			message: status === 'passed' ? '已确认，继续计时。' : '确认超时：超时期间不计学时，现在起恢复计时。'
		};
	});
}
