// Study-time crediting rules: pure, time passed in. The server's clock is the only clock;
// nothing the browser says can add time, it can only withhold it (state 'idle'/'hidden').

export type StudyConfig = {
	/** the page sends a heartbeat this often while visible and active */
	intervalSeconds: number;
	/** slack on top of the interval for network and timer jitter */
	toleranceSeconds: number;
	/** an attention check must be answered within this many seconds */
	checkWindowSeconds: number;
	/** credited seconds between attention checks: uniformly random in [min, max] */
	checkMinSeconds: number;
	checkMaxSeconds: number;
	/** how far a video may play ahead of the furthest position really watched */
	seekToleranceSeconds: number;
};

export const DEFAULT_STUDY_CONFIG: StudyConfig = {
	intervalSeconds: 30,
	toleranceSeconds: 5,
	checkWindowSeconds: 60,
	checkMinSeconds: 5 * 60,
	checkMaxSeconds: 15 * 60,
	seekToleranceSeconds: 3
};

export function studyConfigFromEnv(env: Record<string, string | undefined>): StudyConfig {
	const num = (name: string, fallback: number) => {
		const v = Number(env[name]);
		return Number.isFinite(v) && v > 0 ? v : fallback;
	};
	const d = DEFAULT_STUDY_CONFIG;
	return {
		intervalSeconds: num('ANXUN_STUDY_INTERVAL_SECONDS', d.intervalSeconds),
		toleranceSeconds: num('ANXUN_STUDY_TOLERANCE_SECONDS', d.toleranceSeconds),
		checkWindowSeconds: num('ANXUN_STUDY_CHECK_WINDOW_SECONDS', d.checkWindowSeconds),
		checkMinSeconds: num('ANXUN_STUDY_CHECK_MIN_SECONDS', d.checkMinSeconds),
		checkMaxSeconds: num('ANXUN_STUDY_CHECK_MAX_SECONDS', d.checkMaxSeconds),
		seekToleranceSeconds: num('ANXUN_STUDY_SEEK_TOLERANCE_SECONDS', d.seekToleranceSeconds)
	};
}

/** What the page says about the period since its previous heartbeat. */
export type BeatState = 'active' | 'idle' | 'hidden';

/**
 * beat: an ordinary heartbeat; takeover: the learner pressed "在此页面学习" on a page told that
 * another page is counting — the lease moves here; release: the page is being closed or
 * reloaded (pagehide beacon) — its period is credited as usual, then the lease is given up.
 */
export type BeatIntent = 'beat' | 'takeover' | 'release';

export type BeatInput = {
	tabId: string;
	state: BeatState;
	intent?: BeatIntent;
	/** video only: current playback position and rate */
	position: number | null;
	rate: number | null;
};

export type LeaseState = {
	enrolment_id: number;
	lesson_id: number;
	tab_id: string;
	started_at: Date;
	last_beat_at: Date;
	seconds_to_check: number;
	/** set when the page holding the lease was closed; a released lease is nobody's */
	released_at: Date | null;
};

export type ProgressState = { credited_seconds: number; watched_seconds: number; reached_end: boolean; completed_at: Date | null };
export type LessonState = { id: number; enrolment_id: number; kind: string; minutes: number; video_seconds: number | null };
/** attention: press “我在学习”; face: a photo matched against the reference (issue 16) */
export type CheckKind = 'attention' | 'face';
export type CheckState = { id: number; deadline_at: Date; kind?: CheckKind } | null;

export type RefusalCode =
	| 'another_tab'
	| 'check_overdue'
	| 'seek_ahead'
	| 'not_enrolled'
	| 'course_closed'
	| 'lesson_not_in_course'
	| 'live_elsewhere'
	| 'bad_request';

export const REFUSAL_MESSAGES: Record<RefusalCode, string> = {
	another_tab: '正在另一个页面计时。同一时间只计一处学时；点击“在此页面学习”可把计时移到这里。',
	check_overdue: '学习确认已超时，计时已暂停。请点击“我在学习”后继续计时。',
	seek_ahead: '不能跳过未观看的内容：已退回到你实际看过的位置，快进部分不计学时。',
	not_enrolled: '这门课程没有分配给你，学习时间不计入学时。',
	course_closed: '这门课程已下架或培训已撤销，不再计学时。',
	lesson_not_in_course: '这一节不属于该课程。',
	live_elsewhere: '您正在观看直播培训，直播正在计学时。同一时间只计一处学时：关闭直播页面后，本课程约半分钟内恢复计时。',
	bad_request: '学习记录格式不正确。'
};

