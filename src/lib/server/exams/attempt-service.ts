import type { Db } from '../db/index.ts';
import { caseHeaders, type CaseHeader } from '../../question-bank/schema.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import { validateResponse, type QuestionResponse } from '../question-engine/grading.ts';
import { computeDeadline, DEFAULT_GRACE_SECONDS, gradableFromSlot, isExpired, secondsLeft, type StoredSlot } from './attempt.ts';
import { checkEligibility, type Eligibility } from './eligibility.ts';
import { withTransaction } from '../db/transaction.ts';
import {
	currentAnswers,
	findAttempt,
	findSteps,
	getPaperSlots,
	insertEvents,
	listExpiredAttemptIds,
	loadQuestionVersions,
	markFinished,
	maxSeq,
	readSyncContext,
	startEligibleAttempt,
	findInProgressAttemptId,
	insertExamAttempt,
	startPreparedAttempt,
	loadAttemptShape,
	writeSync,
	updateAttemptConnection,
	type AttemptRow,
	type AttemptShape,
	type EventInput,
	type StepInput
} from './exam.repository.ts';
import { courseCompletion, findBlueprint, findCandidate, findSession, readAccessFacts, type SessionRow } from './session.repository.ts';
import { paperForNextAttempt } from './paper-service.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { runAttemptFinishedJob } from './grading-service.ts';
import { checkSnapshot, storeSnapshot } from './snapshot-service.ts';
import { examLockMessage } from './exam-lock.ts';
import { findPaperLock } from './exam-lock.query.ts';
import { getPaperTotals } from './grading.repository.ts';
import { insertExamAction } from '../proctoring/proctoring.repository.ts';

// The attempt: start → answer (autosave) → submit, with the server's clock deciding.

export type ExamConfig = { graceSeconds: number };
export const DEFAULT_EXAM_CONFIG: ExamConfig = { graceSeconds: DEFAULT_GRACE_SECONDS };

export type ClientContext = { clientId: string; ip: string | null; userAgent: string | null };

export type SessionAccess = {
	session: SessionRow;
	durationMinutes: number;
	candidateId: number;
	eligibility: Eligibility;
	attemptsUsed: number;
	inProgressAttemptId: number | null;
	lastFinishedAttemptId: number | null;
};

/** What a candidate may do in a session now (资格审查), with every reason when refused. */
export async function checkSessionAccess(db: Db, sessionId: number, personId: number, now: Date, accessCodeGiven: string | null = null): Promise<SessionAccess | null> {
	let facts = await readAccessFacts(db, sessionId, personId);
	if (!facts?.candidate || !facts.person) return null;
	const running = facts.attempts.find((a) => a.status === 'in_progress');
	if (running && isExpired({ status: 'in_progress', deadline_at: running.deadline_at ? new Date(running.deadline_at) : null }, now)) {
		// Time ran out while nobody was looking: finish it now, so it counts and a re-sit can start.
		await finishAttempt(db, running.id, 'deadline', now, null);
		facts = await readAccessFacts(db, sessionId, personId);
		if (!facts?.candidate || !facts.person) return null;
	}
	const { session, candidate, person } = facts;
	const counted = facts.attempts.filter((a) => a.status === 'finished' && a.decision !== 'voided');
	const inProgress = facts.attempts.find((a) => a.status === 'in_progress') ?? null;
	const course = session.course_id ? await courseCompletion(db, personId, session.course_id) : null;
	const eligibility = checkEligibility({
		now,
		session: { status: session.status, opensAt: session.opens_at, closesAt: session.closes_at, requireIdCheck: session.require_id_check, maxAttempts: session.max_attempts, accessCode: session.access_code },
		onRoster: true,
		idCheckedAt: candidate.id_checked_at,
		person: { active: person.active, idNumber: person.id_number },
		course,
		finishedAttempts: counted.length,
		passed: counted.some((a) => a.passed === true),
		inProgress: !!inProgress,
		accessCodeGiven
	});
	return {
		session,
		durationMinutes: facts.durationMinutes,
		candidateId: candidate.id,
		eligibility,
		attemptsUsed: counted.length,
		inProgressAttemptId: inProgress?.id ?? null,
		lastFinishedAttemptId: counted.at(-1)?.id ?? null
	};
}

export type StartResult = { ok: true; attemptId: number; resumed: boolean } | { ok: false; reasons: string[] };

