import { describe, expect, it } from 'vitest';
import {
	checkBlueprintAgainstPool,
	describeSection,
	knowledgeMatches,
	parseBlueprint,
	QUALIFICATION_EXAM_DEFAULTS,
	type Blueprint,
	type BlueprintSection,
	type PoolItem
} from './blueprint.ts';

const base = {
	sections: [
		{ title: '一、判断题', type: 'judge', count: 50, points: 1 },
		{ title: '二、单选题', type: 'single', count: 40, points: 1 },
		{ title: '三、多选题', type: 'multiple', count: 5, points: 2 }
	],
	multipleScoring: 'all_or_nothing',
	durationMinutes: 120,
	totalPoints: 100,
	passMark: 80,
	shuffleQuestions: 'within_sections',
	shuffleOptions: true
};

function problemsOf(raw: unknown): string[] {
	const r = parseBlueprint(raw);
	return r.ok ? [] : r.problems;
}

function item(questionId: string, type: PoolItem['type'], knowledge = 'kp-1', difficulty = 3): PoolItem {
	return { questionId, version: 1, type, knowledge, difficulty, optionKeys: type === 'judge' ? [] : ['A', 'B', 'C', 'D'] };
}

function blueprint(sections: BlueprintSection[]): Blueprint {
	const total = sections.reduce((s, x) => s + x.count * x.points, 0);
	return { sections, multipleScoring: 'partial', durationMinutes: 60, totalPoints: total, passMark: total, shuffleQuestions: 'none', shuffleOptions: false };
}

describe('parseBlueprint', () => {
	it('accepts a 100-point paper with an 80-point pass mark', () => {
		const r = parseBlueprint(base);
		expect(r.ok).toBe(true);
		expect(QUALIFICATION_EXAM_DEFAULTS).toMatchObject({ totalPoints: 100, passMark: 80, durationMinutes: 120, basisArticle: '第九条第二款' });
	});

	it('refuses a total that is not the sum of count × points', () => {
		expect(problemsOf({ ...base, totalPoints: 95 })).toEqual(['总分为 95，但各部分题量×每题分值合计为 100']);
	});

	it('refuses a pass mark above the total', () => {
		expect(problemsOf({ ...base, passMark: 120 })).toEqual(['合格分数 120 不能高于总分 100']);
	});

	it('sums decimal points without floating-point noise', () => {
		const r = parseBlueprint({ ...base, sections: [{ type: 'judge', count: 3, points: 0.1 }], totalPoints: 0.3, passMark: 0.2 });
		expect(r.ok).toBe(true);
		expect(problemsOf({ ...base, sections: [{ type: 'judge', count: 3, points: 0.125 }], totalPoints: 0.375 })).toContain('第1部分：每题分值（points）最多保留两位小数');
	});

	it('names the section and the field in Chinese', () => {
		const problems = problemsOf({
			...base,
			sections: [
				{ type: 'essay', count: 50, points: 1 },
				{ type: 'single', count: 0, points: 1 },
				{ type: 'multiple', count: 5, points: 2, knowledge: ['KP 3'], difficulty: [4, 2] }
			]
		});
		expect(problems).toEqual([
			'第1部分：题型（type）必须是 single（单选）、multiple（多选）或 judge（判断）',
			'第2部分：题量（count）至少为1',
			'第3部分：知识点（knowledge）编号格式不正确',
			'第3部分：难度范围（difficulty）的最低值不能大于最高值'
		]);
	});

	it('names top-level fields', () => {
		const problems = problemsOf({ ...base, sections: [], multipleScoring: 'some', durationMinutes: 0, shuffleQuestions: true, shuffleOptions: 'yes' });
		expect(problems).toEqual([
			'组卷策略至少需要一个部分（sections）',
			'多选题计分方式（multipleScoring）必须是 all_or_nothing（全对才得分）或 partial（少选按比例得分，错选不得分）',
			'考试时长（durationMinutes）至少1分钟',
			'试题顺序（shuffleQuestions）必须是 none（不打乱）、within_sections（部分内打乱）或 across_sections（全卷打乱）',
			'选项乱序（shuffleOptions）必须是 true 或 false'
		]);
	});
});

