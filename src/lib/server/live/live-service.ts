import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { spawn } from 'node:child_process';
import { basename, dirname, join, resolve } from 'node:path';
import type { Db } from '../db/index.ts';
import { notify } from '../notifications/notify.ts';
import { audit, type Actor } from '../audit/actor.ts';
import { withTransaction } from '../db/transaction.ts';
import { getXueshiMinutes } from '../study/requirements.repository.ts';
import { formatDateTime } from '../../domain/dates.ts';
import { ROLLCALL_CHOICES } from '../../domain/live.ts';
import {
	creditCapSeconds,
	decideLiveBeat,
	LIVE_REFUSAL_MESSAGES,
	planRollCalls,
	replayLessonThreshold,
	type LiveBeatInput,
	type LiveClassRules,
	type LiveConfig,
	type LiveRefusal,
	type RollCallRule
} from './attendance.ts';
import {
	closeStreamPeriod,
	enterprisesExist,
	findLiveClass,
	findRollCall,
	findStreamKey,
	insertLiveBeat,
	insertLiveClass,
	insertQuestion,
	insertRollCall,
	insertAutoRollCalls,
	releaseHeldSeconds,
	insertRollCallAnswer,
	insertStreamEvent,
	insertStreamKey,
	isInAudience,
	listAudienceUsers,
	listLecturers,
	openStreamPeriod,
	personsExist,
	readLiveBeatState,
	restartAttendanceClock,
	setReplay,
	updateQuestion,
	writeLiveBeat,
	countRecentQuestions,
	findLiveClassByPlaybackName,
	isFaceRequired,
	ownedCourseExists,
	upsertReplayLesson,
	completeReplayLesson,
	type Audience,
	type LiveClassRow
} from './live.repository.ts';
import type { LiveServerConfig } from './config.ts';

export type { Actor };

/** The staff member behind a console or scheduling action (routes pass actorOf(scope, event)). */
function staffOf(actor: Actor): { userId: number; orgId: number } {
	if (actor.userId === null || actor.orgId === null) throw new Error('live classes: a signed-in staff actor is required');
	return { userId: actor.userId, orgId: actor.orgId };
}
export type ClientInfo = { ip: string | null; device: string | null };

export function rulesOf(c: LiveClassRow): LiveClassRules {
	return {
		startsAt: c.starts_at,
		endsAt: c.ends_at,
		signinBeforeMinutes: c.signin_before_minutes,
		signinAfterMinutes: c.signin_after_minutes,
		replayRule: c.replay_rule,
		replaySeconds: c.replay_seconds
	};
}

export type LivePhase = 'cancelled' | 'scheduled' | 'open' | 'live' | 'ended';
export function phaseOf(c: LiveClassRow, now: Date): LivePhase {
	if (c.cancelled_at) return 'cancelled';
	if (now >= c.ends_at) return 'ended';
	if (now >= c.starts_at) return 'live';
	if (now.getTime() >= c.starts_at.getTime() - c.signin_before_minutes * 60_000) return 'open';
	return 'scheduled';
}

// ---- scheduling ----

export type ScheduleInput = {
	title: string;
	lecturerUserId: number;
	startsAt: Date;
	endsAt: Date;
	audience: Audience;
	creditHours: number;
	signinBeforeMinutes: number;
	signinAfterMinutes: number;
	replayRule: 'live_only' | 'replay_allowed';
	/** automatic random 点名; null or absent: only the lecturer starts them */
	rollCallRule?: RollCallRule | null;
	/** the organiser's own course the class belongs to (its replay becomes a lesson there) */
	courseId?: number | null;
};

/** The form's 随机点名 choice as the class's rule (null: off). */
export function rollCallRuleOf(choice: keyof typeof ROLLCALL_CHOICES, answerSeconds: number): RollCallRule | null {
	const c = ROLLCALL_CHOICES[choice];
	return c.maxPerHour > 0 ? { minPerHour: c.minPerHour, maxPerHour: c.maxPerHour, answerSeconds } : null;
}

