// Live-class attendance rules: pure, time passed in. Like study time (study/credit.ts), the
// server's clock is the only clock; the page can only withhold time ('paused', 'hidden').

export type LiveConfig = {
	/** the page beats this often while the stream plays and the page is visible */
	intervalSeconds: number;
	toleranceSeconds: number;
	/** how far a replay may play ahead of what was really watched */
	seekToleranceSeconds: number;
	/** seconds a learner has to answer a 点名 */
	rollCallSeconds: number;
};

export type LiveClassRules = {
	startsAt: Date;
	endsAt: Date;
	signinBeforeMinutes: number;
	signinAfterMinutes: number;
	replayRule: 'live_only' | 'replay_allowed';
	replaySeconds: number | null;
};

export type AttendanceState = {
	signed_in_at: Date | null;
	late: boolean;
	tab_id: string;
	mode: 'live' | 'replay';
	last_beat_at: Date;
	released_at: Date | null;
	live_seconds: number;
	replay_seconds: number;
	watched_seconds: number;
	/** live seconds earned while a 点名 was open: they count once it is answered on time */
	held_seconds: number;
	held_roll_call_id: number | null;
	/** face verification on: this session has no matching photo yet, so nothing is credited */
	face_pending: boolean;
};

export type LiveBeatInput = {
	tabId: string;
	mode: 'live' | 'replay';
	/** what the player did since the previous beat */
	state: 'playing' | 'paused' | 'hidden';
	intent?: 'beat' | 'takeover' | 'release';
	/** replay only: playback position in seconds */
	position: number | null;
};

export type LiveRefusal =
	| 'not_open'
	| 'ended'
	| 'late_signin'
	| 'another_device'
	| 'rollcall_overdue'
	| 'seek_ahead'
	| 'no_replay'
	| 'studying_elsewhere'
	| 'face_pending';

export const LIVE_REFUSAL_MESSAGES: Record<LiveRefusal, string> = {
	not_open: '直播尚未开始入场，请在开始前的入场时间内进入。',
	ended: '直播已结束，请观看回放。',
	late_signin: '已超过签到时间，本次直播不计学时（可以继续观看）。',
	another_device: '您已在另一台设备或另一个页面观看本直播，只有那一处计时。点击“在此观看”可把计时移到这里。',
	rollcall_overdue: '点名已超时，计时已暂停。请点击“我在听课”后继续计时。',
	seek_ahead: '回放不能跳过未观看的内容，快进部分不计学时。',
	no_replay: '本直播还没有回放。',
	studying_elsewhere: '您正在另一个页面学习课程，同一时间只计一处学时。',
	face_pending: '您已开启人脸核验：请拍照核验本人，核验通过前不计学时。'
};

/** Why an accepted beat credited nothing. */
export type LiveZeroReason = 'rollcall_open' | 'start' | 'takeover' | 'release' | 'paused' | 'hidden' | 'gap' | 'stream_down' | 'before_start' | 'after_end' | 'same_second';

export type LiveDecision = {
	refused: LiveRefusal | null;
	zeroReason: LiveZeroReason | null;
	credit: number;
	/** the attendance row after this beat; null leaves it untouched */
	next: AttendanceState | null;
};

const secondsBetween = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 1000;

export function signInWindow(rules: LiveClassRules): { opensAt: Date; closesAt: Date } {
	return {
		opensAt: new Date(rules.startsAt.getTime() - rules.signinBeforeMinutes * 60_000),
		closesAt: new Date(rules.startsAt.getTime() + rules.signinAfterMinutes * 60_000)
	};
}

/**
 * Seconds of [from, to] during which the stream was up, clipped to the class's start and end.
 * Periods: the streaming server's publish → publish_done intervals (ended_at null: still up).
 */
export function secondsLive(from: Date, to: Date, rules: LiveClassRules, periods: { started_at: Date; ended_at: Date | null }[], now: Date): number {
	const lo = Math.max(from.getTime(), rules.startsAt.getTime());
	const hi = Math.min(to.getTime(), rules.endsAt.getTime());
	if (hi <= lo) return 0;
	let total = 0;
	for (const p of periods) {
		const a = Math.max(lo, p.started_at.getTime());
		const b = Math.min(hi, (p.ended_at ?? now).getTime());
		if (b > a) total += b - a;
	}
	return total / 1000;
}

/** Seconds this class may credit at most, live and replay together. */
export function creditCapSeconds(creditHours: number, xueshiMinutes: number, rules: LiveClassRules): number {
	const byHours = Math.round(creditHours * xueshiMinutes * 60);
	return Math.min(byHours, Math.round(secondsBetween(rules.startsAt, rules.endsAt)));
}

/**
 * One heartbeat of a live or replay viewer. Live: credits real time since the previous beat of
 * the tab holding the learner's lease for this class, only the part inside the class's start and
 * end while the stream was up, only if the learner signed in within the window, never while a
 * 点名 is overdue. Replay: the same anti-skip rule as video lessons, and credit only when the
 * class's replay rule allows it.
 */