describe('knowledgeMatches', () => {
	it('matches a code and its descendants, not codes that merely start alike', () => {
		expect(knowledgeMatches(['ch2'], 'ch2')).toBe(true);
		expect(knowledgeMatches(['ch2'], 'ch2.training')).toBe(true);
		expect(knowledgeMatches(['ch2'], 'ch20')).toBe(false);
		expect(knowledgeMatches(['ch1', 'ch2.training'], 'ch2.site')).toBe(false);
	});
});

describe('describeSection', () => {
	it('spells out the filters', () => {
		expect(describeSection({ type: 'multiple', count: 6, points: 1, knowledge: ['kp-3'], difficulty: [2, 3] })).toBe('知识点 kp-3、难度 2–3 的多选题');
		expect(describeSection({ type: 'single', count: 6, points: 1, knowledge: ['ch1', 'ch2'], difficulty: [4, 4] })).toBe('知识点 ch1 或 ch2、难度 4 的单选题');
		expect(describeSection({ type: 'judge', count: 6, points: 1 })).toBe('判断题');
	});
});

describe('checkBlueprintAgainstPool', () => {
	it('reports a section the pool cannot fill, with what it has and needs', () => {
		const pool = [
			...Array.from({ length: 10 }, (_, i) => item(`s-${i}`, 'single')),
			...Array.from({ length: 4 }, (_, i) => item(`m-${i}`, 'multiple', 'kp-3.sub', 2 + (i % 2))),
			item('m-hard', 'multiple', 'kp-3', 5),
			item('m-other', 'multiple', 'kp-30', 2)
		];
		const bp = blueprint([
			{ type: 'single', count: 10, points: 1 },
			{ type: 'multiple', count: 6, points: 2, knowledge: ['kp-3'], difficulty: [2, 3] }
		]);
		expect(checkBlueprintAgainstPool(bp, pool)).toEqual(['第2部分：知识点 kp-3、难度 2–3 的多选题只有 4 道，需要 6 道']);
	});

	it('says when nothing fits at all', () => {
		expect(checkBlueprintAgainstPool(blueprint([{ type: 'judge', count: 5, points: 1 }]), [item('s-1', 'single')])).toEqual(['第1部分：题库中没有判断题，需要 5 道']);
	});

	it('finds sections that are each supplied but not together', () => {
		const pool = [...Array.from({ length: 3 }, (_, i) => item(`a-${i}`, 'single', 'kp-1')), ...Array.from({ length: 3 }, (_, i) => item(`b-${i}`, 'single', 'kp-3'))];
		const bp = blueprint([
			{ type: 'single', count: 5, points: 1 },
			{ type: 'single', count: 3, points: 1, knowledge: ['kp-3'] }
		]);
		expect(checkBlueprintAgainstPool(bp, pool)).toEqual(['第1、2部分的条件有重叠：合计需要 8 道题，但符合其中任一部分条件的题目只有 6 道（同一道题在一份试卷中只出现一次）']);
		expect(checkBlueprintAgainstPool(bp, [...pool, item('c-1', 'single', 'kp-2'), item('c-2', 'single', 'kp-2')])).toEqual([]);
	});

	it('reports a section short and overlapping sections once each', () => {
		const pool = [item('a', 'single', 'kp-1'), item('b', 'single', 'kp-1'), item('j', 'judge')];
		const bp = blueprint([
			{ type: 'single', count: 2, points: 1 },
			{ type: 'single', count: 2, points: 1, knowledge: ['kp-1'] },
			{ type: 'judge', count: 2, points: 1 }
		]);
		expect(checkBlueprintAgainstPool(bp, pool)).toEqual([
			'第3部分：判断题只有 1 道，需要 2 道',
			'第1、2部分的条件有重叠：合计需要 4 道题，但符合其中任一部分条件的题目只有 2 道（同一道题在一份试卷中只出现一次）'
		]);
	});

	it('refuses a pool that offers a question in two versions', () => {
		const pool = [item('q-1', 'single'), { ...item('q-1', 'single'), version: 2 }, item('q-2', 'single')];
		expect(checkBlueprintAgainstPool(blueprint([{ type: 'single', count: 2, points: 1 }]), pool)).toEqual(['题库中题目 q-1 出现了 2 次（版本 1、2），每道题只能提供一个版本']);
	});
});
