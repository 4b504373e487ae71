import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Question, QuestionType, StoredQuestion } from '../../question-bank/schema.ts';
import { findCitedText, listArticles } from './sources.ts';

// Read-only queries for the bank screens. An institution sees platform banks (read-only)
// and its own banks; another institution's bank does not exist for it.

/** SQL condition on `v` (a question version): every source it cites is in force on `now`'s date. */
export function sourcesInForce(now: Date) {
	const day = now.toISOString().slice(0, 10);
	return sql`not exists (
		select 1 from jsonb_array_elements(v.content->'basis') b
		join qb_sources s on s.id = b->>'source'
		where s.effective_from > ${day}::date or (s.effective_to is not null and s.effective_to < ${day}::date))`;
}

/**
 * Per bank, questions usable in a statutory paper on `now`'s date: active, not 待复核, every cited
 * source in force that day (the same filter as the exam pool, loadPool); and its case groups.
 */
export async function usableCounts(db: Db, bankIds: readonly number[], now: Date): Promise<Map<number, { usable: number; cases: number }>> {
	if (!bankIds.length) return new Map();
	const rows = await db
		.selectFrom('qb_questions as q')
		.innerJoin('qb_question_versions as v', (j) => j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'))
		.select(['q.bank_id', (eb) => eb.fn.count<number>('q.id').as('usable'), sql<number>`count(distinct q.case_code)`.as('cases')])
		.where('q.bank_id', 'in', [...bankIds])
		.where('q.status', '=', 'active')
		.where('q.review_status', '=', 'ok')
		.where(sql<boolean>`${sourcesInForce(now)}`)
		.groupBy('q.bank_id')
		.execute();
	return new Map(rows.map((r) => [r.bank_id, { usable: Number(r.usable), cases: Number(r.cases) }]));
}

export async function listVisibleBanks(db: Db, orgId: number, now?: Date) {
	const banks = await db
		.selectFrom('qb_banks as b')
		.leftJoin('qb_questions as q', (j) => j.onRef('q.bank_id', '=', 'b.id').on('q.status', '=', 'active'))
		.select([
			'b.id',
			'b.code',
			'b.name',
			'b.owner_org_id',
			(eb) => eb.fn.count<number>('q.id').as('total'),
			(eb) => eb.fn.count<number>('q.id').filterWhere('q.type', '=', 'single').as('single'),
			(eb) => eb.fn.count<number>('q.id').filterWhere('q.type', '=', 'multiple').as('multiple'),
			(eb) => eb.fn.count<number>('q.id').filterWhere('q.type', '=', 'judge').as('judge'),
			(eb) => eb.fn.count<number>('q.id').filterWhere('q.review_status', '=', 'pending_review').as('pending')
		])
		.where((eb) => eb.or([eb('b.owner_org_id', 'is', null), eb('b.owner_org_id', '=', orgId)]))
		.groupBy('b.id')
		.orderBy('b.owner_org_id', 'desc')
		.orderBy('b.code')
		.execute();
	const usable = now ? await usableCounts(db, banks.map((b) => b.id), now) : new Map<number, { usable: number; cases: number }>();
	return banks.map((b) => ({
		...b,
		usable: usable.get(b.id)?.usable ?? 0,
		cases: usable.get(b.id)?.cases ?? 0,
		editable: b.owner_org_id === orgId,
		total: Number(b.total),
		single: Number(b.single),
		multiple: Number(b.multiple),
		judge: Number(b.judge),
		pending: Number(b.pending)
	}));
}

export async function findVisibleBank(db: Db, code: string, orgId: number) {
	const bank = await db
		.selectFrom('qb_banks')
		.selectAll()
		.where('code', '=', code)
		.where((eb) => eb.or([eb('owner_org_id', 'is', null), eb('owner_org_id', '=', orgId)]))
		.executeTakeFirst();
	return bank && { ...bank, editable: bank.owner_org_id === orgId };
}

export async function countByDifficultyAndKnowledge(db: Db, bankId: number) {
	const difficulty = await db
		.selectFrom('qb_questions')
		.select(['difficulty', (eb) => eb.fn.countAll<number>().as('n')])
		.where('bank_id', '=', bankId)
		.where('status', '=', 'active')
		.groupBy('difficulty')
		.orderBy('difficulty')
		.execute();
	const knowledge = await db
		.selectFrom('qb_knowledge_points as k')
		.leftJoin('qb_questions as q', (j) => j.onRef('q.bank_id', '=', 'k.bank_id').onRef('q.knowledge_code', '=', 'k.code').on('q.status', '=', 'active'))
		.select(['k.code', 'k.name', 'k.parent_code', (eb) => eb.fn.count<number>('q.id').as('n')])
		.where('k.bank_id', '=', bankId)
		.groupBy(['k.code', 'k.name', 'k.parent_code', 'k.sort'])
		.orderBy('k.sort')
		.execute();
	return {
		difficulty: difficulty.map((d) => ({ difficulty: d.difficulty, n: Number(d.n) })),
		knowledge: knowledge.map((k) => ({ ...k, n: Number(k.n) }))
	};
}

export type QuestionFilter = { q?: string; type?: QuestionType; difficulty?: number; knowledge?: string; status?: 'active' | 'retired'; review?: 'pending_review' };

export async function listQuestions(db: Db, bankId: number, filter: QuestionFilter, page: number, pageSize = 50) {
	let query = db
		.selectFrom('qb_questions as q')
		.innerJoin('qb_question_versions as v', (j) => j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'))
		.where('q.bank_id', '=', bankId)
		.where('q.status', '=', filter.status ?? 'active');
	if (filter.type) query = query.where('q.type', '=', filter.type);
	if (filter.difficulty) query = query.where('q.difficulty', '=', filter.difficulty);
	if (filter.knowledge) query = query.where('q.knowledge_code', '=', filter.knowledge);
	if (filter.review) query = query.where('q.review_status', '=', filter.review);
	// Chinese has no word boundaries: every whitespace-separated term must occur as a substring.
	for (const term of (filter.q ?? '').split(/\s+/).filter(Boolean).slice(0, 5)) {
		query = query.where('q.search_text', 'ilike', `%${term.replace(/[%_\\]/g, '\\$&')}%`);
	}
	const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
	const rows = await query
		.select(['q.id', 'q.code', 'q.type', 'q.difficulty', 'q.knowledge_code', 'q.review_status', 'q.current_version', sql<string>`v.content->>'stem'`.as('stem')])
		.orderBy('q.code')
		.limit(pageSize)
		.offset((page - 1) * pageSize)
		.execute();
	return { total: Number(total.n), rows };
}

export async function getQuestionDetail(db: Db, bankId: number, code: string) {
	const q = await db.selectFrom('qb_questions').selectAll().where('bank_id', '=', bankId).where('code', '=', code).executeTakeFirst();
	if (!q) return undefined;
	const versions = await db
		.selectFrom('qb_question_versions as v')
		.leftJoin('users as u', 'u.id', 'v.created_by')
		.select(['v.version', 'v.content', 'v.origin', 'v.created_at', 'u.display_name'])
		.where('v.question_id', '=', q.id)
		.orderBy('v.version', 'desc')
		.execute();
	const parse = (c: unknown) => (typeof c === 'string' ? JSON.parse(c) : c) as Question;
	const current = parse(versions.find((v) => v.version === q.current_version)!.content);
	const sourceIds = [...new Set(current.basis.map((b) => b.source))];
	const sources = sourceIds.length ? await db.selectFrom('qb_sources').selectAll().where('id', 'in', sourceIds).execute() : [];
	const basis = current.basis.map((b) => {
		const s = sources.find((x) => x.id === b.source);
		const cited = s ? findCitedText(s.text, b.ref) : null;
		return { ...b, title: s?.title ?? b.source, text: cited?.ok ? cited.text : null, effectiveTo: s?.effective_to ?? null, supersededBy: s?.superseded_by ?? null, note: s?.note ?? null };
	});
	// a question derived from a platform bank: which platform question and version, and whether the platform has moved on
	const upstream = q.derived_from_question_id
		? await db
				.selectFrom('qb_questions as p')
				.innerJoin('qb_banks as b', 'b.id', 'p.bank_id')
				.select(['p.code', 'p.current_version', 'p.status', 'b.code as bank_code', 'b.name as bank_name'])
				.where('p.id', '=', q.derived_from_question_id)
				.executeTakeFirst()
		: undefined;
	const derivedFrom = upstream
		? {
				bankCode: upstream.bank_code,
				bankName: upstream.bank_name,
				code: upstream.code,
				version: q.derived_from_version!,
				platformVersion: upstream.current_version,
				platformChanged: upstream.current_version !== q.derived_from_version || upstream.status === 'retired'
			}
		: null;
	return {
		question: q,
		current,
		basis,
		derivedFrom,
		versions: versions.map((v) => ({ version: v.version, origin: v.origin, createdAt: v.created_at, by: v.display_name, stem: parse(v.content).stem }))
	};
}

export async function loadSourceMap(db: Db) {
	const rows = await db.selectFrom('qb_sources').selectAll().execute();
	return new Map(rows.map((r) => [r.id, { id: r.id, title: r.title, text: r.text, effective_to: r.effective_to ? new Date(r.effective_to) : undefined, superseded_by: r.superseded_by ?? undefined }]));
}

export async function listKnowledge(db: Db, bankId: number) {
	return db.selectFrom('qb_knowledge_points').select(['code', 'name']).where('bank_id', '=', bankId).orderBy('sort').execute();
}

/**
 * Active questions at their current versions (case title and scenario included), ordered by code,
 * except that a case's members follow its first member in the order papers show them (question id).
 */
export async function listBankQuestionsForExport(db: Db, bankId: number): Promise<StoredQuestion[]> {
	const rows = await db
		.selectFrom('qb_questions as q')
		.innerJoin('qb_question_versions as v', (j) => j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'))
		.select(['q.id', 'v.content'])
		.where('q.bank_id', '=', bankId)
		.where('q.status', '=', 'active')
		.orderBy('q.code')
		.execute();
	const questions = rows.map((r) => ({ id: r.id, q: (typeof r.content === 'string' ? JSON.parse(r.content) : r.content) as StoredQuestion }));
	const members = new Map<string, typeof questions>();
	for (const x of questions) if (x.q.case) members.set(x.q.case, [...(members.get(x.q.case) ?? []), x]);
	const out: StoredQuestion[] = [];
	for (const x of questions) {
		if (!x.q.case) out.push(x.q);
		else if (members.has(x.q.case)) {
			out.push(...members.get(x.q.case)!.sort((a, b) => a.id - b.id).map((m) => m.q));
			members.delete(x.q.case);
		}
	}
	return out;
}

/** Current contents of the bank's questions with the given codes, by code. */
export async function listCurrentContents(db: Db, bankId: number, codes: readonly string[]): Promise<Map<string, StoredQuestion>> {
	const out = new Map<string, StoredQuestion>();
	for (let i = 0; i < codes.length; i += 5000) {
		const rows = await db
			.selectFrom('qb_questions as q')
			.innerJoin('qb_question_versions as v', (j) => j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'))
			.select(['q.code', 'v.content'])
			.where('q.bank_id', '=', bankId)
			.where('q.code', 'in', codes.slice(i, i + 5000))
			.execute();
		for (const r of rows) out.set(r.code, (typeof r.content === 'string' ? JSON.parse(r.content) : r.content) as StoredQuestion);
	}
	return out;
}

/** Every question of the bank that belongs to a case group, with its status and its case's title and scenario. */
export async function listCaseMembers(db: Db, bankId: number) {
	return db
		.selectFrom('qb_questions as q')
		.innerJoin('qb_question_versions as v', (j) => j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'))
		.select(['q.code', 'q.status', 'q.case_code', sql<string | null>`v.content->>'case_title'`.as('case_title'), sql<string | null>`v.content->>'case_scenario'`.as('case_scenario')])
		.where('q.bank_id', '=', bankId)
		.where('q.case_code', 'is not', null)
		.orderBy('q.code')
		.execute();
}

/** Knowledge points of every bank the institution can see (platform and its own), for pickers by name. */
export async function listVisibleKnowledge(db: Db, orgId: number) {
	return db
		.selectFrom('qb_knowledge_points as k')
		.innerJoin('qb_banks as b', 'b.id', 'k.bank_id')
		.select(['k.bank_id', 'k.code', 'k.name', 'k.parent_code'])
		.where((eb) => eb.or([eb('b.owner_org_id', 'is', null), eb('b.owner_org_id', '=', orgId)]))
		.orderBy('k.bank_id')
		.orderBy('k.sort')
		.execute();
}

/** Source documents a question may cite, by title, with their citable articles (for the 依据 picker). */
export async function listSourceChoices(db: Db) {
	const rows = await db.selectFrom('qb_sources').select(['id', 'title', 'text', 'effective_to']).orderBy('title').execute();
	return rows.map((r) => ({ id: r.id, title: r.title, effectiveTo: r.effective_to === null ? null : String(r.effective_to).slice(0, 10), articles: listArticles(r.text) }));
}
