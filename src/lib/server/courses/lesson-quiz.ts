import { z } from 'zod';
import { answerKeys, type StoredQuestion } from '../../question-bank/schema.ts';
import { gradeResponse, validateResponse, type QuestionResponse } from '../question-engine/grading.ts';

// End-of-lesson practice quiz (issue 15). A lesson names a bank and the knowledge points (or the
// question codes) to draw from; the learner sees `count` questions without their key, answers one
// at a time and the server says whether it was right, with the key and the explanation. Practice
// only: nothing is stored, nothing counts as an exam or as 学时.

export const MAX_QUIZ_QUESTIONS = 10;

const code = (what: string) => z.string({ error: `${what}必须是文字` }).trim().min(1, `${what}不能为空`).max(60, `${what}最多60个字符`);

/** quiz: in course.yaml. Either knowledge points or question codes (or both) narrow the bank. */
export const lessonQuizSchema = z
	.object(
		{
			bank: code('练习题库（quiz.bank）'),
			knowledge: z.array(code('知识点（quiz.knowledge）'), { error: '知识点（quiz.knowledge）必须是列表' }).default([]),
			questions: z.array(code('题号（quiz.questions）'), { error: '题号（quiz.questions）必须是列表' }).default([]),
			count: z
				.number({ error: '练习题数（quiz.count）必须是数字' })
				.int('练习题数（quiz.count）必须是整数')
				.min(1, '练习题数（quiz.count）至少 1 道')
				.max(MAX_QUIZ_QUESTIONS, `练习题数（quiz.count）最多 ${MAX_QUIZ_QUESTIONS} 道`)
		},
		{ error: '课后练习（quiz）须写明 bank、knowledge 或 questions、count' }
	)
	.strict()
	.refine((q) => q.knowledge.length > 0 || q.questions.length > 0, { message: '课后练习（quiz）须列出知识点（knowledge）或题号（questions），不能抽整个题库' });

export type LessonQuiz = z.infer<typeof lessonQuizSchema>;

/** The stored lessons.quiz value, or null when absent or not a quiz (never trusted blindly). */
export function parseStoredQuiz(value: unknown): LessonQuiz | null {
	if (value === null || value === undefined) return null;
	const parsed = lessonQuizSchema.safeParse(typeof value === 'string' ? JSON.parse(value) : value);
	return parsed.success ? parsed.data : null;
}

/** A pool question belongs to the quiz when its code is listed or its knowledge point is (or lies under) a listed one. */
export function inQuiz(quiz: Pick<LessonQuiz, 'knowledge' | 'questions'>, q: { code: string; knowledge: string }): boolean {
	return quiz.questions.includes(q.code) || quiz.knowledge.some((k) => q.knowledge === k || q.knowledge.startsWith(`${k}.`));
}

/** What the learner sees before answering: no answer, no explanation, no basis. */
export type QuizQuestionView = {
	code: string;
	type: StoredQuestion['type'];
	stem: string;
	options: { letter: string; text: string }[];
	caseTitle: string | null;
	caseScenario: string | null;
};

export function questionView(code: string, q: StoredQuestion): QuizQuestionView {
	return {
		code,
		type: q.type,
		stem: q.stem,
		options: Object.entries(q.options ?? {})
			.sort(([a], [b]) => a.localeCompare(b))
			.map(([letter, text]) => ({ letter, text })),
		caseTitle: q.case_title ?? null,
		caseScenario: q.case_scenario ?? null
	};
}

/** `count` distinct items, uniformly at random (`random` injectable for tests). */
export function drawQuiz<T>(pool: readonly T[], count: number, random: () => number = Math.random): T[] {
	const items = [...pool];
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[items[i], items[j]] = [items[j]!, items[i]!];
	}
	return items.slice(0, count);
}

/** The raw form answer as grading expects it: judge 'true'/'false', single a letter, multiple letters. */
export function responseFromForm(type: StoredQuestion['type'], values: string[]): unknown {
	if (values.length === 0) return null;
	if (type === 'judge') return values[0] === 'true' ? true : values[0] === 'false' ? false : values[0];
	if (type === 'single') return values.length === 1 ? values[0] : values;
	return values;
}

export type QuizCheck =
	| { ok: true; code: string; correct: boolean; chosen: string[]; key: string[]; explanation: string }
	| { ok: false; code: string; message: string };

export function checkQuizAnswer(code: string, q: StoredQuestion, raw: unknown): QuizCheck {
	const checked = validateResponse(q, raw);
	if (!checked.ok) return { ok: false, code, message: checked.error };
	if (checked.response === null) return { ok: false, code, message: '请先选择答案再提交' };
	const response: QuestionResponse = checked.response;
	const grade = gradeResponse(q, response, 1, 'all_or_nothing');
	const chosen = typeof response === 'boolean' ? [String(response)] : Array.isArray(response) ? response : [response];
	return { ok: true, code, correct: grade.correct, chosen, key: answerKeys(q), explanation: q.explanation ?? '' };
}
