import type { Db } from '../../src/lib/server/db/index.ts';
import type { Blueprint } from '../../src/lib/server/question-engine/blueprint.ts';
import type { Question } from '../../src/lib/question-bank/schema.ts';
import { makeOrg } from './factories.ts';
import { makePerson } from './study-factories.ts';

let n = 0;

export type QuestionCounts = { single: number; multiple: number; judge: number };

/**
 * A bank of single, multiple and judge questions with known keys and explanations (`perType` of each,
 * or a count per type): the k-th question of a type answers 'B' (single), ['A', 'C'] (multiple),
 * k even (judge). Inserted set-wise, so the exam bench builds its 300-question bank with it too.
 */
export async function makeExamBank(db: Db, ownerOrgId: number | null, perType: number | QuestionCounts = 6) {
	const counts = typeof perType === 'number' ? { single: perType, multiple: perType, judge: perType } : perType;
	const code = `exam-bank-${++n}-${Date.now() % 100000}`;
	const now = new Date();
	const bank = await db.insertInto('qb_banks').values({ code, name: `考试题库${n}`, audience: JSON.stringify(['principal', 'frontline']), owner_org_id: ownerOrgId, created_at: now }).returning('id').executeTakeFirstOrThrow();
	await db.insertInto('qb_knowledge_points').values([
		{ bank_id: bank.id, code: 'law', name: '法律法规', parent_code: null, sort: 1 },
		{ bank_id: bank.id, code: 'ops', name: '现场管理', parent_code: null, sort: 2 }
	]).execute();
	const contents: Question[] = [];
	let i = 0;
	for (const type of ['single', 'multiple', 'judge'] as const) {
		for (let k = 0; k < counts[type]; k++) {
			i++;
			contents.push({
				id: `q-${i}`,
				type,
				stem: `第${i}题题干（${type}）`,
				options: type === 'judge' ? undefined : { A: `选项A-${i}`, B: `选项B-${i}`, C: `选项C-${i}`, D: `选项D-${i}` },
				answer: type === 'judge' ? k % 2 === 0 : type === 'multiple' ? ['A', 'C'] : 'B',
				explanation: `解析SECRET-${code}-${i}`,
				basis: [{ source: 'aqsc-law-2021', ref: '第二十一条' }],
				knowledge: k % 2 === 0 ? 'law' : 'ops',
				difficulty: 1 + (k % 5)
			});
		}
	}
	const questions: (Question & { dbId: number })[] = [];
	// in chunks: one statement per 500 rows keeps the bind parameters far below PostgreSQL's limit
	for (let from = 0; from < contents.length; from += 500) {
		const chunk = contents.slice(from, from + 500);
		const rows = await db
			.insertInto('qb_questions')
			.values(chunk.map((c) => ({ bank_id: bank.id, code: c.id, status: 'active', review_status: 'ok', current_version: 1, type: c.type, difficulty: c.difficulty, knowledge_code: c.knowledge, search_text: c.stem, updated_at: now })))
			.returning(['id', 'code'])
			.execute();
		const idOf = new Map(rows.map((r) => [r.code, r.id]));
		await db
			.insertInto('qb_question_versions')
			.values(chunk.map((c, j) => ({ question_id: idOf.get(c.id)!, version: 1, content: JSON.stringify(c), content_hash: `h${from + j + 1}`, basis_hashes: JSON.stringify({}), origin: 'file', created_at: now })))
			.execute();
		questions.push(...chunk.map((c) => ({ ...c, dbId: idOf.get(c.id)! })));
	}
	return { id: bank.id, code, questions };
}

export function smallBlueprint(overrides: Partial<Blueprint> = {}): Blueprint {
	return {
		sections: [
			{ type: 'single', count: 4, points: 10 },
			{ type: 'multiple', count: 2, points: 20 },
			{ type: 'judge', count: 4, points: 5 }
		],
		multipleScoring: 'all_or_nothing',
		durationMinutes: 60,
		totalPoints: 100,
		passMark: 80,
		shuffleQuestions: 'within_sections',
		shuffleOptions: true,
		...overrides
	};
}

export type ExamFixture = Awaited<ReturnType<typeof makeExamFixture>>;

/** An institution with a bank, a blueprint and a session open from `opensAt` to `closesAt`, with `candidates` persons on its roster. */
export async function makeExamFixture(
	db: Db,
	opts: { opensAt: Date; closesAt: Date; candidates?: number; session?: Record<string, unknown>; blueprint?: Partial<Blueprint> }
) {
	const institutionId = await makeOrg(db, 'institution');
	const enterpriseId = await makeOrg(db, 'enterprise');
	const bank = await makeExamBank(db, institutionId);
	const blueprint = await db
		.insertInto('exam_blueprints')
		.values({ owner_org_id: institutionId, name: '测试组卷', bank_ids: JSON.stringify([bank.id]), definition: JSON.stringify(smallBlueprint(opts.blueprint)), certificate_type: 'training', created_at: new Date(), updated_at: new Date() })
		.returning('id')
		.executeTakeFirstOrThrow();
	const session = await db
		.insertInto('exam_sessions')
		.values({
			owner_org_id: institutionId,
			blueprint_id: blueprint.id,
			name: '测试场次',
			mode: 'online',
			opens_at: opts.opensAt,
			closes_at: opts.closesAt,
			paper_mode: 'per_candidate',
			max_attempts: 2,
			review_policy: 'after_close',
			created_at: new Date(),
			...opts.session
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	const persons: number[] = [];
	for (let i = 0; i < (opts.candidates ?? 2); i++) {
		const personId = await makePerson(db, enterpriseId, { role: 'frontline' });
		await db.insertInto('exam_candidates').values({ session_id: session.id, person_id: personId, added_at: new Date() }).execute();
		persons.push(personId);
	}
	return { institutionId, enterpriseId, bank, blueprintId: blueprint.id, sessionId: session.id, persons };
}