export function decideLiveBeat(args: {
	now: Date;
	config: LiveConfig;
	rules: LiveClassRules;
	att: AttendanceState | null;
	periods: { started_at: Date; ended_at: Date | null }[];
	rollCallOverdue: boolean;
	/** the unanswered 点名 whose answer window is open now, if any */
	rollCallOpenId?: number | null;
	/** the learner consented to face verification and has a confirmed reference (as in study) */
	faceRequired?: boolean;
	beat: LiveBeatInput;
}): LiveDecision {
	const { now, config, rules, att, beat } = args;
	const cap = config.intervalSeconds + config.toleranceSeconds;
	const intent = beat.intent ?? 'beat';
	const none: LiveDecision = { refused: null, zeroReason: null, credit: 0, next: null };
	const { opensAt, closesAt } = signInWindow(rules);

	if (beat.mode === 'live') {
		if (now < opensAt) return { ...none, refused: 'not_open' };
		if (now >= rules.endsAt && intent !== 'release') return { ...none, refused: 'ended' };
	} else if (rules.replaySeconds === null) {
		return { ...none, refused: 'no_replay' };
	}

	const released = att !== null && att.released_at !== null;
	// a live lease ends with the class: the replay may start at once on another device
	const leaseLive = att !== null && !released && secondsBetween(att.last_beat_at, now) <= cap && !(att.mode === 'live' && now >= rules.endsAt);
	const owns = att !== null && !released && att.tab_id === beat.tabId && att.mode === beat.mode;
	if (leaseLive && !owns && intent !== 'takeover') return { ...none, refused: 'another_device' };
	if (!owns && intent === 'release') return { ...none, zeroReason: 'release' };

	const base: AttendanceState = att ?? {
		signed_in_at: null,
		late: false,
		tab_id: beat.tabId,
		mode: beat.mode,
		last_beat_at: now,
		released_at: null,
		live_seconds: 0,
		replay_seconds: 0,
		watched_seconds: 0,
		held_seconds: 0,
		held_roll_call_id: null,
		face_pending: false
	};
	// 签到: the first live beat signs the learner in; after the window it is recorded as late.
	const signIn =
		beat.mode === 'live' && base.signed_in_at === null ? { signed_in_at: now, late: now > closesAt } : { signed_in_at: base.signed_in_at, late: base.late };
	// Face verification (as in study): every session — join, takeover, or after a gap — starts with
	// a face check, and nothing is credited until a photo matches (submitLiveFaceSnapshot clears it).
	const faceRequired = args.faceRequired === true;
	const newSession = (zeroReason: LiveZeroReason) => zeroReason === 'start' || zeroReason === 'takeover' || zeroReason === 'gap';
	const restart = (zeroReason: LiveZeroReason): LiveDecision => ({
		...none,
		zeroReason,
		next: {
			...base,
			...signIn,
			tab_id: beat.tabId,
			mode: beat.mode,
			last_beat_at: now,
			released_at: intent === 'release' ? now : null,
			face_pending: faceRequired && intent !== 'release' && (newSession(zeroReason) || base.face_pending)
		}
	});
	const faceHold = (d: LiveDecision): LiveDecision => (d.next?.face_pending ? { ...d, refused: 'face_pending', zeroReason: null } : d);

	if (!owns || !att) {
		const d = restart(leaseLive ? 'takeover' : 'start');
		return beat.mode === 'live' && signIn.late ? { ...d, refused: 'late_signin', zeroReason: null } : faceHold(d);
	}
	if (secondsBetween(att.last_beat_at, now) > cap) return faceHold(restart('gap'));
	if (beat.mode === 'live' && signIn.late) return { ...restart('start'), refused: 'late_signin', zeroReason: null };
	if (faceRequired && att.face_pending && intent !== 'release') return faceHold(restart('paused'));
	if (args.rollCallOverdue && beat.mode === 'live') {
		// a missed 点名: the time held while it was open is dropped, and nothing counts until it is answered
		const d = restart('paused');
		return { ...d, refused: 'rollcall_overdue', zeroReason: null, next: d.next && { ...d.next, held_seconds: 0, held_roll_call_id: null } };
	}
	if (beat.state !== 'playing') return restart(beat.state);

	// Minutes present are recorded in full (the attendance sheet shows them); the 学时 cap of the
	// class applies when they are turned into 学时 (creditedHours).
	const elapsed = Math.max(0, secondsBetween(att.last_beat_at, now));

	if (beat.mode === 'replay') {
		let watched = att.watched_seconds;
		if (beat.position !== null) {
			if (beat.position > watched + elapsed + config.seekToleranceSeconds) return { ...restart('paused'), refused: 'seek_ahead', zeroReason: null };
			watched = Math.max(watched, Math.min(beat.position, rules.replaySeconds ?? 0));
		}
		// replay time is always recorded; it counts toward 学时 only under 'replay_allowed'
		const credit = Math.floor(elapsed);
		const next: AttendanceState = {
			...att,
			...signIn,
			last_beat_at: credit > 0 ? new Date(att.last_beat_at.getTime() + credit * 1000) : now,
			replay_seconds: att.replay_seconds + credit,
			watched_seconds: watched,
			released_at: intent === 'release' ? now : null
		};
		return { ...none, credit, zeroReason: credit > 0 ? null : 'same_second', next };
	}

	// live: only the part of the period inside the class while the stream was up
	const upSeconds = secondsLive(att.last_beat_at, now, rules, args.periods, now);
	const whole = Math.floor(upSeconds);
	const zeroReason: LiveZeroReason | null =
		whole > 0
			? null
			: now <= rules.startsAt
				? 'before_start'
				: att.last_beat_at >= rules.endsAt
					? 'after_end'
					: upSeconds < 1 && elapsed >= 1
						? 'stream_down'
						: 'same_second';
	// Fractions carry over while all of the period counted; otherwise the clock follows now.
	const carry = whole > 0 && Math.abs(upSeconds - elapsed) < 0.001;
	const openId = args.rollCallOpenId ?? null;
	if (openId !== null) {
		// a 点名 is open: this beat's time (which began before the 点名 appeared) is held until
		// the learner answers; answered on time it is added (answerRollCall), missed it is dropped
		const held = (att.held_roll_call_id === openId ? att.held_seconds : 0) + whole;
		const next: AttendanceState = {
			...att,
			...signIn,
			last_beat_at: carry ? new Date(att.last_beat_at.getTime() + whole * 1000) : now,
			held_seconds: held,
			held_roll_call_id: openId,
			released_at: intent === 'release' ? now : null
		};
		return { ...none, credit: 0, zeroReason: 'rollcall_open', next };
	}
	const next: AttendanceState = {
		...att,
		...signIn,
		last_beat_at: carry ? new Date(att.last_beat_at.getTime() + whole * 1000) : now,
		live_seconds: att.live_seconds + whole,
		// time held for an earlier 点名 that was not answered on time never counts
		held_seconds: 0,
		held_roll_call_id: null,
		released_at: intent === 'release' ? now : null
	};
	return { ...none, credit: whole, zeroReason, next };
}

