import { empiricalDifficulties, empiricalMinResponses } from '../question-engine/empirical-difficulty.ts';
import { setEmpiricalDifficulties } from '../question-bank/bank.repository.ts';
import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { claimJob, completeJob, enqueueJob, failJob, type JobHandler } from '../jobs/queue.ts';
import { roundPoints } from '../question-engine/blueprint.ts';
import { gradePaper, type QuestionResponse } from '../question-engine/grading.ts';
import { analyseItems, type ItemResponseRow } from '../question-engine/item-analysis.ts';
import { notifyExamGraded } from '../notifications/producers.ts';
import { computeIntegrityFlags } from '../proctoring/integrity.ts';
import { currentAnswers, getPaperSlots, insertEvents, listEvents, loadQuestionVersions, lockAttempt } from './exam.repository.ts';
import { bankIdsOfQuestions, getPaperTotals, listBankItemResponses, listBankQuestionVersions, recordWrongAnswer, replaceItemStats, resolveWrongAnswer, saveGrade } from './grading.repository.ts';
import { findBlueprint, findSession } from './session.repository.ts';

// Side effects of a finished attempt, run after the finish has committed (never inside it):
// grading, integrity flags, 错题本 and, in the background, item statistics.

/** Practice without a blueprint (章节练习, 错题重练): 60% to "pass", all-or-nothing multiple choice. */
const PRACTICE_PASS_FRACTION = 0.6;

export async function gradeAttempt(db: Db, attemptId: number, now: Date): Promise<void> {
	await withTransaction(db, async (tx) => {
		const attempt = await lockAttempt(tx, attemptId);
		if (!attempt || attempt.status !== 'finished' || attempt.result !== null) return;
		const slots = await getPaperSlots(tx, attempt.paper_id);
		const questions = await loadQuestionVersions(tx, slots);
		const answers = await currentAnswers(tx, attemptId);
		const session = attempt.session_id ? await findSession(tx, attempt.session_id) : null;
		const paper = await getPaperTotals(tx, attempt.paper_id);
		const blueprintId = session?.blueprint_id ?? paper.blueprint_id;
		const blueprint = blueprintId ? await findBlueprint(tx, blueprintId) : null;
		const rules = blueprint?.definition ?? { multipleScoring: 'all_or_nothing' as const, passMark: roundPoints(Number(paper.total_points) * PRACTICE_PASS_FRACTION) };
		const responses = new Map<number, QuestionResponse | null>([...answers.entries()].map(([slot, a]) => [slot, a.response]));
		const grade = gradePaper(slots, questions, responses, rules);

		const events = await listEvents(tx, attemptId);
		const flags = computeIntegrityFlags(events, { startedAt: attempt.started_at, finishedAt: attempt.finished_at, answered: grade.answered, requireFullscreen: session?.require_fullscreen ?? false });
		await saveGrade(tx, attemptId, { score: grade.total, passed: grade.passed, result: grade, flags });
		if (flags.some((f) => f.code === 'fast')) await insertEvents(tx, attemptId, [{ at: now, source: 'server', kind: 'fast_answering', detail: { answered: grade.answered } }]);

		// 错题本: every question answered wrongly (or left blank in an exam) is added; in practice, a right answer clears it.
		for (const s of grade.slots) {
			const questionId = Number(s.questionId);
			// A practice question never reached is not a mistake; in an exam a blank answer is.
			if (!s.answered && attempt.mode === 'practice') continue;
			if (!s.correct) {
				await recordWrongAnswer(tx, attempt.person_id, questionId, now);
			} else if (attempt.mode === 'practice') {
				await resolveWrongAnswer(tx, attempt.person_id, questionId, now);
			}
		}
		if (attempt.mode === 'exam') await queueItemStatsForPaper(tx, attempt.paper_id, now);
		await notifyExamGraded(tx, attemptId, now);
	});
}

/** Queues (debounced per bank) a recompute of the item statistics of every bank a paper draws from. */
export async function queueItemStatsForPaper(db: Db, paperId: number, now: Date): Promise<void> {
	const slots = await getPaperSlots(db, paperId);
	if (!slots.length) return;
	const bankIds = await bankIdsOfQuestions(db, slots.map((s) => Number(s.questionId)));
	for (const bankId of bankIds) {
		await enqueueJob(db, { kind: 'item-stats', dedupeKey: `bank:${bankId}`, payload: { bankId }, runAfter: new Date(now.getTime() + 5000), now });
	}
}

/** Runs the finished attempt's job now if no worker has it; the worker runs it otherwise. */
export async function runAttemptFinishedJob(db: Db, attemptId: number, now: Date): Promise<void> {
	const job = await claimJob(db, 'attempt-finished', `attempt:${attemptId}`, now);
	if (!job) return;
	try {
		await gradeAttempt(db, attemptId, now);
		await completeJob(db, job.id, now);
	} catch (err) {
		console.error(`grading attempt ${attemptId} failed:`, err);
		await failJob(db, job, err, now);
	}
}

function chosenKeys(response: QuestionResponse | null): string[] {
	if (response === null || response === undefined) return [];
	if (typeof response === 'boolean') return [String(response)];
	return (Array.isArray(response) ? [...response] : [response]).sort();
}

/**
 * Recomputes item statistics for one bank from every finished, non-voided exam attempt, and each
 * question's empirical difficulty (null until its current version has `minResponses` responses).
 */
export async function computeBankItemStats(db: Db, bankId: number, now: Date, minResponses = empiricalMinResponses(process.env)): Promise<number> {
	const rows = await listBankItemResponses(db, bankId);
	const responses: ItemResponseRow[] = rows.map((r) => ({
		attemptId: String(r.attempt_id),
		attemptScore: Number(r.score),
		questionId: String(r.question_id),
		version: r.version,
		chosen: chosenKeys(r.response),
		correct: r.correct
	}));
	const versions = await loadQuestionVersions(db, [...new Map(responses.map((r) => [`${r.questionId}@${r.version}`, { questionId: r.questionId, version: r.version }])).values()]);
	const optionKeys = new Map([...versions.entries()].map(([key, q]) => [key, q.type === 'judge' ? ['false', 'true'] : Object.keys(q.options ?? {}).sort()]));
	const stats = analyseItems(responses, { optionKeys });
	await withTransaction(db, async (tx) => {
		await replaceItemStats(tx, bankId, stats, now);
		const questions = await listBankQuestionVersions(tx, bankId);
		const updates = empiricalDifficulties(
			questions.map((q) => ({ id: q.id, currentVersion: q.current_version })),
			stats.map((s) => ({ questionId: Number(s.questionId), version: s.version, responses: s.responses, facility: s.facility })),
			minResponses
		);
		await setEmpiricalDifficulties(tx, updates);
	});
	return stats.length;
}

export const examJobHandlers: Record<string, JobHandler> = {
	'attempt-finished': async (db, payload, now) => gradeAttempt(db, Number(payload.attemptId), now),
	'item-stats': async (db, payload, now) => {
		await computeBankItemStats(db, Number(payload.bankId), now);
	},
	'prepare-papers': async (db, payload, now) => {
		const { prepareSessionPapers } = await import('./paper-service.ts');
		await prepareSessionPapers(db, Number(payload.sessionId), now);
	}
};