/** crypto-strength [0, 1) for the 点名 plan (learners must not be able to predict it) */
const cryptoRandom = () => randomInt(0, 2 ** 48) / 2 ** 48;

export type Result<T> = ({ ok: true } & T) | { ok: false; errors: Record<string, string> };

export async function scheduleLiveClass(db: Db, actor: Actor, input: ScheduleInput, now: Date, random: () => number = cryptoRandom): Promise<Result<{ id: number }>> {
	const { userId, orgId } = staffOf(actor);
	const errors: Record<string, string> = {};
	if (input.endsAt <= input.startsAt) errors.ends_at = '结束时间必须晚于开始时间';
	if (input.endsAt.getTime() - input.startsAt.getTime() > 12 * 3600_000) errors.ends_at = '一场直播不能超过 12 小时';
	if (input.startsAt < new Date(now.getTime() - 5 * 60_000)) errors.starts_at = '开始时间不能早于现在';
	return withTransaction(db, async (tx) => {
		const lecturers = await listLecturers(tx, orgId);
		if (!lecturers.some((l) => l.user_id === input.lecturerUserId)) errors.lecturer = '主讲人必须是本单位的账号';
		const orgs = await enterprisesExist(tx, input.audience.orgIds);
		if (orgs.length !== new Set(input.audience.orgIds).size) errors.audience = '参训企业中有不存在的企业';
		const persons = await personsExist(tx, input.audience.personIds, actor.role === 'enterprise_admin' ? orgId : undefined);
		if (persons.length !== new Set(input.audience.personIds).size) {
			errors.audience = actor.role === 'enterprise_admin' ? '指定人员中有不属于本企业的人员' : '指定人员中有不存在的人员';
		}
		// an enterprise's own 全员 class: its own staff only
		if (actor.role === 'enterprise_admin' && input.audience.orgIds.some((id) => id !== orgId)) errors.audience = '企业只能为本企业人员安排直播';
		if (input.audience.orgIds.length === 0 && input.audience.personIds.length === 0) errors.audience = '请至少选择一家参训企业或一名人员';
		if (input.courseId != null && !(await ownedCourseExists(tx, input.courseId, orgId))) errors.course_id = '所属课程必须是本单位的课程';
		const xueshi = await getXueshiMinutes(tx);
		const maxHours = Math.floor(((input.endsAt.getTime() - input.startsAt.getTime()) / 60_000 / xueshi) * 10) / 10;
		if (input.creditHours > maxHours) errors.credit_hours = `可计学时不能超过直播时长（最多 ${maxHours} 学时，1 学时 = ${xueshi} 分钟）`;
		if (Object.keys(errors).length > 0) return { ok: false as const, errors };
		const id = await insertLiveClass(tx, {
			owner_org_id: orgId,
			title: input.title,
			lecturer_user_id: input.lecturerUserId,
			starts_at: input.startsAt,
			ends_at: input.endsAt,
			audience: { orgIds: [...new Set(input.audience.orgIds)], roleCategories: [...new Set(input.audience.roleCategories)], personIds: [...new Set(input.audience.personIds)] },
			credit_hours: input.creditHours,
			signin_before_minutes: input.signinBeforeMinutes,
			signin_after_minutes: input.signinAfterMinutes,
			replay_rule: input.replayRule,
			playback_name: `c${randomBytes(12).toString('hex')}`,
			created_by: userId,
			created_at: now,
			rollcall_rule: input.rollCallRule ?? null,
			course_id: input.courseId ?? null
		});
		// automatic 点名: planned now and stored, so every instance of the app sees the same schedule
		if (input.rollCallRule) await insertAutoRollCalls(tx, id, planRollCalls(input.rollCallRule, input.startsAt, input.endsAt, random));
		// 提醒: one message per invited account, through the notification channel
		for (const u of await listAudienceUsers(tx, id)) {
			await notify(tx, {
				userId: u.user_id,
				kind: 'live_class',
				title: `直播培训：${input.title}`,
				body: `${formatDateTime(input.startsAt)} 开始，请在开始前进入直播间签到。`,
				link: `/learner/live/${id}`,
				dedupeKey: `live_class:${id}`,
				now
			});
		}
		await audit(tx, actor, now, 'live_class.schedule', `live_class:${id}`, {
			orgId,
			title: input.title,
			startsAt: input.startsAt.toISOString(),
			endsAt: input.endsAt.toISOString()
		});
		return { ok: true as const, id };
	});
}

