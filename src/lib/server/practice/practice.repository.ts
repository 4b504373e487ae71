import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { RoleCategory } from '../../domain/labels.ts';
import type { Blueprint } from '../question-engine/blueprint.ts';

// SQL of self-practice (practice-service.ts): open banks, 模拟考试, knowledge points, 错题本 and practice attempts.

/** The learner's role category when the person is active; null otherwise. */
export async function findActiveRoleCategory(db: Db, personId: number): Promise<RoleCategory | null> {
	const person = await db.selectFrom('persons').select(['role_category', 'active']).where('id', '=', personId).executeTakeFirst();
	return person && person.active ? person.role_category : null;
}

/** Banks whose audience names the role (by code or by its Chinese label), with their practisable questions. */
export async function listBanksForAudience(db: Db, audienceCodes: readonly string[]) {
	const { rows } = await sql<{ id: number; code: string; name: string; owner_org_id: number | null; questions: number }>`
		select b.id, b.code, b.name, b.owner_org_id,
			(select count(*)::int from qb_questions q where q.bank_id = b.id and q.status = 'active' and q.review_status = 'ok') as questions
		from qb_banks b
		where ${sql.join(audienceCodes.map((c) => sql`b.audience @> ${JSON.stringify([c])}::jsonb`), sql` or `)}
		order by b.owner_org_id nulls first, b.name, b.id`.execute(db);
	return rows;
}

/** Practice-open blueprints with the person's finished 模拟考试 on each. */
export async function listPracticeBlueprints(db: Db, personId: number) {
	const { rows } = await sql<{ id: number; name: string; owner_name: string; bank_ids: number[]; definition: Blueprint; finished: number; best: string | null }>`
		with mine as (
			select p.blueprint_id, count(*)::int as finished, max(a.score)::text as best
			from exam_attempts a join exam_papers p on p.id = a.paper_id
			where a.person_id = ${personId} and a.mode = 'practice' and a.status = 'finished' and p.blueprint_id is not null
			group by p.blueprint_id
		)
		select b.id, b.name, o.name as owner_name, b.bank_ids, b.definition, coalesce(mine.finished, 0) as finished, mine.best
		from exam_blueprints b
		join organisations o on o.id = b.owner_org_id
		left join mine on mine.blueprint_id = b.id
		where b.practice_open
		order by b.name, b.id`.execute(db);
	return rows;
}

export async function listKnowledgePoints(db: Db, bankId: number) {
	return db.selectFrom('qb_knowledge_points').select(['code', 'name', 'parent_code', 'sort']).where('bank_id', '=', bankId).orderBy('sort').orderBy('code').execute();
}

export async function hasKnowledgePoint(db: Db, bankId: number, code: string): Promise<boolean> {
	const point = await db.selectFrom('qb_knowledge_points').select('code').where('bank_id', '=', bankId).where('code', '=', code).executeTakeFirst();
	return point !== undefined;
}

/** Practisable (active, reviewed) questions of the bank per knowledge code. */
export async function countPractisableByKnowledge(db: Db, bankId: number) {
	const rows = await db
		.selectFrom('qb_questions')
		.select(['knowledge_code', (eb) => eb.fn.countAll<number>().as('n')])
		.where('bank_id', '=', bankId)
		.where('status', '=', 'active')
		.where('review_status', '=', 'ok')
		.groupBy('knowledge_code')
		.execute();
	return rows.map((r) => ({ knowledge_code: r.knowledge_code, n: Number(r.n) }));
}

export async function findPracticeBlueprint(db: Db, blueprintId: number) {
	return db.selectFrom('exam_blueprints').select(['id', 'bank_ids', 'definition', 'practice_open']).where('id', '=', blueprintId).executeTakeFirst();
}

/** The person's unresolved 错题 in these banks, most-missed and most recent first. */
export async function listOpenWrongAnswers(db: Db, personId: number, bankIds: readonly number[]) {
	return db
		.selectFrom('wrong_answers as w')
		.innerJoin('qb_questions as q', 'q.id', 'w.question_id')
		.select(['w.question_id', 'q.knowledge_code'])
		.where('w.person_id', '=', personId)
		.where('w.resolved_at', 'is', null)
		.where('q.bank_id', 'in', bankIds)
		.orderBy('w.wrong_count', 'desc')
		.orderBy('w.last_wrong_at', 'desc')
		.orderBy('w.question_id')
		.execute();
}

export async function insertPracticeAttempt(db: Db, personId: number, paperId: number, deadline: Date | null, now: Date): Promise<number> {
	const row = await db
		.insertInto('exam_attempts')
		.values({ mode: 'practice', session_id: null, candidate_id: null, person_id: personId, paper_id: paperId, status: 'in_progress', started_at: now, deadline_at: deadline, created_at: now })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** The person's practice attempts in progress and not past their deadline, newest first (at most 20). */
export async function listOpenPracticeAttempts(db: Db, personId: number, now: Date) {
	const { rows } = await sql<{ id: number; seed: string; name: string | null; started_at: Date; deadline_at: Date | null; questions: number; answered: number }>`
		select a.id, p.seed, b.name, a.started_at, a.deadline_at, jsonb_array_length(p.slots) as questions,
			(select count(distinct s.slot)::int from exam_answer_steps s where s.attempt_id = a.id) as answered
		from exam_attempts a
		join exam_papers p on p.id = a.paper_id
		left join exam_blueprints b on b.id = p.blueprint_id
		where a.person_id = ${personId} and a.mode = 'practice' and a.status = 'in_progress'
			and (a.deadline_at is null or a.deadline_at > ${now})
		order by a.started_at desc, a.id desc
		limit 20`.execute(db);
	return rows;
}
