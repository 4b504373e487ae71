import type { Db } from '../db/index.ts';
import type { QuestionResponse } from '../question-engine/grading.ts';
import { QUESTION_TYPE_LABELS, answerKeys, caseHeaders, type CaseHeader } from '../../question-bank/schema.ts';
import { FINISH_REASON_LABELS } from './attempt.ts';
import { checkSessionAccess } from './attempt-service.ts';
import { currentAnswers, getPaperSlots, loadQuestionVersions } from './exam.repository.ts';
import { DECISION_LABELS } from '../proctoring/integrity.ts';
import { examLockMessage } from './exam-lock.ts';
import { findPaperLock } from './exam-lock.query.ts';

// Read-only views for the candidate: my sessions, one session's rules, and my result with review.
// Integrity flags are never read here: a candidate sees only the examiner's decision.

export type MySession = {
	id: number;
	name: string;
	mode: 'online' | 'exam_point';
	examPoint: string | null;
	opensAt: Date;
	closesAt: Date;
	phase: 'upcoming' | 'open' | 'finished';
	durationMinutes: number;
	passMark: number;
	totalPoints: number;
	attemptsUsed: number;
	maxAttempts: number | null;
	inProgressAttemptId: number | null;
	lastFinished: { id: number; passed: boolean | null; score: number | null; decision: string | null } | null;
	eligible: boolean;
	reasons: string[];
	cancelled: boolean;
};

function phaseOf(s: { opens_at: Date; closes_at: Date }, now: Date): MySession['phase'] {
	return now < s.opens_at ? 'upcoming' : now < s.closes_at ? 'open' : 'finished';
}

/** The sessions I am on the roster of, newest window first, each with what I may do now. */
export async function listMySessions(db: Db, personId: number, now: Date): Promise<MySession[]> {
	const rows = await db
		.selectFrom('exam_candidates as c')
		.innerJoin('exam_sessions as s', 's.id', 'c.session_id')
		.innerJoin('exam_blueprints as b', 'b.id', 's.blueprint_id')
		.select(['s.id', 's.name', 's.mode', 's.exam_point', 's.opens_at', 's.closes_at', 's.max_attempts', 's.status', 'b.definition'])
		.where('c.person_id', '=', personId)
		.orderBy('s.opens_at', 'desc')
		.limit(100)
		.execute();
	const out: MySession[] = [];
	for (const r of rows) {
		const access = await checkSessionAccess(db, r.id, personId, now, null);
		if (!access) continue;
		const last = access.lastFinishedAttemptId
			? await db.selectFrom('exam_attempts').select(['id', 'passed', 'score', 'decision']).where('id', '=', access.lastFinishedAttemptId).executeTakeFirst()
			: undefined;
		const def = r.definition;
		out.push({
			id: r.id,
			name: r.name,
			mode: r.mode,
			examPoint: r.exam_point,
			opensAt: r.opens_at,
			closesAt: r.closes_at,
			phase: phaseOf(r, now),
			durationMinutes: def.durationMinutes,
			passMark: def.passMark,
			totalPoints: def.totalPoints,
			attemptsUsed: access.attemptsUsed,
			maxAttempts: r.max_attempts,
			inProgressAttemptId: access.inProgressAttemptId,
			lastFinished: last ? { id: last.id, passed: last.passed, score: last.score === null ? null : Number(last.score), decision: last.decision } : null,
			eligible: access.eligibility.ok,
			reasons: access.eligibility.ok ? [] : access.eligibility.reasons,
			cancelled: r.status === 'cancelled'
		});
	}
	return out;
}

export type SessionForCandidate = MySession & {
	hasAccessCode: boolean;
	requireFullscreen: boolean;
	requireWebcam: boolean;
	requireIdCheck: boolean;
	allowNewDevice: boolean;
	reviewPolicy: 'none' | 'score_only' | 'after_close';
	questionCount: number;
	sections: { type: string; label: string; count: number; points: number }[];
	multipleScoring: 'all_or_nothing' | 'partial';
	institution: string;
};