// ---- stream keys and the streaming server's callbacks ----

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** A new stream key (the old one stops working); shown once. It expires an hour after the class ends. */
export async function issueStreamKey(db: Db, actor: Actor, cls: LiveClassRow, now: Date): Promise<{ streamKey: string; expiresAt: Date }> {
	const secret = randomBytes(18).toString('base64url');
	const expiresAt = new Date(cls.ends_at.getTime() + 3600_000);
	const { userId, orgId } = staffOf(actor);
	await withTransaction(db, async (tx) => {
		await insertStreamKey(tx, { class_id: cls.id, key_hash: hashKey(secret), expires_at: expiresAt, created_by: userId, created_at: now });
		await audit(tx, actor, now, 'live_class.stream_key', `live_class:${cls.id}`, { orgId, expiresAt: expiresAt.toISOString() });
	});
	// OBS: server = rtmp://…/live, stream key = this string
	return { streamKey: `${cls.playback_name}?key=${secret}`, expiresAt };
}

export function callbackSecretOk(server: LiveServerConfig | null, given: string | null): boolean {
	if (!server || !given) return false;
	const a = Buffer.from(server.callbackSecret);
	const b = Buffer.from(given);
	return a.length === b.length && timingSafeEqual(a, b);
}

export type PublishCheck = { ok: true; classId: number } | { ok: false; reason: string };

/** on_publish: the stream name must be a class's playback name and the key that class's live key. */
export async function checkPublish(db: Db, input: { name: string; key: string; addr: string | null }, now: Date): Promise<PublishCheck> {
	const refuse = async (reason: string, classId: number | null = null): Promise<PublishCheck> => {
		await insertStreamEvent(db, { class_id: classId, at: now, kind: 'refused', reason, addr: input.addr });
		return { ok: false, reason };
	};
	const cls = await findLiveClassByPlaybackName(db, input.name);
	if (!cls) return refuse('unknown_stream');
	const key = input.key ? await findStreamKey(db, hashKey(input.key)) : undefined;
	if (!key || key.class_id !== cls.id) return refuse('wrong_key', cls.id);
	if (key.revoked_at) return refuse('revoked_key', cls.id);
	if (key.expires_at <= now) return refuse('expired_key', cls.id);
	if (cls.cancelled_at) return refuse('cancelled', cls.id);
	if (now < new Date(cls.starts_at.getTime() - 2 * 3600_000)) return refuse('too_early', cls.id);
	await withTransaction(db, async (tx) => {
		await insertStreamEvent(tx, { class_id: cls.id, at: now, kind: 'publish', reason: null, addr: input.addr });
		await openStreamPeriod(tx, cls.id, now);
	});
	return { ok: true, classId: cls.id };
}

export async function publishDone(db: Db, input: { name: string; addr: string | null }, now: Date): Promise<void> {
	const cls = await findLiveClassByPlaybackName(db, input.name);
	if (!cls) return;
	await withTransaction(db, async (tx) => {
		await insertStreamEvent(tx, { class_id: cls.id, at: now, kind: 'publish_done', reason: null, addr: input.addr });
		await closeStreamPeriod(tx, cls.id, now);
	});
}

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
	return new Promise((done) => {
		const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		p.stdout.on('data', (d) => (out += d));
		p.on('error', () => done({ code: -1, out }));
		p.on('exit', (code) => done({ code: code ?? -1, out }));
	});
}

/**
 * on_record_done: the recording becomes the class's replay. The .flv is remuxed (no re-encode)
 * to an .mp4 beside it, which the streaming server serves under /rec/. Only a file inside the
 * configured recording directory and named after this class's stream is accepted.
 */