/**
 * Starts (or resumes) the candidate's attempt. With papers prepared, this is one UPDATE of the
 * waiting attempt; the deadline is fixed here: min(start + duration, session close).
 */
export async function startAttempt(
	db: Db,
	input: { sessionId: number; personId: number; userId: number; accessCode: string; client: ClientContext; identityPhoto: Uint8Array | null },
	now: Date
): Promise<StartResult> {
	const photoProblem = input.identityPhoto ? checkSnapshot(input.identityPhoto) : null;
	// The exam-day path: a prepared paper, an eligible candidate — one statement checks every rule
	// and starts the attempt with its 'started' event. Anything else takes the full path below,
	// which gives the exact reasons.
	if (!photoProblem) {
		const quick = await startEligibleAttempt(db, {
			sessionId: input.sessionId,
			personId: input.personId,
			accessCodeUpper: input.accessCode.trim().toUpperCase(),
			hasPhoto: input.identityPhoto !== null,
			now,
			client: input.client
		});
		if (quick !== null) {
			if (input.identityPhoto) await storeSnapshot(db, { attemptId: quick, personId: input.personId, userId: input.userId, kind: 'identity', image: input.identityPhoto }, now);
			return { ok: true, attemptId: quick, resumed: false };
		}
	}
	const access = await checkSessionAccess(db, input.sessionId, input.personId, now, input.accessCode);
	if (!access) return { ok: false, reasons: ['您不在本场考试的考生名单中，请联系培训机构报名。'] };
	if (access.inProgressAttemptId) return { ok: true, attemptId: access.inProgressAttemptId, resumed: true };
	if (!access.eligibility.ok) return { ok: false, reasons: access.eligibility.reasons };
	const { session } = access;
	if (session.require_webcam && !input.identityPhoto) {
		return { ok: false, reasons: ['本场考试要求开启摄像头：开考前须拍摄身份照片。未检测到摄像头或未允许使用摄像头的考生不能参加本场考试。'] };
	}
	if (photoProblem) return { ok: false, reasons: [`身份照片无效：${photoProblem}`] };
	const deadline = computeDeadline(now, access.durationMinutes, session.closes_at);

	// The exam-day path: the prepared attempt starts in one statement (and its 'started' event with it).
	const quick = await startPreparedAttempt(db, { candidateId: access.candidateId, now, deadline, client: input.client });
	if (quick !== null) {
		if (input.identityPhoto) await storeSnapshot(db, { attemptId: quick, personId: input.personId, userId: input.userId, kind: 'identity', image: input.identityPhoto }, now);
		return { ok: true, attemptId: quick, resumed: false };
	}

	const started = await withTransaction(db, async (tx) => {
		const candidate = await findCandidate(tx, input.sessionId, input.personId);
		if (!candidate) return null;
		// A paper prepared after the quick path looked (or by a racing request): the same one statement.
		const prepared = await startPreparedAttempt(tx, { candidateId: candidate.id, now, deadline, client: input.client });
		if (prepared !== null) return { id: prepared, resumed: false };
		// No paper waiting (a re-sit, or added after preparation): draw one now.
		const open = await findInProgressAttemptId(tx, candidate.id);
		if (open !== null) return { id: open, resumed: true };
		const attemptNo = access.attemptsUsed + 1;
		const paperId = await paperForNextAttempt(tx, input.sessionId, input.personId, attemptNo, now);
		const row = await insertExamAttempt(tx, {
			sessionId: input.sessionId,
			candidateId: candidate.id,
			personId: input.personId,
			paperId,
			attemptNo,
			now,
			deadline,
			client: input.client
		});
		if (row === null) {
			const other = await findInProgressAttemptId(tx, candidate.id);
			if (other === null) throw new Error(`attempt of candidate ${candidate.id}: neither inserted nor in progress`);
			return { id: other, resumed: true };
		}
		await insertEvents(tx, row, [{ at: now, source: 'server', kind: 'started', detail: { ip: input.client.ip, deadline: deadline.toISOString() } }]);
		return { id: row, resumed: false };
	});
	if (!started) return { ok: false, reasons: ['您不在本场考试的考生名单中，请联系培训机构报名。'] };
	if (input.identityPhoto && !started.resumed) {
		await storeSnapshot(db, { attemptId: started.id, personId: input.personId, userId: input.userId, kind: 'identity', image: input.identityPhoto }, now);
	}
	return { ok: true, attemptId: started.id, resumed: started.resumed };
}