/** One session's rules and my eligibility, or undefined when I am not on its roster. */
export async function getSessionForCandidate(db: Db, sessionId: number, personId: number, now: Date): Promise<SessionForCandidate | undefined> {
	const mine = (await listMySessionsById(db, personId, sessionId, now))[0];
	if (!mine) return undefined;
	const s = await db
		.selectFrom('exam_sessions as s')
		.innerJoin('exam_blueprints as b', 'b.id', 's.blueprint_id')
		.innerJoin('organisations as o', 'o.id', 's.owner_org_id')
		.select(['s.access_code', 's.require_fullscreen', 's.require_webcam', 's.require_id_check', 's.allow_new_device', 's.review_policy', 'b.definition', 'o.name as institution'])
		.where('s.id', '=', sessionId)
		.executeTakeFirstOrThrow();
	const def = s.definition;
	return {
		...mine,
		hasAccessCode: !!s.access_code,
		requireFullscreen: s.require_fullscreen,
		requireWebcam: s.require_webcam,
		requireIdCheck: s.require_id_check,
		allowNewDevice: s.allow_new_device,
		reviewPolicy: s.review_policy,
		questionCount: def.sections.reduce((n, x) => n + x.count, 0),
		sections: def.sections.map((x) => ({ type: x.type, label: QUESTION_TYPE_LABELS[x.type], count: x.count, points: x.points })),
		multipleScoring: def.multipleScoring,
		institution: s.institution
	};
}

async function listMySessionsById(db: Db, personId: number, sessionId: number, now: Date): Promise<MySession[]> {
	const all = await listMySessions(db, personId, now);
	return all.filter((s) => s.id === sessionId);
}

/** What the attempt page and the snapshot endpoint need to know first; undefined when not mine. */
export async function findMyAttempt(db: Db, attemptId: number, personId: number) {
	return db
		.selectFrom('exam_attempts as a')
		.leftJoin('exam_sessions as s', 's.id', 'a.session_id')
		.select(['a.id', 'a.mode', 'a.status', 'a.session_id', 'a.client_id', 's.name as session_name', 's.require_webcam', 's.require_fullscreen'])
		.where('a.id', '=', attemptId)
		.where('a.person_id', '=', personId)
		.where('a.status', '!=', 'ready')
		.executeTakeFirst();
}

export type ReviewItem = {
	slot: number;
	type: string;
	typeLabel: string;
	points: number;
	score: number;
	correct: boolean;
	stem: string;
	options: { label: string; text: string; chosen: boolean; key: boolean }[];
	myAnswer: string;
	keyAnswer: string;
	explanation: string;
	/** Case-analysis scenario, shown once above the first question of its case. */
	case?: CaseHeader;
};

export type AttemptResult = {
	attemptId: number;
	mode: 'exam' | 'practice';
	title: string;
	sessionId: number | null;
	finishReason: string | null;
	finishedAt: Date | null;
	graded: boolean;
	/** What the review policy lets me see now. */
	show: 'pass_only' | 'score' | 'review';
	reviewOpensAt: Date | null;
	/** Why the review (questions, keys, explanations) is withheld now: an exam on the same banks is on. */
	reviewLocked: string | null;
	passed: boolean | null;
	score: number | null;
	possible: number | null;
	passMark: number | null;
	answered: number | null;
	unanswered: number | null;
	byKnowledge: { code: string; name: string; earned: number; possible: number; questions: number; correct: number }[];
	decision: { label: string; reason: string | null; voided: boolean } | null;
	review: ReviewItem[];
};

const LABELS = 'ABCDEF';

function describeResponse(type: string, response: QuestionResponse | null, labelOf: (letter: string) => string): string {
	if (response === null || response === undefined) return '未作答';
	if (type === 'judge') return response === true ? '正确' : '错误';
	const letters = Array.isArray(response) ? response : [String(response)];
	return letters.map(labelOf).sort().join('、');
}