export async function recordDone(db: Db, server: LiveServerConfig, input: { name: string; path: string }, now: Date): Promise<{ ok: boolean; reason?: string }> {
	const cls = await findLiveClassByPlaybackName(db, input.name);
	if (!cls || !server.recordDir) return { ok: false, reason: 'unknown_stream' };
	const path = resolve(input.path);
	const file = basename(path);
	if (dirname(path) !== resolve(server.recordDir) || !/^[A-Za-z0-9_-]+\.flv$/.test(file) || !file.startsWith(`${cls.playback_name}-`)) {
		await insertStreamEvent(db, { class_id: cls.id, at: now, kind: 'record_done', reason: 'bad_path', addr: null });
		return { ok: false, reason: 'bad_path' };
	}
	const mp4 = file.replace(/\.flv$/, '.mp4');
	const remux = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', path, '-c', 'copy', '-movflags', '+faststart', join(server.recordDir, mp4)]);
	const probe = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', join(server.recordDir, mp4)]);
	const seconds = Math.floor(Number(probe.out.trim()));
	if (remux.code !== 0 || !(seconds > 0)) {
		await insertStreamEvent(db, { class_id: cls.id, at: now, kind: 'record_done', reason: 'remux_failed', addr: null });
		return { ok: false, reason: 'remux_failed' };
	}
	// the longest recording of the class is its replay (a short test push does not replace it)
	if (cls.replay_seconds === null || seconds >= cls.replay_seconds) {
		await withTransaction(db, async (tx) => {
			await setReplay(tx, cls.id, mp4, seconds);
			// the class's course gets (once) a 回放 lesson; it plays the class's signed replay
			if (cls.course_id !== null) {
				await upsertReplayLesson(tx, { classId: cls.id, courseId: cls.course_id, title: `回放：${cls.title}`, seconds });
				// learners who already attended enough have the lesson completed at once
				await completeReplayLesson(tx, cls.id, null, replayLessonThreshold({ ...rulesOf(cls), replaySeconds: seconds }), now);
			}
		});
	}
	await insertStreamEvent(db, { class_id: cls.id, at: now, kind: 'record_done', reason: mp4, addr: null });
	return { ok: true };
}

// ---- viewers ----

export type LiveBeatResult = {
	refused: { code: LiveRefusal | 'not_in_audience'; message: string } | null;
	credit: number;
	liveSeconds: number;
	replaySeconds: number;
	/** replay: how far the counted watching reached (the player goes back there after a skip) */
	watchedSeconds: number;
	streamUp: boolean;
	/** answered with a photo when face verification is on */
	rollCall: { id: number; secondsLeft: number; face: boolean } | null;
	/** this session waits for a matching photo (POST /api/live/<id>/face) */
	faceCheck: boolean;
	nextBeatSeconds: number;
};

/**
 * One heartbeat of a viewer: read the state in one statement, decide (attendance.ts), write the
 * new state and the beat in one compare-and-set statement; a lost race is decided again.
 */