export type CandidateQuestion = {
	slot: number;
	type: StoredSlot['type'];
	points: number;
	stem: string;
	/** In display order; `value` is what the page sends back, `label` what it shows (A, B, C …). */
	options: { value: string; label: string; text: string }[];
	/** Case-analysis scenario shared with the neighbouring questions of the same case. */
	case?: CaseHeader;
};

export type AttemptView =
	| { status: 'finished'; attemptId: number; sessionId: number | null }
	| { status: 'refused'; reason: string }
	| {
			status: 'in_progress';
			attemptId: number;
			mode: 'exam' | 'practice';
			sessionId: number | null;
			title: string;
			deadline: string | null;
			serverNow: string;
			secondsLeft: number | null;
			questions: CandidateQuestion[];
			answers: { slot: number; response: QuestionResponse | null; seq: number }[];
			maxSeq: number;
			requireFullscreen: boolean;
			requireWebcam: boolean;
			warnings: { id: number; message: string; at: string }[];
	  };

const LABELS = 'ABCDEF';

/**
 * The candidate's paper for display: stems and options at the pinned versions, never the key or
 * the explanation. Finishes an expired attempt on the way (any read of an expired attempt
 * finishes it). A different browser takes the attempt over if the session allows it.
 */
export async function loadAttemptForCandidate(db: Db, attemptId: number, personId: number, client: ClientContext, now: Date, config = DEFAULT_EXAM_CONFIG): Promise<AttemptView | null> {
	let attempt = await findAttempt(db, attemptId);
	if (!attempt || attempt.person_id !== personId) return null;
	if (attempt.status === 'ready') return { status: 'refused', reason: '本场考试尚未开始作答，请先在考试页面点击“开始考试”。' };
	if (isExpired(attempt, now, config.graceSeconds)) {
		await finishAttempt(db, attempt.id, 'deadline', now, null);
		attempt = (await findAttempt(db, attemptId)) as AttemptRow;
	}
	if (attempt.status !== 'in_progress') return { status: 'finished', attemptId: attempt.id, sessionId: attempt.session_id };
	if (attempt.mode === 'practice') {
		// Exam integrity: no practice on the banks of an exam the learner sits now or soon.
		const lock = await findPaperLock(db, personId, attempt.paper_id, now);
		if (lock) return { status: 'refused', reason: examLockMessage(lock) };
	}
	const session = attempt.session_id ? await findSession(db, attempt.session_id) : null;

	const events: EventInput[] = [];
	if (attempt.client_id && attempt.client_id !== client.clientId) {
		if (session && !session.allow_new_device) {
			await insertEvents(db, attempt.id, [{ at: now, source: 'server', kind: 'concurrent_connection', detail: { refused: true, ip: client.ip } }]);
			return { status: 'refused', reason: '本场考试不允许更换浏览器或设备继续作答。请回到开始考试时使用的浏览器；如设备故障，请联系监考员。' };
		}
		events.push({ at: now, source: 'server', kind: 'device_takeover', detail: { ip: client.ip, userAgent: client.userAgent } });
	} else {
		events.push({ at: now, source: 'server', kind: 'resumed', detail: { ip: client.ip } });
	}
	events.push(...connectionEvents(attempt, client, now));
	await insertEvents(db, attempt.id, events);
	await updateAttemptConnection(db, attempt.id, { client_id: client.clientId, ip: client.ip, user_agent: client.userAgent });

	const slots = await getPaperSlots(db, attempt.paper_id);
	const versions = await loadQuestionVersions(db, slots);
	const questions: CandidateQuestion[] = slots.map((s) => {
		const q = versions.get(`${s.questionId}@${s.version}`);
		if (!q) throw new Error(`试卷第 ${s.slot} 题的题目内容缺失`);
		const options =
			s.type === 'judge'
				? [
						{ value: 'true', label: '对', text: '正确' },
						{ value: 'false', label: '错', text: '错误' }
					]
				: s.optionOrder.map((letter, i) => ({ value: letter, label: LABELS[i] ?? letter, text: (q.options as Record<string, string> | undefined)?.[letter] ?? '' }));
		return { slot: s.slot, type: s.type, points: s.points, stem: q.stem, options };
	});
	caseHeaders(slots.map((s) => versions.get(`${s.questionId}@${s.version}`))).forEach((h, i) => {
		if (h) (questions[i] as CandidateQuestion).case = h;
	});
	const answers = await currentAnswers(db, attempt.id);
	const ctx = await readSyncContext(db, attempt.id, []);
	const paperBlueprint = session ? null : await getPaperTotals(db, attempt.paper_id);
	const blueprintId = session?.blueprint_id ?? paperBlueprint?.blueprint_id ?? null;
	const blueprint = blueprintId ? await findBlueprint(db, blueprintId) : null;
	return {
		status: 'in_progress',
		attemptId: attempt.id,
		mode: attempt.mode,
		sessionId: attempt.session_id,
		title: session?.name ?? blueprint?.name ?? '练习',
		deadline: attempt.deadline_at?.toISOString() ?? null,
		serverNow: now.toISOString(),
		secondsLeft: attempt.deadline_at ? secondsLeft(attempt.deadline_at, now) : null,
		questions,
		answers: [...answers.entries()].map(([slot, a]) => ({ slot, response: a.response, seq: a.seq })),
		maxSeq: await maxSeq(db, attempt.id),
		requireFullscreen: session?.require_fullscreen ?? false,
		requireWebcam: session?.require_webcam ?? false,
		warnings: ctx?.warnings ?? []
	};
}