/** Why a beat credited nothing although it was accepted. */
export type ZeroReason = 'start' | 'takeover' | 'release' | 'idle' | 'hidden' | 'gap' | 'lesson_complete' | 'same_second' | 'face_pending';

export type BeatDecision = {
	refused: RefusalCode | null;
	/** seconds added to the lesson's credited time */
	credit: number;
	zeroReason: ZeroReason | null;
	/** the lease after this beat (null: leave the stored lease untouched) */
	lease: LeaseState | null;
	watchedSeconds: number;
	reachedEnd: boolean;
	creditedSeconds: number;
	completedNow: boolean;
	issueCheck: { deadline_at: Date; kind: CheckKind } | null;
	/**
	 * The unanswered check of the session this beat ends (a new session starts, or the page
	 * holding the lease is closed): it is closed as missed. A check belongs to its session, so
	 * a check missed in one lesson or tab never blocks a later session.
	 */
	endCheck: number | null;
};

const secondsBetween = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 1000;

export function nextCheckAfter(config: StudyConfig, random: () => number): number {
	const span = Math.max(0, config.checkMaxSeconds - config.checkMinSeconds);
	return Math.round(config.checkMinSeconds + random() * span);
}

export function isLessonComplete(lesson: LessonState, creditedSeconds: number, reachedEnd: boolean): boolean {
	return creditedSeconds >= lesson.minutes * 60 && (lesson.kind !== 'video' || reachedEnd);
}

/**
 * One heartbeat. Credits at most the real time since the last accepted heartbeat of this tab,
 * only if that time is no longer than interval + tolerance, only for the one tab holding the
 * learner's lease, never while an attention check is overdue, never past the lesson's length,
 * and for video never for content skipped by seeking ahead.
 */
export function decideBeat(args: {
	now: Date;
	config: StudyConfig;
	random: () => number;
	lesson: LessonState;
	lease: LeaseState | null;
	progress: ProgressState | null;
	openCheck: CheckState;
	beat: BeatInput;
	/** the learner consented and has a confirmed reference face: sessions start with a face check and checks are face checks */
	faceRequired?: boolean;
}): BeatDecision {
	const { now, config, lesson, lease, beat } = args;
	const cap = config.intervalSeconds + config.toleranceSeconds;
	const progress = args.progress ?? { credited_seconds: 0, watched_seconds: 0, reached_end: false, completed_at: null };
	const base: BeatDecision = {
		refused: null,
		credit: 0,
		zeroReason: null,
		lease: null,
		watchedSeconds: progress.watched_seconds,
		reachedEnd: progress.reached_end,
		creditedSeconds: progress.credited_seconds,
		completedNow: false,
		issueCheck: null,
		endCheck: null
	};
	const intent = beat.intent ?? 'beat';

	const released = lease !== null && lease.released_at !== null;
	const leaseLive = lease !== null && !released && secondsBetween(lease.last_beat_at, now) <= cap;
	const ownsLease =
		lease !== null && !released && lease.tab_id === beat.tabId && lease.lesson_id === lesson.id && lease.enrolment_id === lesson.enrolment_id;

	// Only the learner's explicit "在此页面学习" moves a live lease; a page never takes it silently.
	if (leaseLive && !ownsLease && intent !== 'takeover') return { ...base, refused: 'another_tab' };
	// A closing page that does not hold the lease has nothing to give up.
	if (!ownsLease && intent === 'release') return { ...base, zeroReason: 'release' };

	const restart = (zeroReason: ZeroReason): BeatDecision => ({
		...base,
		zeroReason,
		lease: {
			enrolment_id: lesson.enrolment_id,
			lesson_id: lesson.id,
			tab_id: beat.tabId,
			started_at: ownsLease && lease ? lease.started_at : now,
			last_beat_at: now,
			// the countdown to the next check is the learner's, not the session's: a new tab
			// does not reset it
			seconds_to_check: lease && lease.seconds_to_check > 0 ? lease.seconds_to_check : nextCheckAfter(config, args.random),
			released_at: null
		}
	});

	// A new tab, a lesson switch, a takeover or a stale or released lease: a new session starts
	// here, and the previous session's unanswered check ends with it.
	if (!ownsLease || !lease) {
		const started = { ...restart(leaseLive ? 'takeover' : 'start'), endCheck: args.openCheck?.id ?? null };
		// with face verification every session starts with a face check; nothing is credited until it passes
		if (args.faceRequired && intent !== 'release') started.issueCheck = { deadline_at: new Date(now.getTime() + config.checkWindowSeconds * 1000), kind: 'face' };
		return started;
	}
	const decision = decideOwnBeat(args, lease, progress, base, restart);
	if (intent !== 'release' || !decision.lease) return decision;
	return { ...decision, lease: { ...decision.lease, released_at: now }, endCheck: decision.issueCheck ? null : (args.openCheck?.id ?? null), issueCheck: null };
}

