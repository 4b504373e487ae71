import { describe, expect, it } from 'vitest';
import { gradePaper, gradeResponse, validateResponse, type PaperQuestion, type QuestionResponse } from './grading.ts';
import { questionVersionKey, type PaperSlot } from './paper.ts';

const single: PaperQuestion = { type: 'single', options: { A: '甲', B: '乙', C: '丙', D: '丁' }, answer: 'B', knowledge: 'ch1.a' };
const multiple: PaperQuestion = { type: 'multiple', options: { A: '甲', B: '乙', C: '丙', D: '丁', E: '戊' }, answer: ['A', 'C', 'D'], knowledge: 'ch2' };
const judge: PaperQuestion = { type: 'judge', answer: false, knowledge: 'ch1.a' };

describe('validateResponse', () => {
	it('accepts well-formed answers and normalises multiple choice', () => {
		expect(validateResponse(single, 'B')).toEqual({ ok: true, response: 'B' });
		expect(validateResponse(multiple, ['D', 'A'])).toEqual({ ok: true, response: ['A', 'D'] });
		expect(validateResponse(judge, false)).toEqual({ ok: true, response: false });
	});

	it('treats null, undefined and an empty selection as unanswered', () => {
		expect(validateResponse(single, null)).toEqual({ ok: true, response: null });
		expect(validateResponse(judge, undefined)).toEqual({ ok: true, response: null });
		expect(validateResponse(multiple, [])).toEqual({ ok: true, response: null });
	});

	it('refuses letters the question does not have', () => {
		expect(validateResponse(single, 'E')).toEqual({ ok: false, error: '选项“E”不存在：本题的选项为 A、B、C、D' });
		expect(validateResponse(single, 'b')).toEqual({ ok: false, error: '选项“b”不存在：本题的选项为 A、B、C、D' });
		expect(validateResponse(multiple, ['A', 'F'])).toEqual({ ok: false, error: '选项“F”不存在：本题的选项为 A、B、C、D、E' });
	});

	it('refuses duplicates and the wrong shape', () => {
		expect(validateResponse(multiple, ['A', 'C', 'A'])).toEqual({ ok: false, error: '选项“A”重复选择' });
		expect(validateResponse(single, ['B'])).toEqual({ ok: false, error: '单选题的作答应为一个选项字母，例如 "B"' });
		expect(validateResponse(multiple, 'A')).toEqual({ ok: false, error: '多选题的作答应为选项字母列表，例如 ["A", "C"]' });
		expect(validateResponse(multiple, ['A', 1])).toEqual({ ok: false, error: '多选题的作答应为选项字母列表，例如 ["A", "C"]' });
		expect(validateResponse(judge, 'false')).toEqual({ ok: false, error: '判断题的作答应为 true（正确）或 false（错误）' });
	});
});

describe('gradeResponse', () => {
	it('grades single choice and judge items', () => {
		expect(gradeResponse(single, 'B', 1, 'partial')).toEqual({ correct: true, score: 1 });
		expect(gradeResponse(single, 'A', 1, 'partial')).toEqual({ correct: false, score: 0 });
		expect(gradeResponse(single, null, 1, 'partial')).toEqual({ correct: false, score: 0 });
		expect(gradeResponse(judge, false, 1, 'all_or_nothing')).toEqual({ correct: true, score: 1 });
		expect(gradeResponse(judge, true, 1, 'all_or_nothing')).toEqual({ correct: false, score: 0 });
	});

	it('gives all or nothing for multiple choice, in any order', () => {
		expect(gradeResponse(multiple, ['D', 'C', 'A'], 2, 'all_or_nothing')).toEqual({ correct: true, score: 2 });
		expect(gradeResponse(multiple, ['A', 'C'], 2, 'all_or_nothing')).toEqual({ correct: false, score: 0 });
		expect(gradeResponse(multiple, ['A', 'B', 'C', 'D'], 2, 'all_or_nothing')).toEqual({ correct: false, score: 0 });
	});

	it('gives partial credit per keyed option chosen, and nothing once a wrong option is chosen', () => {
		expect(gradeResponse(multiple, ['A', 'C', 'D'], 3, 'partial')).toEqual({ correct: true, score: 3 });
		expect(gradeResponse(multiple, ['A', 'C'], 3, 'partial')).toEqual({ correct: false, score: 2 });
		expect(gradeResponse(multiple, ['D'], 3, 'partial')).toEqual({ correct: false, score: 1 });
		expect(gradeResponse(multiple, ['A', 'C'], 2, 'partial')).toEqual({ correct: false, score: 1.33 });
		expect(gradeResponse(multiple, ['A', 'B'], 3, 'partial')).toEqual({ correct: false, score: 0 });
		expect(gradeResponse(multiple, ['A', 'B', 'C', 'D'], 3, 'partial')).toEqual({ correct: false, score: 0 });
		expect(gradeResponse(multiple, [], 3, 'partial')).toEqual({ correct: false, score: 0 });
	});

	it('throws on a response that should never have been stored', () => {
		expect(() => gradeResponse(single, 'Z', 1, 'partial')).toThrow('作答无效：选项“Z”不存在：本题的选项为 A、B、C、D');
		expect(() => gradeResponse(multiple, ['A', 'A'], 1, 'partial')).toThrow('作答无效：选项“A”重复选择');
	});
});

