import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg } from '../support/factories.ts';
import { loadCourseDirs, syncRepositoryCourses } from '../../src/lib/server/courses/course-files.ts';
import { findCourseByCode, listLessons } from '../../src/lib/server/courses/courses.repository.ts';
import { syncRepositoryBanks } from '../../src/lib/server/question-bank/sync.ts';
import { setQuestionStatus } from '../../src/lib/server/question-bank/bank.repository.ts';
import { answerLessonQuiz, drawLessonQuiz } from '../../src/lib/server/courses/lesson-quiz.service.ts';

const NOW = new Date('2026-12-05T08:00:00Z');

/** The fixture courses with a quiz on the topic course's lesson; `quiz` is the YAML flow mapping. */
function coursesWithQuiz(quiz: string): string {
	const dir = mkdtempSync(join(tmpdir(), 'anxun-quiz-'));
	cpSync('tests/fixtures/courses', dir, { recursive: true });
	const file = join(dir, 'fixture-topic/course.yaml');
	writeFileSync(file, readFileSync(file, 'utf8').replace('file: ../media/tiny.pdf }', `file: ../media/tiny.pdf, quiz: ${quiz} }`));
	return dir;
}

describe('lesson quiz in course.yaml', () => {
	it('reads a quiz and refuses a malformed one with the field named', () => {
		const ok = loadCourseDirs(coursesWithQuiz('{ bank: accident-emergency, knowledge: [report.duty], count: 3 }'));
		expect(ok.problems).toEqual([]);
		expect(ok.courses[1]!.modules[0]!.lessons[0]!.quiz).toEqual({ bank: 'accident-emergency', knowledge: ['report.duty'], questions: [], count: 3 });
		expect(loadCourseDirs(coursesWithQuiz('{ bank: accident-emergency, count: 3 }')).problems).toEqual([
			{ file: 'fixture-topic/course.yaml', message: '第1章第1个课时 quiz：课后练习（quiz）须列出知识点（knowledge）或题号（questions），不能抽整个题库' }
		]);
		expect(loadCourseDirs(coursesWithQuiz('{ bank: accident-emergency, knowledge: [report], count: 50 }')).problems).toEqual([
			{ file: 'fixture-topic/course.yaml', message: '第1章第1个课时 quiz.count：练习题数（quiz.count）最多 10 道' }
		]);
	});
});