export async function recordLiveBeat(
	db: Db,
	cls: LiveClassRow,
	input: { personId: number; beat: LiveBeatInput; client: ClientInfo },
	now: Date,
	config: LiveConfig
): Promise<LiveBeatResult> {
	const base = { credit: 0, liveSeconds: 0, replaySeconds: 0, watchedSeconds: 0, streamUp: false, rollCall: null, faceCheck: false, nextBeatSeconds: config.intervalSeconds };
	const event = {
		class_id: cls.id,
		person_id: input.personId,
		at: now,
		tab_id: input.beat.tabId,
		mode: input.beat.mode,
		position: input.beat.position,
		ip: input.client.ip,
		device: input.client.device
	};
	const rules = rulesOf(cls);
	for (let attempt = 0; attempt < 8; attempt++) {
		const s = await readLiveBeatState(db, cls.id, input.personId, now);
		const streamUp = s.periods.some((p) => p.ended_at === null);
		const rc = s.rollCall;
		const rollCallOpen = rc !== null && !rc.answered && rc.deadline_at > now && input.beat.mode === 'live';
		const rollCallOverdue = rc !== null && !rc.answered && rc.deadline_at <= now && input.beat.mode === 'live' && now < cls.ends_at;
		const stateOut = {
			liveSeconds: s.att?.live_seconds ?? 0,
			replaySeconds: s.att?.replay_seconds ?? 0,
			watchedSeconds: s.att?.watched_seconds ?? 0,
			streamUp,
			rollCall:
				rc && !rc.answered && (rollCallOpen || rollCallOverdue)
					? { id: rc.id, secondsLeft: Math.max(0, Math.round((rc.deadline_at.getTime() - now.getTime()) / 1000)), face: s.faceRequired }
					: null
		};
		// one lease per learner across study and live: a lesson page that is counting wins
		const studyLive =
			s.studyLeaseAt !== null && !s.studyLeaseReleased && (now.getTime() - s.studyLeaseAt.getTime()) / 1000 <= config.intervalSeconds + config.toleranceSeconds;
		const d = studyLive
			? { refused: 'studying_elsewhere' as const, zeroReason: null, credit: 0, next: null }
			: decideLiveBeat({ now, config, rules, att: s.att, periods: s.periods, rollCallOverdue, rollCallOpenId: rollCallOpen ? rc.id : null, faceRequired: s.faceRequired, beat: input.beat });
		const reason = d.refused ?? d.zeroReason;
		if (!d.next) {
			await insertLiveBeat(db, { ...event, kind: d.refused ? 'refused' : 'beat', credited_seconds: 0, reason });
			return { ...base, ...stateOut, refused: d.refused ? { code: d.refused, message: LIVE_REFUSAL_MESSAGES[d.refused] } : null };
		}
		const ok = await writeLiveBeat(db, cls.id, input.personId, s.att?.version ?? null, d.next, now, {
			...event,
			kind: d.refused ? 'refused' : 'beat',
			credited_seconds: d.credit,
			reason
		});
		if (!ok) continue;
		// the class's 回放 lesson completes in its course the moment live + replay seconds cross the threshold
		if (cls.course_id !== null && cls.replay_file !== null) {
			const threshold = replayLessonThreshold(rules);
			const before = (s.att?.live_seconds ?? 0) + (s.att?.replay_seconds ?? 0);
			if (before < threshold && d.next.live_seconds + d.next.replay_seconds >= threshold) await completeReplayLesson(db, cls.id, input.personId, threshold, now);
		}
		return {
			...base,
			...stateOut,
			liveSeconds: d.next.live_seconds,
			replaySeconds: d.next.replay_seconds,
			watchedSeconds: d.next.watched_seconds,
			credit: d.credit,
			faceCheck: d.next.face_pending,
			refused: d.refused ? { code: d.refused, message: LIVE_REFUSAL_MESSAGES[d.refused] } : null
		};
	}
	await insertLiveBeat(db, { ...event, kind: 'refused', credited_seconds: 0, reason: 'another_device' });
	return { ...base, refused: { code: 'another_device', message: LIVE_REFUSAL_MESSAGES.another_device } };
}

export async function classCapSeconds(db: Db, cls: LiveClassRow): Promise<number> {
	return creditCapSeconds(cls.credit_hours, await getXueshiMinutes(db), rulesOf(cls));
}

// ---- 点名 ----

export async function startRollCall(db: Db, actor: Actor, cls: LiveClassRow, now: Date, config: LiveConfig): Promise<Result<{ id: number }>> {
	const { userId } = staffOf(actor);
	if (phaseOf(cls, now) !== 'live') return { ok: false, errors: { form: '只能在直播进行中点名' } };
	const id = await withTransaction(db, async (tx) => {
		const id = await insertRollCall(tx, { class_id: cls.id, issued_at: now, deadline_at: new Date(now.getTime() + config.rollCallSeconds * 1000), issued_by: userId });
		await audit(tx, actor, now, 'live_class.rollcall', `live_class:${cls.id}`, { rollCallId: id });
		return id;
	});
	return { ok: true, id };
}

