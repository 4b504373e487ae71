import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { decideBeat, REFUSAL_MESSAGES, type BeatInput, type RefusalCode, type StudyConfig } from './credit.ts';
import { formatDateTime } from '../../domain/dates.ts';
import {
	closeCheck,
	findCheckForUpdate,
	findLeaseHolder,
	insertStudyEvents,
	lockPersonStudy,
	readBeatState,
	restartLeaseClock,
	writeBeat,
	type BeatState,
	type LeaseHolder
} from './study.repository.ts';
import type { BeatStateCache } from './beat-state-cache.ts';

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
	check: { id: number; deadlineAt: string; secondsLeft: number; kind: 'attention' | 'face' } | null;
	/** refused as another_tab: the page that counts (the learner may move the lease here) */
	holder: { courseTitle: string; lessonTitle: string; lessonNumber: number; startedAt: string } | null;
	nextBeatSeconds: number;
};

/** "正在另一个页面计时：《课程》第N节（开始于 hh:mm）" — Beijing time. */
export function describeHolder(h: LeaseHolder): string {
	return `正在另一个页面计时：《${h.courseTitle}》第${h.lessonNumber}节（开始于 ${formatDateTime(h.startedAt).slice(11)}）。同一时间只计一处学时。`;
}

function refusal(code: RefusalCode, config: StudyConfig, holder: LeaseHolder | null = null): HeartbeatResult {
	return {
		refused: { code, message: holder ? describeHolder(holder) : REFUSAL_MESSAGES[code] },
		credit: 0,
		lessonCreditedSeconds: 0,
		lessonSeconds: 0,
		watchedSeconds: 0,
		reachedEnd: false,
		lessonCompleted: false,
		courseCompleted: false,
		check: null,
		holder: holder && { ...holder, startedAt: holder.startedAt.toISOString() },
		nextBeatSeconds: config.intervalSeconds
	};
}

/**
 * Records one heartbeat of a learner's lesson page and credits study time by the rules of
 * credit.ts. Every beat, refused or not, is stored in study_events: the regulators' evidence.
 *
 * Two round trips, no transaction: read the state in one statement, decide, write in one
 * statement that succeeds only if the learner's lease is still the version that was read
 * (compare-and-set). A concurrent beat from another tab or instance makes the write miss, and
 * the beat is decided again on fresh state — so no interleaving can double-credit.
 *
 * With a `cache` (beat-state-cache.ts), the plain beat of the page that beat last through this
 * process is decided on the state that beat wrote, and written in one round trip: the same
 * compare-and-set, guarded by what the read checks; when it misses, the beat goes the long way.
 */