describe.each(BACKENDS)('lesson quiz (%s)', (backend) => {
	let t: TestDatabase;
	let institution: number;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		institution = await makeOrg(t.db, 'institution');
		await syncRepositoryBanks(t.db, 'question-banks', NOW);
	});
	afterAll(async () => t?.close());

	it('refuses at sync a bank, knowledge point or question that does not exist, importing nothing', async () => {
		const bad = coursesWithQuiz('{ bank: no-such-bank, knowledge: [report], count: 2 }');
		await expect(syncRepositoryCourses(t.db, bad, institution, NOW)).rejects.toThrow(
			'课后练习检查未通过，未导入任何内容：\nfixture-topic/course.yaml: 第1章第1个课时“应急处置卡”的课后练习：练习题库“no-such-bank”不存在（题库代码见 question-banks/ 下的 bank.yaml）'
		);
		const badPoint = coursesWithQuiz('{ bank: accident-emergency, knowledge: [report.nothing], questions: [acc-9999], count: 2 }');
		await expect(syncRepositoryCourses(t.db, badPoint, institution, NOW)).rejects.toThrow(
			'第1章第1个课时“应急处置卡”的课后练习：题库“accident-emergency”没有知识点“report.nothing”\nfixture-topic/course.yaml: 第1章第1个课时“应急处置卡”的课后练习：题库“accident-emergency”没有题目“acc-9999”'
		);
		const tooMany = coursesWithQuiz('{ bank: accident-emergency, questions: [acc-0001], count: 2 }');
		await expect(syncRepositoryCourses(t.db, tooMany, institution, NOW)).rejects.toThrow('题库“accident-emergency”中符合条件的可用题目只有 1 道，少于练习题数 2');
		expect(await findCourseByCode(t.db, 'fixture-safety')).toBeUndefined();
	});

	it('draws without the key, checks answers on the server, never draws a retired question', async () => {
		const dir = coursesWithQuiz('{ bank: accident-emergency, knowledge: [report.duty], questions: [acc-0002], count: 3 }');
		await syncRepositoryCourses(t.db, dir, institution, NOW);
		const course = (await findCourseByCode(t.db, 'fixture-topic'))!;
		const lessonId = (await listLessons(t.db, course.id))[0]!.id;

		const draw = (await drawLessonQuiz(t.db, lessonId, NOW))!;
		expect(draw.questions).toHaveLength(3);
		const sent = JSON.stringify(draw);
		for (const secret of ['answer', 'explanation', 'basis', 'knowledge']) expect(sent).not.toContain(`"${secret}"`);
		// the key and the explanation of acc-0002 appear nowhere in what is sent
		expect(sent).not.toContain('条例第三条规定');

		// acc-0002's key is C (see question-banks/accident-emergency/questions/report.yaml)
		const wrong = await answerLessonQuiz(t.db, lessonId, 'acc-0002', ['A'], NOW);
		expect(wrong).toMatchObject({ ok: true, correct: false, chosen: ['A'], key: ['C'] });
		expect(wrong.ok && wrong.explanation).toContain('较大事故');
		expect(await answerLessonQuiz(t.db, lessonId, 'acc-0002', ['C'], NOW)).toMatchObject({ ok: true, correct: true, key: ['C'] });
		expect(await answerLessonQuiz(t.db, lessonId, 'acc-0002', ['Z'], NOW)).toEqual({ ok: false, code: 'acc-0002', message: '选项“Z”不存在：本题的选项为 A、B、C、D' });
		expect(await answerLessonQuiz(t.db, lessonId, 'acc-0002', [], NOW)).toEqual({ ok: false, code: 'acc-0002', message: '请先选择答案再提交' });
		// a question of the bank outside this lesson's points is not answered here
		expect(await answerLessonQuiz(t.db, lessonId, 'acc-0050', ['A'], NOW)).toMatchObject({ ok: false, message: '这道练习题已停用或不属于本节，请刷新页面换一组题' });

		// retire every question of the pool but three: those three are always the draw
		const pool = await t.db
			.selectFrom('qb_questions as q')
			.innerJoin('qb_banks as b', 'b.id', 'q.bank_id')
			.select(['q.id', 'q.code'])
			.where('b.code', '=', 'accident-emergency')
			.where((eb) => eb.or([eb('q.knowledge_code', '=', 'report.duty'), eb('q.code', '=', 'acc-0002')]))
			.orderBy('q.code')
			.execute();
		expect(pool.length).toBeGreaterThan(3);
		const retired = pool.slice(3);
		await setQuestionStatus(t.db, retired.map((r) => r.id), 'retired', NOW);
		for (let i = 0; i < 5; i++) {
			const codes = (await drawLessonQuiz(t.db, lessonId, NOW))!.questions.map((q) => q.code).sort();
			expect(codes).toEqual(pool.slice(0, 3).map((r) => r.code));
		}
		expect(await answerLessonQuiz(t.db, lessonId, retired[0]!.code, ['A'], NOW)).toMatchObject({ ok: false, message: '这道练习题已停用或不属于本节，请刷新页面换一组题' });
	});

	it('every quiz of the repository courses resolves against the repository banks', async () => {
		const { problems } = loadCourseDirs('seeds/courses');
		expect(problems).toEqual([]);
		const other = await makeOrg(t.db, 'institution');
		const summary = await syncRepositoryCourses(t.db, 'seeds/courses', other, NOW);
		expect(summary.added.length).toBeGreaterThan(2);
		const withQuiz = await t.db.selectFrom('lessons').select('id').where('quiz', 'is not', null).execute();
		expect(withQuiz.length).toBeGreaterThan(2);
		for (const l of withQuiz) expect((await drawLessonQuiz(t.db, l.id, NOW))!.questions.length).toBeGreaterThan(0);
	});

	it('a lesson without a quiz has none', async () => {
		const course = (await findCourseByCode(t.db, 'fixture-safety'))!;
		expect(await drawLessonQuiz(t.db, (await listLessons(t.db, course.id))[0]!.id, NOW)).toBeNull();
	});
});