export async function answerRollCall(
	db: Db,
	input: { personId: number; classId: number; rollCallId: number; client: ClientInfo; byFace?: boolean },
	now: Date
): Promise<{ ok: true; onTime: boolean; message: string } | { ok: false; face?: true; message: string }> {
	// with face verification on, a 点名 is answered by a matching photo (submitLiveFaceSnapshot), as in study
	if (!input.byFace && (await isFaceRequired(db, input.personId))) return { ok: false, face: true, message: '您已开启人脸核验：请拍照应答点名，核验通过才算应答。' };
	const rc = await findRollCall(db, input.rollCallId);
	if (!rc || rc.class_id !== input.classId) return { ok: false, message: '没有这次点名。' };
	if (now < rc.issued_at) return { ok: false, message: '没有这次点名。' };
	const onTime = now <= rc.deadline_at;
	const inserted = await insertRollCallAnswer(db, { roll_call_id: rc.id, person_id: input.personId, answered_at: now, on_time: onTime });
	if (!inserted) return { ok: true, onTime: true, message: '已签到。' };
	if (!onTime) await restartAttendanceClock(db, input.classId, input.personId, now);
	// on time: the live seconds held while the 点名 was open now count (recorded on the evidence row)
	const released = onTime ? await releaseHeldSeconds(db, input.classId, input.personId, rc.id) : 0;
	await insertLiveBeat(db, {
		class_id: input.classId,
		person_id: input.personId,
		at: now,
		tab_id: null,
		kind: onTime ? 'rollcall_passed' : 'rollcall_missed',
		mode: 'live',
		credited_seconds: released,
		reason: String(rc.id),
		position: null,
		ip: input.client.ip,
		device: input.client.device
	});
	return { ok: true, onTime, message: onTime ? '点名已应答，继续计时。' : '点名超时：超时期间不计学时，现在起恢复计时。' };
}

// ---- questions ----

export async function postQuestion(db: Db, input: { personId: number; cls: LiveClassRow; body: string }, now: Date): Promise<Result<{ id: number }>> {
	if (phaseOf(input.cls, now) === 'cancelled') return { ok: false, errors: { body: '直播已取消' } };
	if (now >= new Date(input.cls.ends_at.getTime() + 3600_000)) return { ok: false, errors: { body: '直播已结束，不能再提问' } };
	if ((await countRecentQuestions(db, input.cls.id, input.personId, new Date(now.getTime() - 60_000))) >= 5) {
		return { ok: false, errors: { body: '提问太频繁，请一分钟后再试' } };
	}
	const id = await insertQuestion(db, { class_id: input.cls.id, person_id: input.personId, body: input.body, created_at: now });
	return { ok: true, id };
}

export async function moderateQuestion(db: Db, actor: Actor, cls: LiveClassRow, questionId: number, status: 'shown' | 'hidden', now: Date): Promise<boolean> {
	const { userId } = staffOf(actor);
	return withTransaction(db, async (tx) => {
		const done = await updateQuestion(tx, cls.id, questionId, { status, moderated_by: userId, moderated_at: now });
		if (done) await audit(tx, actor, now, 'live_class.question_moderate', `live_class:${cls.id}`, { questionId, status });
		return done;
	});
}

export async function answerQuestion(db: Db, actor: Actor, cls: LiveClassRow, questionId: number, answer: { text: string | null; onAir: boolean }, now: Date): Promise<boolean> {
	const { userId } = staffOf(actor);
	return withTransaction(db, async (tx) => {
		const done = await updateQuestion(tx, cls.id, questionId, {
			...(answer.text ? { answer: answer.text } : {}),
			answered_on_air: answer.onAir,
			answered_by: userId,
			answered_at: now,
			status: 'shown',
			moderated_by: userId,
			moderated_at: now
		});
		if (done) await audit(tx, actor, now, 'live_class.question_answer', `live_class:${cls.id}`, { questionId, onAir: answer.onAir });
		return done;
	});
}

export { isInAudience, findLiveClass };