/** A beat of the page that holds the lease. */
function decideOwnBeat(
	args: Parameters<typeof decideBeat>[0],
	lease: LeaseState,
	progress: ProgressState,
	base: BeatDecision,
	restart: (zeroReason: ZeroReason) => BeatDecision
): BeatDecision {
	const { now, config, lesson, beat } = args;
	const cap = config.intervalSeconds + config.toleranceSeconds;
	const lengthSeconds = lesson.minutes * 60;
	// The same tab after a silence longer than interval + tolerance: the silence is not credited.
	if (secondsBetween(lease.last_beat_at, now) > cap) return restart('gap');
	// a face check pending: crediting pauses (the clock follows now) until a photo matches
	if (args.openCheck?.kind === 'face') return restart('face_pending');

	if (args.openCheck && args.openCheck.deadline_at.getTime() < now.getTime()) {
		return { ...restart('idle'), refused: 'check_overdue', zeroReason: null };
	}
	if (beat.state !== 'active') return restart(beat.state);

	const elapsed = secondsBetween(lease.last_beat_at, now);
	const whole = Math.floor(Math.max(0, elapsed));

	let watched = progress.watched_seconds;
	let reachedEnd = progress.reached_end;
	if (lesson.kind === 'video' && beat.position !== null) {
		// Playback faster than 1.0 or a seek cannot move the watched mark faster than real time.
		const allowed = watched + Math.max(0, elapsed) + config.seekToleranceSeconds;
		if (beat.position > allowed) return { ...restart('idle'), refused: 'seek_ahead', zeroReason: null };
		const duration = lesson.video_seconds ?? Number.POSITIVE_INFINITY;
		watched = Math.max(watched, Math.min(beat.position, duration));
		if (lesson.video_seconds !== null && watched >= lesson.video_seconds - 1) reachedEnd = true;
	}

	const remaining = Math.max(0, lengthSeconds - progress.credited_seconds);
	const credit = Math.min(whole, remaining);
	const zeroReason: ZeroReason | null = credit > 0 ? null : remaining === 0 ? 'lesson_complete' : 'same_second';
	const credited = progress.credited_seconds + credit;
	const completedNow = progress.completed_at === null && isLessonComplete(lesson, credited, reachedEnd);

	let secondsToCheck = lease.seconds_to_check - credit;
	let issueCheck: BeatDecision['issueCheck'] = null;
	if (secondsToCheck <= 0 && !args.openCheck && !completedNow && remaining - credit > 0) {
		issueCheck = { deadline_at: new Date(now.getTime() + config.checkWindowSeconds * 1000), kind: args.faceRequired ? 'face' : 'attention' };
		secondsToCheck = nextCheckAfter(config, args.random);
	}

	return {
		...base,
		credit,
		zeroReason,
		// Advance by the whole seconds credited so fractions carry over to the next beat; when
		// nothing more can be credited, simply follow the clock.
		lease: {
			...lease,
			last_beat_at: credit > 0 ? new Date(lease.last_beat_at.getTime() + credit * 1000) : remaining === 0 ? now : lease.last_beat_at,
			seconds_to_check: Math.max(secondsToCheck, 0)
		},
		watchedSeconds: watched,
		reachedEnd,
		creditedSeconds: credited,
		completedNow,
		issueCheck
	};
}
