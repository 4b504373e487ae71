import { describe, expect, it } from 'vitest';
import { maxCreditHours, publishProblems, type OutlineLesson } from './course.ts';

const text = (minutes: number, title = '第一节'): OutlineLesson => ({ title, kind: 'text', minutes, fileId: null, videoSeconds: null });

describe('publishProblems', () => {
	it('needs at least one lesson', () => {
		expect(publishProblems({ creditHours: 1 }, [], 45)).toEqual(['课程还没有课时：请至少添加一个课时']);
	});

	it('needs a file for every video and PDF lesson, and a length for videos', () => {
		const problems = publishProblems(
			{ creditHours: 1 },
			[text(45), { title: '视频', kind: 'video', minutes: 5, fileId: null, videoSeconds: null }, { title: '处置卡', kind: 'pdf', minutes: 5, fileId: null, videoSeconds: null }, { title: '短片', kind: 'video', minutes: 5, fileId: 3, videoSeconds: null }],
			45
		);
		expect(problems).toEqual(['课时“视频”是视频课时，但还没有上传文件', '课时“处置卡”是 PDF 课时，但还没有上传文件', '视频课时“短片”没有填写视频时长']);
	});

	it('refuses more 学时 than the lessons last', () => {
		expect(publishProblems({ creditHours: 2 }, [text(90)], 45)).toEqual([]);
		expect(publishProblems({ creditHours: 2 }, [text(89)], 45)).toEqual([
			'课程学时 2 超过课时合计：全部课时共 89 分钟，按 1 学时 = 45 分钟折合 1.9 学时；请增加课时，或把课程学时改为不超过 1.9'
		]);
		expect(publishProblems({ creditHours: 0.5 }, [text(23)], 45)).toEqual([]);
	});
});

describe('maxCreditHours', () => {
	it('rounds down to 0.1', () => {
		expect(maxCreditHours(540, 45)).toBe(12);
		expect(maxCreditHours(89, 45)).toBe(1.9);
		expect(maxCreditHours(90, 40)).toBe(2.2);
	});
});