/** My finished attempt's result, as much as the session's review policy allows now; undefined when not mine or not finished. */
export async function getAttemptResult(db: Db, attemptId: number, personId: number, now: Date): Promise<AttemptResult | undefined> {
	const a = await db
		.selectFrom('exam_attempts as a')
		.leftJoin('exam_sessions as s', 's.id', 'a.session_id')
		.leftJoin('exam_papers as p', 'p.id', 'a.paper_id')
		.leftJoin('exam_blueprints as b', (j) => j.on((eb) => eb('b.id', '=', eb.fn.coalesce('s.blueprint_id', 'p.blueprint_id'))))
		.select([
			'a.id',
			'a.mode',
			'a.status',
			'a.session_id',
			'a.paper_id',
			'a.finish_reason',
			'a.finished_at',
			'a.score',
			'a.passed',
			'a.result',
			'a.decision',
			'a.decision_reason',
			's.name as session_name',
			's.review_policy',
			's.closes_at',
			'b.name as blueprint_name',
			'b.definition'
		])
		.where('a.id', '=', attemptId)
		.where('a.person_id', '=', personId)
		.executeTakeFirst();
	if (!a || a.status !== 'finished') return undefined;
	const grade = a.result;
	const policy = a.mode === 'practice' ? 'after_close' : (a.review_policy ?? 'score_only');
	const closed = a.mode === 'practice' || (a.closes_at !== null && now >= a.closes_at);
	let show: AttemptResult['show'] = policy === 'none' ? 'pass_only' : policy === 'after_close' && closed ? 'review' : 'score';
	// Exam integrity: no review of an earlier attempt while an exam on the same banks is on or about to be.
	const lock = show === 'review' && a.paper_id !== null ? await findPaperLock(db, personId, a.paper_id, now) : null;
	if (lock) show = 'score';
	const voided = a.decision === 'voided';
	const def = a.definition;

	let byKnowledge: AttemptResult['byKnowledge'] = [];
	let review: ReviewItem[] = [];
	if (grade && show !== 'pass_only') {
		const slots = await getPaperSlots(db, a.paper_id as number);
		const bankRows = slots.length
			? await db.selectFrom('qb_questions').select('bank_id').distinct().where('id', 'in', slots.map((s) => Number(s.questionId))).execute()
			: [];
		const names = new Map<string, string>();
		if (bankRows.length) {
			const kps = await db.selectFrom('qb_knowledge_points').select(['code', 'name']).where('bank_id', 'in', bankRows.map((b) => b.bank_id)).execute();
			for (const k of kps) if (!names.has(k.code)) names.set(k.code, k.name);
		}
		byKnowledge = grade.byKnowledge.map((k) => ({ code: k.knowledge, name: names.get(k.knowledge) ?? k.knowledge, earned: k.earned, possible: k.possible, questions: k.questions, correct: k.correct }));
		if (show === 'review') {
			const versions = await loadQuestionVersions(db, slots);
			const answers = await currentAnswers(db, attemptId);
			const graded = new Map(grade.slots.map((g) => [g.slot, g]));
			review = slots.map((s) => {
				const q = versions.get(`${s.questionId}@${s.version}`);
				const g = graded.get(s.slot);
				const response = answers.get(s.slot)?.response ?? null;
				const key = q ? answerKeys(q) : [];
				const order = s.type === 'judge' ? ['true', 'false'] : s.optionOrder;
				const labelOf = (letter: string) => (s.type === 'judge' ? (letter === 'true' ? '正确' : '错误') : (LABELS[order.indexOf(letter)] ?? letter));
				const chosen = response === null ? [] : Array.isArray(response) ? response : [String(response)];
				const options = order.map((letter) => ({
					label: labelOf(letter),
					text: s.type === 'judge' ? '' : ((q?.options as Record<string, string> | undefined)?.[letter] ?? ''),
					chosen: chosen.includes(letter),
					key: key.includes(letter)
				}));
				return {
					slot: s.slot,
					type: s.type,
					typeLabel: QUESTION_TYPE_LABELS[s.type],
					points: s.points,
					score: g?.score ?? 0,
					correct: g?.correct ?? false,
					stem: q?.stem ?? '',
					options,
					myAnswer: describeResponse(s.type, response, labelOf),
					keyAnswer: key.map(labelOf).sort().join('、'),
					explanation: q?.explanation ?? ''
				};
			});
			caseHeaders(slots.map((s) => versions.get(`${s.questionId}@${s.version}`))).forEach((h, i) => {
				if (h) (review[i] as ReviewItem).case = h;
			});
		}
	}
	return {
		attemptId: a.id,
		mode: a.mode,
		title: a.session_name ?? a.blueprint_name ?? '练习',
		sessionId: a.session_id,
		finishReason: a.finish_reason ? FINISH_REASON_LABELS[a.finish_reason] : null,
		finishedAt: a.finished_at,
		graded: grade !== null,
		show,
		reviewOpensAt: policy === 'after_close' && !closed ? a.closes_at : null,
		reviewLocked: lock ? examLockMessage(lock) : null,
		passed: grade ? (voided ? false : grade.passed) : null,
		score: grade && show !== 'pass_only' ? grade.total : null,
		possible: grade && show !== 'pass_only' ? grade.possible : null,
		passMark: def?.passMark ?? null,
		answered: grade && show !== 'pass_only' ? grade.answered : null,
		unanswered: grade && show !== 'pass_only' ? grade.unanswered : null,
		byKnowledge,
		decision: a.decision ? { label: DECISION_LABELS[a.decision], reason: a.decision_reason, voided } : null,
		review
	};
}