function connectionEvents(attempt: Pick<AttemptRow, 'ip' | 'user_agent'>, client: ClientContext, now: Date): EventInput[] {
	const out: EventInput[] = [];
	if (attempt.ip && client.ip && attempt.ip !== client.ip) out.push({ at: now, source: 'server', kind: 'ip_change', detail: { from: attempt.ip, to: client.ip } });
	if (attempt.user_agent && client.userAgent && attempt.user_agent !== client.userAgent) {
		out.push({ at: now, source: 'server', kind: 'user_agent_change', detail: { from: attempt.user_agent, to: client.userAgent } });
	}
	return out;
}

export type AnswerInput = { seq: number; slot: number; response: unknown; clientAt: Date | null };
export type ClientEvent = { kind: string; at: Date; detail?: Record<string, unknown> };

export type SyncResult = {
	/** in_progress, or finished: the page goes to the result; superseded: another browser took over. */
	status: 'in_progress' | 'finished' | 'superseded';
	saved: number[];
	rejected: { seq: number; slot: number; error: string }[];
	deadline: string | null;
	serverNow: string;
	warnings: { id: number; message: string; at: string }[];
	/** Practice only: feedback for each slot saved now. */
	feedback?: { slot: number; correct: boolean; answer: string[]; explanation: string }[];
};

/**
 * Saves answers and proctoring events from the page (autosave, or a flush of the offline queue).
 * Idempotent: a seq already stored is acknowledged again. Answers that name a slot not on this
 * paper, an option that does not exist, or arrive after the deadline + grace are refused one by one
 * with the reason; nothing of a refused answer is written.
 */