/** 学时 credited for a class: live (and replay if allowed) seconds, capped, in 学时 rounded down to 0.1. */
export function creditedHours(att: { live_seconds: number; replay_seconds: number; late: boolean }, rule: 'live_only' | 'replay_allowed', capSeconds: number, xueshiMinutes: number): number {
	const seconds = Math.min(capSeconds, att.live_seconds + (rule === 'replay_allowed' ? att.replay_seconds : 0));
	return Math.floor((seconds / (xueshiMinutes * 60)) * 10) / 10;
}

// ---- automatic 点名 ----

/** The class's rule for automatic 点名 (data, stored on the class). */
export type RollCallRule = { minPerHour: number; maxPerHour: number; answerSeconds: number };
export const DEFAULT_ROLLCALL_RULE: RollCallRule = { minPerHour: 2, maxPerHour: 4, answerSeconds: 60 };

/**
 * Random times for the automatic 点名 of a class: a rate drawn between min and max per hour
 * (at least one for any class with min > 0), one check at a random moment in each equal slice
 * of the class, never in its first minutes (sign-in) and always with the full answer window
 * before the end. `random` returns [0, 1) (crypto in production, fixed in tests).
 */
export function planRollCalls(rule: RollCallRule, startsAt: Date, endsAt: Date, random: () => number): { issuedAt: Date; deadlineAt: Date }[] {
	const window = rule.answerSeconds * 1000;
	const length = endsAt.getTime() - startsAt.getTime();
	const lead = Math.min(5 * 60_000, Math.floor(length / 10));
	const from = startsAt.getTime() + lead;
	const to = endsAt.getTime() - window - 5_000;
	if (rule.maxPerHour <= 0 || to <= from) return [];
	const rate = rule.minPerHour + random() * (rule.maxPerHour - rule.minPerHour);
	let n = Math.max(rule.minPerHour > 0 ? 1 : 0, Math.round((length / 3600_000) * rate));
	// slices at least two answer windows long, so two checks never overlap
	n = Math.min(n, Math.floor((to - from) / (2 * window)) || 1);
	const slice = (to - from) / n;
	const out: { issuedAt: Date; deadlineAt: Date }[] = [];
	for (let i = 0; i < n; i++) {
		const issued = Math.floor(from + i * slice + random() * Math.max(0, slice - window));
		out.push({ issuedAt: new Date(issued), deadlineAt: new Date(issued + window) });
	}
	return out;
}

/**
 * A class's 回放 lesson counts as completed for its course once the learner has been credited or
 * recorded (live + replay seconds, whatever the replay rule) for 90% of the class — of the
 * recording when it is shorter than the schedule (a late start). The time itself counts only in
 * live_attendance, under the class's cap and replay rule.
 */
export function replayLessonThreshold(rules: Pick<LiveClassRules, 'startsAt' | 'endsAt' | 'replaySeconds'>): number {
	const scheduled = Math.round((rules.endsAt.getTime() - rules.startsAt.getTime()) / 1000);
	const length = rules.replaySeconds !== null && rules.replaySeconds > 0 ? Math.min(scheduled, rules.replaySeconds) : scheduled;
	return Math.ceil(length * 0.9);
}
