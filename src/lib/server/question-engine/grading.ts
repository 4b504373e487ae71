import { answerKeys, QUESTION_TYPES, type Question, type QuestionType } from '#lib/question-bank/schema.ts';
import { roundPoints, type Blueprint, type MultipleScoring } from './blueprint.ts';
import { questionVersionKey, type PaperSlot } from './paper.ts';

export type GradableQuestion = Pick<Question, 'type' | 'answer' | 'options'>;

/** single: 'B'; multiple: ['A', 'C'] (sorted, no duplicates); judge: true / false. null = not answered. */
export type QuestionResponse = string | string[] | boolean;

export type ResponseCheck = { ok: true; response: QuestionResponse | null } | { ok: false; error: string };

function optionLetters(question: GradableQuestion): string[] {
	return Object.keys(question.options ?? {}).sort();
}

function unknownLetter(letter: string, letters: string[]): string | null {
	return letters.includes(letter) ? null : `选项“${letter}”不存在：本题的选项为 ${letters.join('、')}`;
}

/**
 * Checks a candidate's answer before it is stored, and normalises it (multiple-choice letters sorted).
 * null, undefined and [] (multiple choice with nothing ticked) mean "not answered".
 */
export function validateResponse(question: GradableQuestion, raw: unknown): ResponseCheck {
	if (raw === null || raw === undefined) return { ok: true, response: null };
	const letters = optionLetters(question);
	switch (question.type) {
		case 'judge':
			if (typeof raw !== 'boolean') return { ok: false, error: '判断题的作答应为 true（正确）或 false（错误）' };
			return { ok: true, response: raw };
		case 'single': {
			if (typeof raw !== 'string') return { ok: false, error: '单选题的作答应为一个选项字母，例如 "B"' };
			const problem = unknownLetter(raw, letters);
			return problem ? { ok: false, error: problem } : { ok: true, response: raw };
		}
		case 'multiple': {
			if (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string')) return { ok: false, error: '多选题的作答应为选项字母列表，例如 ["A", "C"]' };
			const chosen = raw as string[];
			if (chosen.length === 0) return { ok: true, response: null };
			for (const letter of chosen) {
				const problem = unknownLetter(letter, letters);
				if (problem) return { ok: false, error: problem };
			}
			const repeated = chosen.find((x, i) => chosen.indexOf(x) !== i);
			if (repeated !== undefined) return { ok: false, error: `选项“${repeated}”重复选择` };
			return { ok: true, response: [...chosen].sort() };
		}
	}
}

/** The response as answerKeys() spells answers: sorted letters, or ['true'] / ['false']. */
function responseKeys(response: QuestionResponse): string[] {
	if (typeof response === 'boolean') return [String(response)];
	return (Array.isArray(response) ? [...response] : [response]).sort();
}

export type ResponseGrade = { correct: boolean; score: number };

/**
 * Grades one response. Throws on a response validateResponse would refuse: responses are
 * validated when stored, so reaching here with one is a bug, not a wrong answer.
 * Partial credit (multipleScoring 'partial', multiple choice only): any option chosen that is not
 * keyed → 0; otherwise points × keyed options chosen ÷ keyed options, rounded to 0.01.
 */
export function gradeResponse(question: GradableQuestion, response: QuestionResponse | null, points: number, multipleScoring: MultipleScoring): ResponseGrade {
	const check = validateResponse(question, response);
	if (!check.ok) throw new Error(`作答无效：${check.error}`);
	if (check.response === null) return { correct: false, score: 0 };
	const key = answerKeys(question);
	const chosen = responseKeys(check.response);
	if (chosen.length === key.length && chosen.every((c, i) => c === key[i])) return { correct: true, score: points };
	if (question.type === 'multiple' && multipleScoring === 'partial' && chosen.every((c) => key.includes(c))) {
		return { correct: false, score: roundPoints((points * chosen.length) / key.length) };
	}
	return { correct: false, score: 0 };
}

export type PaperQuestion = GradableQuestion & Pick<Question, 'knowledge'>;

export type SlotGrade = {
	slot: number;
	section: number;
	questionId: string;
	version: number;
	type: QuestionType;
	knowledge: string;
	points: number;
	answered: boolean;
	correct: boolean;
	score: number;
};

export type PointsBreakdown = { earned: number; possible: number; questions: number; correct: number };

export type PaperGrade = {
	total: number;
	possible: number;
	passed: boolean;
	answered: number;
	unanswered: number;
	correct: number;
	slots: SlotGrade[];
	/** By the question's own knowledge-point code (not rolled up to parents), sorted by code. */
	byKnowledge: ({ knowledge: string } & PointsBreakdown)[];
	/** single, multiple, judge — those on the paper. */
	byType: ({ type: QuestionType } & PointsBreakdown)[];
};

/**
 * Grades a paper. questions holds the pinned versions, keyed by questionVersionKey(id, version);
 * responses are keyed by slot (a slot without an entry is unanswered).
 * passed = total >= passMark ("80分以上为合格" includes 80).
 */
export function gradePaper(
	slots: readonly PaperSlot[],
	questions: ReadonlyMap<string, PaperQuestion>,
	responses: ReadonlyMap<number, QuestionResponse | null>,
	blueprint: Pick<Blueprint, 'multipleScoring' | 'passMark'>
): PaperGrade {
	const slotNumbers = new Set(slots.map((s) => s.slot));
	for (const n of responses.keys()) if (!slotNumbers.has(n)) throw new Error(`作答的第 ${n} 题不在这份试卷中`);

	const graded: SlotGrade[] = slots.map((s) => {
		const question = questions.get(questionVersionKey(s.questionId, s.version));
		if (!question) throw new Error(`缺少第 ${s.slot} 题的题目内容（${s.questionId} 第 ${s.version} 版）`);
		const check = validateResponse(question, responses.get(s.slot) ?? null);
		if (!check.ok) throw new Error(`第 ${s.slot} 题的作答无效：${check.error}`);
		const { correct, score } = gradeResponse(question, check.response, s.points, blueprint.multipleScoring);
		return {
			slot: s.slot,
			section: s.section,
			questionId: s.questionId,
			version: s.version,
			type: question.type,
			knowledge: question.knowledge,
			points: s.points,
			answered: check.response !== null,
			correct,
			score
		};
	});

	const total = roundPoints(graded.reduce((sum, g) => sum + g.score, 0));
	const answered = graded.filter((g) => g.answered).length;
	const byType = breakdown(graded, (g) => g.type);
	return {
		total,
		possible: roundPoints(graded.reduce((sum, g) => sum + g.points, 0)),
		passed: total >= blueprint.passMark,
		answered,
		unanswered: graded.length - answered,
		correct: graded.filter((g) => g.correct).length,
		slots: graded,
		byKnowledge: [...breakdown(graded, (g) => g.knowledge)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([knowledge, b]) => ({ knowledge, ...b })),
		byType: QUESTION_TYPES.flatMap((type) => {
			const b = byType.get(type);
			return b ? [{ type, ...b }] : [];
		})
	};
}

function breakdown<K>(graded: readonly SlotGrade[], keyOf: (g: SlotGrade) => K): Map<K, PointsBreakdown> {
	const out = new Map<K, PointsBreakdown>();
	for (const g of graded) {
		const b = out.get(keyOf(g)) ?? { earned: 0, possible: 0, questions: 0, correct: 0 };
		out.set(keyOf(g), {
			earned: roundPoints(b.earned + g.score),
			possible: roundPoints(b.possible + g.points),
			questions: b.questions + 1,
			correct: b.correct + (g.correct ? 1 : 0)
		});
	}
	return out;
}