export async function syncAttempt(
	db: Db,
	input: { attemptId: number; personId: number; client: ClientContext; answers: readonly AnswerInput[]; events: readonly ClientEvent[]; acknowledge: readonly number[] },
	now: Date,
	config = DEFAULT_EXAM_CONFIG
): Promise<SyncResult | null> {
	const shape = await loadAttemptShape(db, input.attemptId);
	if (!shape || shape.personId !== input.personId) return null;
	const refuseAll = (error: string) => input.answers.map((a) => ({ seq: a.seq, slot: a.slot, error }));
	const clientEvents: EventInput[] = input.events.map((e) => ({ at: e.at, source: 'client', kind: e.kind, detail: e.detail }));

	const rejected: SyncResult['rejected'] = [];
	const steps: StepInput[] = [];
	for (const a of input.answers) {
		const slot = Number.isInteger(a.slot) && a.slot >= 0 ? shape.slots[a.slot] : undefined;
		if (!slot) {
			rejected.push({ seq: a.seq, slot: a.slot, error: `第 ${a.slot} 题不在您的试卷中` });
			continue;
		}
		const raw = slot.type === 'judge' && typeof a.response === 'string' ? (a.response === 'true' ? true : a.response === 'false' ? false : a.response) : a.response;
		const check = validateResponse(gradableFromSlot(slot), raw);
		if (!check.ok) {
			rejected.push({ seq: a.seq, slot: a.slot, error: `第 ${a.slot} 题：${check.error}` });
			continue;
		}
		if (shape.mode === 'practice' && check.response === null) {
			rejected.push({ seq: a.seq, slot: a.slot, error: `第 ${a.slot} 题：练习中请先选择答案` });
			continue;
		}
		steps.push({ seq: a.seq, slot: a.slot, response: check.response, clientAt: a.clientAt });
	}
	if (shape.mode === 'practice' && steps.length) {
		// Exam integrity: an answer would be answered with the key, so none is taken while the
		// learner sits (or is about to sit) an exam on these banks — also in a practice started before.
		const lock = await findPaperLock(db, input.personId, shape.paperId, now);
		if (lock) rejected.push(...steps.splice(0).map((s) => ({ seq: s.seq, slot: s.slot, error: examLockMessage(lock) })));
	}
	if (shape.mode === 'practice' && steps.length) {
		// Practice shows the key after each answer, so the first answer to a question is final.
		const answered = await currentAnswers(db, input.attemptId);
		for (const s of [...steps]) {
			const before = answered.get(s.slot);
			if (before && before.seq !== s.seq) {
				steps.splice(steps.indexOf(s), 1);
				rejected.push({ seq: s.seq, slot: s.slot, error: `第 ${s.slot} 题已作答并显示了答案，练习中不能修改` });
			}
		}
	}

	const w = await writeSync(db, { attemptId: input.attemptId, clientId: input.client.clientId, steps, events: clientEvents, acknowledge: input.acknowledge, now, graceSeconds: config.graceSeconds });
	// A prepared attempt the candidate has not started does not exist for the page yet.
	if (!w || w.status === 'ready') return null;
	const base = { deadline: w.deadline_at?.toISOString() ?? null, serverNow: now.toISOString(), warnings: w.warnings ?? [] };

	if (!w.open) {
		if (w.status === 'in_progress' && w.client_id && w.client_id !== input.client.clientId && !isExpired(w, now, config.graceSeconds)) {
			await insertEvents(db, input.attemptId, [...clientEvents, { at: now, source: 'server', kind: 'concurrent_connection', detail: { ip: input.client.ip, answers: input.answers.length } }]);
			return { status: 'superseded', saved: [], rejected: refuseAll('考试已在另一浏览器或设备上继续，本页面的作答未保存。'), ...base };
		}
		const late: EventInput[] = input.answers.length
			? [{ at: now, source: 'server', kind: w.status === 'in_progress' ? 'answer_after_deadline' : 'answer_after_finish', detail: { slots: input.answers.map((a) => a.slot) } }]
			: [];
		await insertEvents(db, input.attemptId, [...(w.status === 'in_progress' ? clientEvents : []), ...late]);
		if (w.status === 'in_progress') await finishAttempt(db, input.attemptId, 'deadline', now, null);
		return { status: 'finished', saved: [], rejected: refuseAll('考试已结束，作答未被接收。'), ...base };
	}

	const serverEvents = connectionEvents(w, input.client, now);
	if (serverEvents.length) {
		await insertEvents(db, input.attemptId, serverEvents);
		await updateAttemptConnection(db, input.attemptId, { ip: input.client.ip, user_agent: input.client.userAgent });
	}

	// A seq not written was stored before: the same answer again is a retry; a different one is a clash (another tab).
	const saved = [...w.written];
	const notWritten = steps.filter((s) => !w.written.includes(s.seq));
	if (notWritten.length) {
		const stored = new Map((await findSteps(db, input.attemptId, notWritten.map((s) => s.seq))).map((r) => [r.seq, r]));
		for (const s of notWritten) {
			const prior = stored.get(s.seq);
			if (prior && prior.slot === s.slot && JSON.stringify(prior.response) === JSON.stringify(s.response)) saved.push(s.seq);
			else rejected.push({ seq: s.seq, slot: s.slot, error: '作答序号冲突：另一窗口已用此序号保存了作答，请刷新页面后重试' });
		}
	}
	const result: SyncResult = { status: 'in_progress', saved: saved.sort((a, b) => a - b), rejected, ...base };
	if (shape.mode === 'practice') result.feedback = await practiceFeedback(db, shape, steps.filter((s) => saved.includes(s.seq)));
	return result;
}