describe('gradePaper', () => {
	const questions = new Map<string, PaperQuestion>([
		[questionVersionKey('s1', 1), single],
		[questionVersionKey('s2', 3), { ...single, knowledge: 'ch1.b' }],
		[questionVersionKey('m1', 2), multiple],
		[questionVersionKey('j1', 1), judge],
		[questionVersionKey('j2', 1), { ...judge, answer: true, knowledge: 'ch2' }]
	]);
	const slot = (n: number, questionId: string, version: number, points: number, section: number): PaperSlot => ({ slot: n, section, questionId, version, points, optionOrder: [] });
	const slots = [slot(1, 's1', 1, 1, 1), slot(2, 's2', 3, 1, 1), slot(3, 'm1', 2, 2, 2), slot(4, 'j1', 1, 1, 3), slot(5, 'j2', 1, 1, 3)];
	const responses = new Map<number, QuestionResponse | null>([
		[1, 'B'], // right: 1
		[2, 'C'], // wrong: 0
		[3, ['C', 'A']], // 2 of 3 keyed options: 2 × 2/3 = 1.33 with partial credit, 0 without
		// 4 unanswered
		[5, true] // right: 1
	]);

	it('totals, counts and breaks down by knowledge point and type', () => {
		const grade = gradePaper(slots, questions, responses, { multipleScoring: 'partial', passMark: 4.8 });
		expect(grade).toMatchObject({ total: 3.33, possible: 6, passed: false, answered: 4, unanswered: 1, correct: 2 });
		expect(grade.byKnowledge).toEqual([
			{ knowledge: 'ch1.a', earned: 1, possible: 2, questions: 2, correct: 1 },
			{ knowledge: 'ch1.b', earned: 0, possible: 1, questions: 1, correct: 0 },
			{ knowledge: 'ch2', earned: 2.33, possible: 3, questions: 2, correct: 1 }
		]);
		expect(grade.byType).toEqual([
			{ type: 'single', earned: 1, possible: 2, questions: 2, correct: 1 },
			{ type: 'multiple', earned: 1.33, possible: 2, questions: 1, correct: 0 },
			{ type: 'judge', earned: 1, possible: 2, questions: 2, correct: 1 }
		]);
		expect(grade.slots.map((s) => [s.slot, s.score, s.answered])).toEqual([
			[1, 1, true],
			[2, 0, true],
			[3, 1.33, true],
			[4, 0, false],
			[5, 1, true]
		]);
	});

	it('has breakdowns that add up to the total and the possible points', () => {
		for (const multipleScoring of ['partial', 'all_or_nothing'] as const) {
			const grade = gradePaper(slots, questions, responses, { multipleScoring, passMark: 1 });
			const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 100) / 100;
			expect(sum(grade.byKnowledge.map((b) => b.earned))).toBe(grade.total);
			expect(sum(grade.byType.map((b) => b.earned))).toBe(grade.total);
			expect(sum(grade.byKnowledge.map((b) => b.possible))).toBe(grade.possible);
			expect(sum(grade.byType.map((b) => b.possible))).toBe(grade.possible);
			expect(grade.byType.reduce((a, b) => a + b.questions, 0)).toBe(slots.length);
		}
		expect(gradePaper(slots, questions, responses, { multipleScoring: 'all_or_nothing', passMark: 1 }).total).toBe(2);
	});

	it('passes at exactly the pass mark ("80分以上" includes 80)', () => {
		expect(gradePaper(slots, questions, responses, { multipleScoring: 'partial', passMark: 3.33 }).passed).toBe(true);
		expect(gradePaper(slots, questions, responses, { multipleScoring: 'partial', passMark: 3.34 }).passed).toBe(false);
	});

	it('counts a paper with no answers as all unanswered', () => {
		expect(gradePaper(slots, questions, new Map(), { multipleScoring: 'partial', passMark: 1 })).toMatchObject({ total: 0, answered: 0, unanswered: 5, passed: false });
	});

	it('refuses answers to slots the paper does not have, and slots without their question version', () => {
		expect(() => gradePaper(slots, questions, new Map([[6, 'A']]), { multipleScoring: 'partial', passMark: 1 })).toThrow('作答的第 6 题不在这份试卷中');
		expect(() => gradePaper([slot(1, 's1', 2, 1, 1)], questions, new Map(), { multipleScoring: 'partial', passMark: 1 })).toThrow('缺少第 1 题的题目内容（s1 第 2 版）');
		expect(() => gradePaper(slots, questions, new Map([[1, 'X']]), { multipleScoring: 'partial', passMark: 1 })).toThrow('第 1 题的作答无效：选项“X”不存在');
	});
});
