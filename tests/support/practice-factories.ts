import type { Db } from '../../src/lib/server/db/index.ts';
import type { Blueprint } from '../../src/lib/server/question-engine/blueprint.ts';
import type { Question } from '../../src/lib/question-bank/schema.ts';
import { smallBlueprint } from './exam-engine-fixture.ts';

let n = 0;

export type PracticeBank = Awaited<ReturnType<typeof makePracticeBank>>;

/**
 * A bank with a two-level knowledge tree (law → law.duty, law.rights; ops) and `perType` single,
 * multiple and judge questions spread over law.duty, law.rights and ops, with known keys.
 * `audience` is written as bank.yaml writes it (Chinese names) unless codes are given.
 */
export async function makePracticeBank(db: Db, opts: { ownerOrgId?: number | null; audience?: string[]; perType?: number } = {}) {
	const code = `practice-bank-${++n}-${Date.now() % 100000}`;
	const bank = await db
		.insertInto('qb_banks')
		.values({ code, name: `练习题库${n}`, audience: JSON.stringify(opts.audience ?? ['一线从业人员', '主要负责人']), owner_org_id: opts.ownerOrgId ?? null, created_at: new Date() })
		.returning('id')
		.executeTakeFirstOrThrow();
	await db
		.insertInto('qb_knowledge_points')
		.values([
			{ bank_id: bank.id, code: 'law', name: '法律法规', parent_code: null, sort: 1 },
			{ bank_id: bank.id, code: 'law.duty', name: '主体责任', parent_code: 'law', sort: 2 },
			{ bank_id: bank.id, code: 'law.rights', name: '从业人员权利', parent_code: 'law', sort: 3 },
			{ bank_id: bank.id, code: 'ops', name: '现场管理', parent_code: null, sort: 4 }
		])
		.execute();
	const knowledge = ['law.duty', 'law.rights', 'ops'];
	const questions: (Question & { dbId: number })[] = [];
	let i = 0;
	for (const type of ['single', 'multiple', 'judge'] as const) {
		for (let k = 0; k < (opts.perType ?? 6); k++) {
			i++;
			const content: Question = {
				id: `p-${i}`,
				type,
				stem: `练习第${i}题（${type}）`,
				options: type === 'judge' ? undefined : { A: `甲${i}`, B: `乙${i}`, C: `丙${i}`, D: `丁${i}` },
				answer: type === 'judge' ? k % 2 === 0 : type === 'multiple' ? ['A', 'C'] : 'B',
				explanation: `练习解析-${code}-${i}`,
				basis: [{ source: 'aqsc-law-2021', ref: '第二十八条' }],
				knowledge: knowledge[k % 3] as string,
				difficulty: 1 + (k % 5)
			};
			const q = await db
				.insertInto('qb_questions')
				.values({ bank_id: bank.id, code: content.id, status: 'active', review_status: 'ok', current_version: 1, type, difficulty: content.difficulty, knowledge_code: content.knowledge, search_text: content.stem, updated_at: new Date() })
				.returning('id')
				.executeTakeFirstOrThrow();
			await db.insertInto('qb_question_versions').values({ question_id: q.id, version: 1, content: JSON.stringify(content), content_hash: `ph${n}-${i}`, basis_hashes: JSON.stringify({}), origin: 'file', created_at: new Date() }).execute();
			questions.push({ ...content, dbId: q.id });
		}
	}
	return { id: bank.id, code, questions, byId: new Map(questions.map((q) => [String(q.dbId), q])) };
}

export function practiceBlueprint(overrides: Partial<Blueprint> = {}): Blueprint {
	return smallBlueprint({
		sections: [
			{ type: 'single', count: 3, points: 10 },
			{ type: 'multiple', count: 2, points: 20 },
			{ type: 'judge', count: 6, points: 5 }
		],
		durationMinutes: 30,
		...overrides
	});
}

export async function makePracticeBlueprint(db: Db, ownerOrgId: number, bankIds: number[], opts: { practiceOpen?: boolean; name?: string; blueprint?: Partial<Blueprint> } = {}) {
	const row = await db
		.insertInto('exam_blueprints')
		.values({
			owner_org_id: ownerOrgId,
			name: opts.name ?? `模拟考试${++n}`,
			bank_ids: JSON.stringify(bankIds),
			definition: JSON.stringify(practiceBlueprint(opts.blueprint)),
			certificate_type: 'none',
			practice_open: opts.practiceOpen ?? true,
			created_at: new Date(),
			updated_at: new Date()
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** A response that is right (or deliberately wrong) for a question. */
export function responseFor(q: Question, right: boolean): string | string[] | boolean {
	if (right) return q.answer as string | string[] | boolean;
	if (q.type === 'judge') return !(q.answer as boolean);
	if (q.type === 'multiple') return ['B', 'D'];
	return 'A';
}
