import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { answerKeys, type Question, type QuestionType } from '../../question-bank/schema.ts';
import type { QuestionResponse } from '../question-engine/grading.ts';
import { loadQuestionVersions } from '../exams/exam.repository.ts';
import { listOpenBanks } from './practice-service.ts';
import { examLockMessage } from '../exams/exam-lock.ts';
import { findExamLock } from '../exams/exam-lock.query.ts';

// 错题本 (read-only): the questions a learner got wrong, with their last answer, the key and the
// explanation. Keys are shown only where they cannot leak anything the learner may not see:
// - nothing at all of a bank locked by an exam the learner sits now or soon (exam-lock.ts): not even
//   the stem, and the page says why;
// - the key of a question from a bank open to the learner for practice (practice shows it anyway),
//   or whose last wrong answer was in practice, or in an exam whose review policy shows keys now
//   ('after_close' and the session has closed). Otherwise the stem and the learner's answer only.

export type WrongAnswerItem = {
	questionId: number;
	bankId: number;
	bankName: string;
	knowledgeCode: string;
	knowledgeName: string | null;
	type: QuestionType;
	stem: string;
	/** Option letters in order with their text; [] for judge. */
	options: { letter: string; text: string }[];
	wrongCount: number;
	lastWrongAt: Date;
	resolvedAt: Date | null;
	/** The learner's last answer to it (chosen letters, or 'true'/'false'); [] = left blank. */
	myAnswer: string[];
	key: string[] | null;
	explanation: string | null;
	/** Why the key is not shown, when it is not. */
	keyHiddenReason: string | null;
	/** The question can be retried now (bank open for practice, question active and reviewed). */
	retryable: boolean;
};

export type WrongAnswerBook = {
	open: WrongAnswerItem[];
	mastered: WrongAnswerItem[];
	/** Banks with 错题, and the knowledge points with 错题 in the bank filtered on (for the filters). */
	banks: { id: number; name: string }[];
	knowledgePoints: { code: string; name: string }[];
	/** Why the 错题 of some banks are not shown now (an exam on them is on or about to be), or null. */
	lockMessage: string | null;
};

type Row = {
	question_id: number;
	wrong_count: number;
	last_wrong_at: Date;
	resolved_at: Date | null;
	bank_id: number;
	bank_name: string;
	knowledge_code: string;
	knowledge_name: string | null;
	current_version: number;
	practisable: boolean;
	last_mode: 'exam' | 'practice' | null;
	last_version: number | null;
	last_response: QuestionResponse | null;
	review_policy: string | null;
	closes_at: Date | null;
};

function chosen(response: QuestionResponse | null): string[] {
	if (response === null || response === undefined) return [];
	if (typeof response === 'boolean') return [String(response)];
	return (Array.isArray(response) ? [...response] : [response]).sort();
}

export async function getWrongAnswerBook(db: Db, personId: number, now: Date, filter: { bankId?: number | null; knowledge?: string | null } = {}): Promise<WrongAnswerBook> {
	const lock = await findExamLock(db, personId, now);
	const openBanks = new Set((await listOpenBanks(db, personId)).map((b) => b.id));
	// The last finished attempt that held each question: its version, the learner's answer there, its session's review policy.
	const { rows: all } = await sql<Row>`
		with w as (
			select question_id, wrong_count, last_wrong_at, resolved_at from wrong_answers
			where person_id = ${personId} order by last_wrong_at desc, question_id limit 500
		),
		-- each question's last occurrence, from one pass over the learner's finished attempts
		last as (
			select distinct on (s."questionId") s."questionId"::int as question_id, a.id as attempt_id, a.mode, s.slot, s.version, se.review_policy, se.closes_at
			from exam_attempts a
			join exam_papers p on p.id = a.paper_id
			cross join lateral jsonb_to_recordset(p.slots) as s(slot int, "questionId" text, version int)
			left join exam_sessions se on se.id = a.session_id
			where a.person_id = ${personId} and a.status = 'finished' and s."questionId"::int in (select question_id from w)
			order by s."questionId", a.finished_at desc nulls last, a.id desc
		)
		select w.question_id, w.wrong_count, w.last_wrong_at, w.resolved_at,
			q.bank_id, b.name as bank_name, q.knowledge_code, k.name as knowledge_name, q.current_version,
			(q.status = 'active' and q.review_status = 'ok') as practisable,
			last.mode as last_mode, last.version as last_version, last.review_policy, last.closes_at,
			(select x.response from exam_answer_steps x where x.attempt_id = last.attempt_id and x.slot = last.slot order by x.seq desc limit 1) as last_response
		from w
		join qb_questions q on q.id = w.question_id
		join qb_banks b on b.id = q.bank_id
		left join qb_knowledge_points k on k.bank_id = q.bank_id and k.code = q.knowledge_code
		left join last on last.question_id = w.question_id
		order by w.last_wrong_at desc, w.question_id`.execute(db);
	const lockedOut = all.filter((r) => lock.bankIds.has(Number(r.bank_id)));
	const rows = all.filter((r) => !lock.bankIds.has(Number(r.bank_id)));
	const banks = [...new Map(rows.map((r) => [r.bank_id, { id: r.bank_id, name: r.bank_name }])).values()];
	const inBank = rows.filter((r) => !filter.bankId || r.bank_id === filter.bankId);
	const knowledgePoints = filter.bankId
		? [...new Map(inBank.map((r) => [r.knowledge_code, { code: r.knowledge_code, name: r.knowledge_name ?? r.knowledge_code }])).values()].sort((a, b) => (a.code < b.code ? -1 : 1))
		: [];
	const wanted = inBank.filter((r) => !filter.knowledge || r.knowledge_code === filter.knowledge || r.knowledge_code.startsWith(`${filter.knowledge}.`));
	const versions = await loadQuestionVersions(db, wanted.map((r) => ({ questionId: String(r.question_id), version: r.last_version ?? r.current_version })));
	const items: WrongAnswerItem[] = wanted.flatMap((r) => {
		const q: Question | undefined = versions.get(`${r.question_id}@${r.last_version ?? r.current_version}`);
		if (!q) return [];
		const reviewOpen = r.review_policy === 'after_close' && r.closes_at !== null && r.closes_at <= now;
		const showKey = openBanks.has(r.bank_id) || r.last_mode === 'practice' || reviewOpen;
		return [
			{
				questionId: r.question_id,
				bankId: r.bank_id,
				bankName: r.bank_name,
				knowledgeCode: r.knowledge_code,
				knowledgeName: r.knowledge_name,
				type: q.type,
				stem: q.stem,
				options: q.type === 'judge' ? [] : Object.entries(q.options ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([letter, text]) => ({ letter, text: text as string })),
				wrongCount: r.wrong_count,
				lastWrongAt: r.last_wrong_at,
				resolvedAt: r.resolved_at,
				myAnswer: chosen(r.last_response),
				key: showKey ? answerKeys(q) : null,
				explanation: showKey ? q.explanation : null,
				keyHiddenReason: showKey
					? null
					: r.review_policy === 'after_close'
						? '考试场次结束后可查看答案与解析。'
						: '该考试不公开答案与解析。',
				retryable: openBanks.has(r.bank_id) && r.practisable
			}
		];
	});
	return { open: items.filter((i) => !i.resolvedAt), mastered: items.filter((i) => i.resolvedAt), banks, knowledgePoints, lockMessage: lockedOut.length ? examLockMessage(lock) : null };
}
