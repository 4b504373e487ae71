import type { QuestionType } from '#lib/question-bank/schema.ts';
import type { PaperSlot } from '../question-engine/paper.ts';
import type { GradableQuestion } from '../question-engine/grading.ts';

// The exam activity's rules for one attempt: its clock and its states. The server's clock is the
// only clock; `now` is always passed in.

/** A paper slot as stored: the engine's slot plus the question type, so answers are checked without reading questions. */
export type StoredSlot = PaperSlot & { type: QuestionType };

export type AttemptStatus = 'ready' | 'in_progress' | 'finished';
export type FinishReason = 'submitted' | 'deadline' | 'terminated';

export const FINISH_REASON_LABELS: Record<FinishReason, string> = {
	submitted: '考生交卷',
	deadline: '时间到，系统自动交卷',
	terminated: '监考员终止'
};

/** Answers arriving this long after the deadline (network latency) are still accepted. */
export const DEFAULT_GRACE_SECONDS = 5;

/** deadline = min(start + duration + extensions, session close). Extensions may run past the close: an examiner granted them. */
export function computeDeadline(startedAt: Date, durationMinutes: number, closesAt: Date | null, extendedSeconds = 0): Date {
	const byDuration = startedAt.getTime() + durationMinutes * 60_000;
	const capped = closesAt ? Math.min(byDuration, closesAt.getTime()) : byDuration;
	return new Date(capped + extendedSeconds * 1000);
}

/** An in-progress attempt past its deadline (+ grace) is over, whether or not anyone noticed yet. */
export function isExpired(attempt: { status: AttemptStatus; deadline_at: Date | null }, now: Date, graceSeconds = DEFAULT_GRACE_SECONDS): boolean {
	return attempt.status === 'in_progress' && attempt.deadline_at !== null && now.getTime() > attempt.deadline_at.getTime() + graceSeconds * 1000;
}

export function secondsLeft(deadline: Date | null, now: Date): number {
	if (!deadline) return 0;
	return Math.max(0, Math.floor((deadline.getTime() - now.getTime()) / 1000));
}

/** Enough of a question to validate an answer: the option letters stand in for the options. */
export function gradableFromSlot(slot: { type: StoredSlot['type']; optionOrder: readonly string[] }): GradableQuestion {
	return {
		type: slot.type,
		answer: slot.type === 'judge' ? true : slot.type === 'multiple' ? [] : '',
		options: slot.type === 'judge' ? undefined : Object.fromEntries(slot.optionOrder.map((l) => [l, l]))
	};
}