export async function recordHeartbeat(
	db: Db,
	input: { personId: number; enrolmentId: number; lessonId: number; beat: BeatInput; client: ClientInfo },
	now: Date,
	config: StudyConfig,
	random: () => number = Math.random,
	cache: BeatStateCache | null = null
): Promise<HeartbeatResult> {
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
	const refuse = async (code: RefusalCode, message?: string) => {
		cache?.delete(input.personId);
		await insertStudyEvents(db, [{ ...event, kind: 'refused', reason: code }]);
		const r = refusal(code, config, code === 'another_tab' ? await findLeaseHolder(db, input.personId) : null);
		return message && r.refused ? { ...r, refused: { ...r.refused, message } } : r;
	};
	// a live class's lease is fresh while its page beats within the same interval + tolerance
	const liveSince = new Date(now.getTime() - (config.intervalSeconds + config.toleranceSeconds) * 1000);

	/** Decides on `state` and writes; 'again' when the write missed (or a cached state cannot decide this beat). */
	const settle = async (state: BeatState, cached: boolean): Promise<HeartbeatResult | 'again'> => {
		const target = state.target;
		if (!target || target.person_id !== input.personId) return cached ? 'again' : refuse('not_enrolled');
		if (target.enrolment_status !== 'active' || target.course_status !== 'published') return cached ? 'again' : refuse('course_closed');
		if (target.lesson_id === null || target.lesson_kind === null || target.minutes === null) return cached ? 'again' : refuse('lesson_not_in_course');
		// one lease across study and live: a live class that is counting wins, and the page says which
		if (state.liveElsewhere !== null && input.beat.intent !== 'release') {
			return refuse('live_elsewhere', `您正在观看直播培训《${state.liveElsewhere}》，直播正在计学时。同一时间只计一处学时：关闭直播页面后，本课程约半分钟内恢复计时。`);
		}

		const lesson = {
			id: target.lesson_id,
			enrolment_id: target.enrolment_id,
			kind: target.lesson_kind,
			minutes: target.minutes,
			video_seconds: target.video_seconds
		};
		const { progress, openCheck, lease, faceRequired } = state;
		const d = decideBeat({ now, config, random, lesson, lease, progress, openCheck, beat: input.beat, faceRequired });
		// On a cached state only the plain beat of the session the page holds is written; anything else is
		// decided on a fresh read — a new session too, since whether it starts with a face check
		// (consent given, reference confirmed) is read then, not cached.
		const newSession = d.zeroReason === 'start' || d.zeroReason === 'takeover';
		if (cached && (!lease || !d.lease || newSession || d.refused === 'another_tab' || d.issueCheck || d.endCheck !== null || d.completedNow)) return 'again';
		if (d.refused === 'another_tab') return refuse('another_tab');
		if (!d.lease) {
			// a closing page that held no lease: recorded, nothing to give up
			cache?.delete(input.personId);
			await insertStudyEvents(db, [{ ...event, kind: 'beat', reason: d.zeroReason }]);
			return { ...refusal('another_tab', config), refused: null };
		}

		const completedAt = progress?.completed_at ?? (d.completedNow ? now : null);
		const progressChanged =
			!progress || d.credit > 0 || d.watchedSeconds !== progress.watched_seconds || d.reachedEnd !== progress.reached_end || d.completedNow;
		const newProgress = { credited_seconds: d.creditedSeconds, watched_seconds: d.watchedSeconds, reached_end: d.reachedEnd, completed_at: completedAt };
		const written = await writeBeat(db, {
			personId: input.personId,
			enrolmentId: target.enrolment_id,
			lessonId: lesson.id,
			now,
			expectedVersion: lease?.version ?? null,
			lease: d.lease,
			client: input.client,
			progress: progressChanged ? newProgress : null,
			event: {
				tabId: input.beat.tabId,
				kind: d.refused ? 'refused' : 'beat',
				credited: d.credit,
				reason: d.refused ?? d.zeroReason,
				position: input.beat.position,
				rate: input.beat.rate
			},
			issueCheck: d.issueCheck,
			endCheck: d.endCheck,
			lessonCompleted: d.completedNow,
			guard: cached ? { liveSince, lesson } : null
		});
		if (!written.leaseOk) {
			cache?.delete(input.personId);
			return 'again';
		}

		let check: HeartbeatResult['check'] = null;
		if (d.issueCheck && written.checkId !== null) {
			check = { id: written.checkId, deadlineAt: d.issueCheck.deadline_at.toISOString(), secondsLeft: config.checkWindowSeconds, kind: d.issueCheck.kind };
		} else if (openCheck && d.endCheck !== openCheck.id) {
			check = {
				id: openCheck.id,
				deadlineAt: openCheck.deadline_at.toISOString(),
				secondsLeft: Math.max(0, Math.round((openCheck.deadline_at.getTime() - now.getTime()) / 1000)),
				kind: openCheck.kind
			};
		}
		if (cache) {
			// what this write left, for the page's next beat: only a live lease with no check open
			if (check === null && d.lease.released_at === null && written.version !== null) {
				const progressNow = progressChanged ? { ...newProgress, watched_seconds: written.watchedSeconds ?? d.watchedSeconds } : progress;
				const leaseNow = { ...d.lease, version: written.version };
				cache.set(input.personId, input.enrolmentId, input.lessonId, { target, lease: leaseNow, progress: progressNow, openCheck: null, faceRequired, liveElsewhere: null }, now);
			} else {
				cache.delete(input.personId);
			}
		}
		return {
			refused: d.refused ? { code: d.refused, message: REFUSAL_MESSAGES[d.refused] } : null,
			credit: d.credit,
			lessonCreditedSeconds: d.creditedSeconds,
			lessonSeconds: lesson.minutes * 60,
			watchedSeconds: d.watchedSeconds,
			reachedEnd: d.reachedEnd,
			lessonCompleted: completedAt !== null,
			courseCompleted: written.courseCompleted,
			check,
			holder: null,
			nextBeatSeconds: config.intervalSeconds
		};
	};

	const known = cache && (input.beat.intent ?? 'beat') === 'beat' ? cache.get(input.personId, input.enrolmentId, input.lessonId, now) : null;
	if (known) {
		const result = await settle(known, true);
		if (result !== 'again') {
			cache!.hits++;
			return result;
		}
		cache!.misses++;
	}
	for (let attempt = 0; attempt < 8; attempt++) {
		const result = await settle(await readBeatState(db, input.personId, input.enrolmentId, input.lessonId, liveSince), false);
		if (result !== 'again') return result;
	}
	// Lost the race eight times in a row: another tab is beating at the same moment.
	return refuse('another_tab');
}

export type CheckAnswer = { ok: true; status: 'passed' | 'missed'; message: string } | { ok: false; message: string };

/** The learner confirms an attention check. Late answers are recorded as missed. */
export async function answerCheck(db: Db, input: { personId: number; checkId: number; client: ClientInfo }, now: Date): Promise<CheckAnswer> {
	return withTransaction(db, async (tx) => {
		await lockPersonStudy(tx, input.personId);
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