async function practiceFeedback(db: Db, shape: AttemptShape, steps: readonly StepInput[]): Promise<NonNullable<SyncResult['feedback']>> {
	if (!steps.length) return [];
	const bySlot = shape.paperSlots;
	if (!bySlot) return [];
	const versions = await loadQuestionVersions(db, steps.flatMap((s) => bySlot.get(s.slot) ?? []));
	const { gradeResponse } = await import('../question-engine/grading.ts');
	const { answerKeys } = await import('../../question-bank/schema.ts');
	return steps.flatMap((s) => {
		const slot = bySlot.get(s.slot);
		const q = slot && versions.get(`${slot.questionId}@${slot.version}`);
		if (!slot || !q) return [];
		const { correct } = gradeResponse(q, s.response, slot.points, 'all_or_nothing');
		return [{ slot: s.slot, correct, answer: answerKeys(q), explanation: q.explanation }];
	});
}

/** Explicit submit: saves what the page still had, then finishes. Submitting twice is harmless. */
export async function submitAttempt(
	db: Db,
	input: { attemptId: number; personId: number; client: ClientContext; answers: readonly AnswerInput[]; events: readonly ClientEvent[] },
	now: Date,
	config = DEFAULT_EXAM_CONFIG
): Promise<{ status: 'finished' | 'superseded'; rejected: SyncResult['rejected'] } | null> {
	const sync = await syncAttempt(db, { ...input, acknowledge: [] }, now, config);
	if (!sync) return null;
	if (sync.status === 'superseded') return { status: 'superseded', rejected: sync.rejected };
	if (sync.status === 'in_progress') await finishAttempt(db, input.attemptId, 'submitted', now, null);
	return { status: 'finished', rejected: sync.rejected };
}

/**
 * Finishes an in-progress attempt. The finish commits first, with a queued job for its side
 * effects (grading, flags, 错题本, item statistics); the job then runs right away outside the
 * finish's transaction, and if this process dies first, any instance's worker runs it.
 * Returns false when the attempt was not in progress. `actor` is the examiner who terminated it
 * (with the reason they gave), audited as exam.terminate; null when the candidate submitted or
 * the time ran out (the server's own finish is not audited).
 */
export async function finishAttempt(
	db: Db,
	attemptId: number,
	reason: 'submitted' | 'deadline' | 'terminated',
	now: Date,
	actor: (ScopedActor & { message: string }) | null
): Promise<boolean> {
	const finished = await withTransaction(db, async (tx) => {
		const attempt = await findAttempt(tx, attemptId);
		if (!attempt || attempt.status !== 'in_progress') return false;
		// At the deadline, the attempt ended when its time ran out, not when someone noticed.
		const at = reason === 'deadline' && attempt.deadline_at && attempt.deadline_at < now ? attempt.deadline_at : now;
		if (!(await markFinished(tx, attemptId, reason, at))) return false;
		const kind = reason === 'submitted' ? 'submitted' : reason === 'deadline' ? 'finished_at_deadline' : 'terminate';
		await insertEvents(tx, attemptId, [{ at: now, source: reason === 'terminated' ? 'examiner' : 'server', kind, detail: actor ? { message: actor.message } : {} }]);
		if (actor) {
			await insertExamAction(tx, attemptId, { kind: 'terminate', message: actor.message, byUser: actor.userId, at: now });
			await audit(tx, actor, now, 'exam.terminate', `exam_attempt:${attemptId}`, { reason: actor.message });
		}
		await enqueueJob(tx, { kind: 'attempt-finished', dedupeKey: `attempt:${attemptId}`, payload: { attemptId }, runAfter: now, now });
		return true;
	});
	if (finished) await runAttemptFinishedJob(db, attemptId, now);
	return finished;
}

/** The sweep: finishes every in-progress attempt whose time ran out (nobody needs to be watching). */
export async function finishExpiredAttempts(db: Db, now: Date, config = DEFAULT_EXAM_CONFIG, limit = 200): Promise<number> {
	const ids = await listExpiredAttemptIds(db, now, config.graceSeconds, limit);
	let n = 0;
	for (const id of ids) if (await finishAttempt(db, id, 'deadline', now, null)) n++;
	return n;
}
