import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { StoredQuestion } from '../../question-bank/schema.ts';
import { sourcesInForce } from '../question-bank/bank.query.ts';
import { inQuiz, parseStoredQuiz, type LessonQuiz } from './lesson-quiz.ts';

// SQL of the end-of-lesson quiz. A lesson's bank is a platform bank or one of the course owner's.

export async function getLessonQuiz(db: Db, lessonId: number): Promise<{ quiz: LessonQuiz; ownerOrgId: number | null } | null> {
	const row = await db
		.selectFrom('lessons as l')
		.innerJoin('courses as c', 'c.id', 'l.course_id')
		.select(['l.quiz', 'c.owner_org_id'])
		.where('l.id', '=', lessonId)
		.executeTakeFirst();
	const quiz = row ? parseStoredQuiz(row.quiz) : null;
	return row && quiz ? { quiz, ownerOrgId: row.owner_org_id } : null;
}

export async function setLessonQuiz(db: Db, lessonId: number, quiz: LessonQuiz | null): Promise<void> {
	await db
		.updateTable('lessons')
		.set({ quiz: quiz ? JSON.stringify(quiz) : null })
		.where('id', '=', lessonId)
		.execute();
}

async function findQuizBank(db: Db, code: string, ownerOrgId: number | null) {
	return db
		.selectFrom('qb_banks')
		.select(['id', 'name'])
		.where('code', '=', code)
		.where((eb) => (ownerOrgId === null ? eb('owner_org_id', 'is', null) : eb.or([eb('owner_org_id', 'is', null), eb('owner_org_id', '=', ownerOrgId)])))
		.executeTakeFirst();
}

/**
 * The questions a quiz may draw on `now`: in its bank and its knowledge points / codes, active,
 * reviewed, every cited source in force (the exam pool's filter). Content included, key and all:
 * the caller strips it before anything reaches the page.
 */
export async function quizPool(db: Db, quiz: LessonQuiz, ownerOrgId: number | null, now: Date): Promise<{ code: string; content: StoredQuestion }[]> {
	const bank = await findQuizBank(db, quiz.bank, ownerOrgId);
	if (!bank) return [];
	const rows = await db
		.selectFrom('qb_questions as q')
		.innerJoin('qb_question_versions as v', (j) => j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'))
		.select(['q.code', 'q.knowledge_code', 'v.content'])
		.where('q.bank_id', '=', bank.id)
		.where('q.status', '=', 'active')
		.where('q.review_status', '=', 'ok')
		.where(sql<boolean>`${sourcesInForce(now)}`)
		.orderBy('q.code')
		.execute();
	return rows
		.filter((r) => inQuiz(quiz, { code: r.code, knowledge: r.knowledge_code }))
		.map((r) => ({ code: r.code, content: (typeof r.content === 'string' ? JSON.parse(r.content) : r.content) as StoredQuestion }));
}

/** Why a course file's quiz cannot be imported (empty when it can), in Chinese naming the bank / point / code. */
export async function quizReferenceProblems(db: Db, quiz: LessonQuiz, ownerOrgId: number | null, now: Date): Promise<string[]> {
	const bank = await findQuizBank(db, quiz.bank, ownerOrgId);
	if (!bank) return [`练习题库“${quiz.bank}”不存在（题库代码见 question-banks/ 下的 bank.yaml）`];
	const problems: string[] = [];
	const points = new Set((await db.selectFrom('qb_knowledge_points').select('code').where('bank_id', '=', bank.id).execute()).map((r) => r.code));
	for (const k of quiz.knowledge) if (!points.has(k)) problems.push(`题库“${quiz.bank}”没有知识点“${k}”`);
	if (quiz.questions.length) {
		const found = await db.selectFrom('qb_questions').select(['code', 'status']).where('bank_id', '=', bank.id).where('code', 'in', quiz.questions).execute();
		const byCode = new Map(found.map((r) => [r.code, r.status]));
		for (const c of quiz.questions) {
			if (!byCode.has(c)) problems.push(`题库“${quiz.bank}”没有题目“${c}”`);
			else if (byCode.get(c) !== 'active') problems.push(`题库“${quiz.bank}”的题目“${c}”已停用`);
		}
	}
	if (problems.length) return problems;
	const usable = (await quizPool(db, quiz, ownerOrgId, now)).length;
	if (usable < quiz.count) problems.push(`题库“${quiz.bank}”中符合条件的可用题目只有 ${usable} 道，少于练习题数 ${quiz.count}`);
	return problems;
}
