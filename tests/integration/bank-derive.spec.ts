// An institution's own bank derived from a platform bank in one step (issue 20), and the Excel
// round trip keeping knowledge-point names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser } from '../support/factories.ts';
import { syncRepositoryBanks } from '../../src/lib/server/question-bank/sync.ts';
import { deriveBankFromPlatform } from '../../src/lib/server/question-bank/derive.ts';
import { exportBankXlsx, importQuestionsXlsx, saveQuestion } from '../../src/lib/server/question-bank/edit.ts';
import { getQuestionDetail, listVisibleBanks } from '../../src/lib/server/question-bank/bank.query.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { DEFAULT_MAX_ROWS, exportQuestionsXlsx } from '../../src/lib/server/question-bank/excel.ts';
import type { Question } from '../../src/lib/question-bank/schema.ts';

const NOW = new Date('2026-12-04T02:00:00Z');
const SOURCE = 'aqsc-law-2021';

/** Every question of a bank at its current version, by code, with the version's content. */
async function snapshot(db: Db, bankCode: string) {
	const rows = await db
		.selectFrom('qb_questions as q')
		.innerJoin('qb_banks as b', 'b.id', 'q.bank_id')
		.innerJoin('qb_question_versions as v', (j) => j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'))
		.select(['q.id', 'q.code', 'q.status', 'q.current_version', 'q.difficulty', 'q.knowledge_code', 'q.review_status', 'q.derived_from_question_id', 'q.derived_from_version', 'v.content', 'v.origin'])
		.where('b.code', '=', bankCode)
		.orderBy('q.code')
		.execute();
	return rows;
}

async function knowledgeOf(db: Db, bankCode: string) {
	return db
		.selectFrom('qb_knowledge_points as k')
		.innerJoin('qb_banks as b', 'b.id', 'k.bank_id')
		.select(['k.code', 'k.name', 'k.parent_code'])
		.where('b.code', '=', bankCode)
		.orderBy('k.sort')
		.execute();
}

describe.each(BACKENDS)('bank derived from a platform bank (%s)', (backend) => {
	let t: TestDatabase;
	let db: Db;
	let orgA: number;
	let orgB: number;
	let adminA: number;
	let adminB: number;
	const actorA = () => ({ userId: adminA, role: 'institution_admin', orgId: orgA, ip: '10.0.0.1', now: NOW });
	const actorB = () => ({ userId: adminB, role: 'institution_admin', orgId: orgB, ip: '10.0.0.2', now: NOW });

	beforeAll(async () => {
		t = await createTestDatabase(backend);
		db = t.db;
		await syncRepositoryBanks(db, 'question-banks', NOW);
		orgA = await makeOrg(db, 'institution');
		orgB = await makeOrg(db, 'institution');
		adminA = (await makeUser(db, { role: 'institution_admin', orgId: orgA })).id;
		adminB = (await makeUser(db, { role: 'institution_admin', orgId: orgB })).id;
	});
	afterAll(async () => t?.close());

	it('copies every active question with names, versions, citations, difficulty and explanation; platform bank unchanged; audited', async () => {
		// one platform question retired and one at version 2, to prove both are handled
		const platformId = (await db.selectFrom('qb_banks').select('id').where('code', '=', SOURCE).executeTakeFirstOrThrow()).id;
		await db.updateTable('qb_questions').set({ status: 'retired' }).where('bank_id', '=', platformId).where('code', '=', 'aqsc-0003').execute();
		const detail = (await getQuestionDetail(db, platformId, 'aqsc-0002'))!;
		await saveQuestion(db, { id: platformId, code: SOURCE, name: 'x' }, { ...detail.current, stem: `${detail.current.stem}（修订）` }, { userId: adminA, role: 'platform_admin', ip: null, now: NOW }, 'edit');

		const before = await snapshot(db, SOURCE);
		const beforeKnowledge = await knowledgeOf(db, SOURCE);
		const result = await deriveBankFromPlatform(db, { sourceCode: SOURCE, code: 'a-aqsc', name: '本机构安全生产法题库' }, actorA());
		const active = before.filter((q) => q.status === 'active');
		expect(result).toEqual({ ok: true, bankCode: 'a-aqsc', questions: active.length, knowledgePoints: beforeKnowledge.length });

		// platform bank untouched
		expect(await snapshot(db, SOURCE)).toEqual(before);
		expect(await knowledgeOf(db, SOURCE)).toEqual(beforeKnowledge);

		// knowledge points keep their NAMES (not codes) and tree
		const knowledge = await knowledgeOf(db, 'a-aqsc');
		expect(knowledge).toEqual(beforeKnowledge);
		expect(knowledge.find((k) => k.code === 'ch1.principle')!.name).toBe('党的领导、工作方针与工作机制');

		const derived = await snapshot(db, 'a-aqsc');
		expect(derived.map((q) => q.code)).toEqual(active.map((q) => q.code));
		expect(derived.map((q) => q.code)).not.toContain('aqsc-0003');
		for (const q of derived) {
			const src = active.find((s) => s.code === q.code)!;
			expect(q.content).toEqual(src.content); // stem, options, answer, explanation, basis (依据), knowledge, difficulty
			expect([q.difficulty, q.knowledge_code, q.review_status, q.status]).toEqual([src.difficulty, src.knowledge_code, src.review_status, 'active']);
			expect([q.current_version, q.origin]).toEqual([1, 'derived']);
			expect([q.derived_from_question_id, q.derived_from_version]).toEqual([src.id, src.current_version]);
		}
		expect(derived.find((q) => q.code === 'aqsc-0002')!.derived_from_version).toBe(2);

		const bank = await db.selectFrom('qb_banks').selectAll().where('code', '=', 'a-aqsc').executeTakeFirstOrThrow();
		expect([bank.owner_org_id, bank.derived_from_bank_id]).toEqual([orgA, platformId]);
		const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'bank.derive').execute();
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({ actor_user_id: adminA, target: 'bank:a-aqsc' });

		// editable by A, not visible to B
		expect((await listVisibleBanks(db, orgA)).find((b) => b.code === 'a-aqsc')!.editable).toBe(true);
		expect((await listVisibleBanks(db, orgB)).map((b) => b.code)).not.toContain('a-aqsc');
	});

	it('refuses a code already in use (its own, the platform\'s or another institution\'s) and writes nothing', async () => {
		const banks = async () => Number((await db.selectFrom('qb_banks').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
		const n = await banks();
		for (const code of ['a-aqsc', SOURCE]) {
			expect(await deriveBankFromPlatform(db, { sourceCode: SOURCE, code, name: '再来一次' }, actorA())).toEqual({ ok: false, errors: { code: `题库代码“${code}”已被使用，请换一个` } });
		}
		// B cannot derive into A's bank code
		expect(await deriveBankFromPlatform(db, { sourceCode: SOURCE, code: 'a-aqsc', name: 'B 的' }, actorB())).toMatchObject({ ok: false, errors: { code: expect.stringContaining('已被使用') } });
		expect(await banks()).toBe(n);
		expect((await snapshot(db, 'a-aqsc')).every((q) => q.current_version === 1)).toBe(true);
	});

	it('derives only from platform banks: another institution\'s bank or a missing one is refused', async () => {
		expect(await deriveBankFromPlatform(db, { sourceCode: 'a-aqsc', code: 'b-copy', name: 'B 抄 A' }, actorB())).toEqual({ ok: false, errors: { source: '没有这个平台题库' } });
		expect(await deriveBankFromPlatform(db, { sourceCode: 'no-such-bank', code: 'b-copy', name: 'x' }, actorB())).toEqual({ ok: false, errors: { source: '没有这个平台题库' } });
		expect(await db.selectFrom('qb_banks').select('id').where('code', '=', 'b-copy').executeTakeFirst()).toBeUndefined();
	});

	it('a derived question can be edited: a new version in the derived bank only', async () => {
		const bank = await db.selectFrom('qb_banks').select(['id', 'code', 'name']).where('code', '=', 'a-aqsc').executeTakeFirstOrThrow();
		const detail = (await getQuestionDetail(db, bank.id, 'aqsc-0001'))!;
		const r = await saveQuestion(db, bank, { ...detail.current, stem: `${detail.current.stem}（本机构）`, difficulty: 4 }, { userId: adminA, role: 'institution_admin', ip: null, now: NOW }, 'edit');
		expect(r).toEqual({ ok: true, unchanged: false });
		const mine = (await snapshot(db, 'a-aqsc')).find((q) => q.code === 'aqsc-0001')!;
		expect([mine.current_version, mine.difficulty]).toEqual([2, 4]);
		const platform = (await snapshot(db, SOURCE)).find((q) => q.code === 'aqsc-0001')!;
		expect(JSON.stringify(platform.content)).not.toContain('（本机构）');
	});

	it('imports, then re-imports changed, the documented maximum of 10,000 questions in one file (bulk writes)', async () => {
		const make = (i: number, edition: string): Question => ({
			id: `bulk-${String(i).padStart(5, '0')}`,
			type: 'judge',
			stem: `批量题目第${i}号：生产经营单位应当建立安全生产责任制（${edition}）`,
			answer: true,
			explanation: `安全生产法第四条规定了全员安全生产责任制${edition}`,
			basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第四条' }],
			knowledge: 'k1',
			difficulty: 2
		});
		const actor = { userId: adminA, role: 'institution_admin', ip: null, now: NOW };
		const first = await exportQuestionsXlsx({ code: 'a-bulk', name: '批量' }, Array.from({ length: DEFAULT_MAX_ROWS }, (_, i) => make(i, '初版')), new Map([['k1', '责任制']]));
		const created = await importQuestionsXlsx(db, { data: first, ownerOrgId: orgA, bank: null, create: { code: 'a-bulk', name: '批量' } }, actor);
		expect(created).toMatchObject({ ok: true, added: DEFAULT_MAX_ROWS });
		const bank = await db.selectFrom('qb_banks').select(['id', 'code', 'name']).where('code', '=', 'a-bulk').executeTakeFirstOrThrow();
		const second = await exportQuestionsXlsx(bank, Array.from({ length: DEFAULT_MAX_ROWS }, (_, i) => make(i, '修订版')));
		const started = performance.now();
		const changed = await importQuestionsXlsx(db, { data: second, ownerOrgId: orgA, bank }, actor);
		console.log(`[${backend}] re-import of ${DEFAULT_MAX_ROWS} changed questions: ${Math.round(performance.now() - started)} ms`);
		expect(changed).toMatchObject({ ok: true, added: 0, changed: DEFAULT_MAX_ROWS, unchanged: 0 });
		const rows = await snapshot(db, 'a-bulk');
		expect(rows).toHaveLength(DEFAULT_MAX_ROWS);
		expect(rows.every((q) => q.current_version === 2 && q.origin === 'excel' && JSON.stringify(q.content).includes('修订版'))).toBe(true);
		const versions = await db.selectFrom('qb_question_versions as v').innerJoin('qb_questions as q', 'q.id', 'v.question_id').select((eb) => eb.fn.countAll().as('n')).where('q.bank_id', '=', bank.id).executeTakeFirstOrThrow();
		expect(Number(versions.n)).toBe(2 * DEFAULT_MAX_ROWS);
		// a search finds the new text (search_text was updated with the version)
		expect(await db.selectFrom('qb_questions').select('id').where('bank_id', '=', bank.id).where('search_text', 'like', '%修订版%').execute()).toHaveLength(DEFAULT_MAX_ROWS);
	}, 180_000);

	it('a derived question shows its platform question and version, and says when the platform question changed', async () => {
		const mine = await db.selectFrom('qb_banks').select('id').where('code', '=', 'a-aqsc').executeTakeFirstOrThrow();
		const platform = await db.selectFrom('qb_banks').select(['id', 'code', 'name']).where('code', '=', SOURCE).executeTakeFirstOrThrow();
		expect((await getQuestionDetail(db, mine.id, 'aqsc-0004'))!.derivedFrom).toMatchObject({ bankCode: SOURCE, code: 'aqsc-0004', version: 1, platformVersion: 1, platformChanged: false });
		expect((await getQuestionDetail(db, platform.id, 'aqsc-0004'))!.derivedFrom).toBeNull();
		const upstream = (await getQuestionDetail(db, platform.id, 'aqsc-0004'))!;
		await saveQuestion(db, platform, { ...upstream.current, explanation: `${upstream.current.explanation}（平台更新）` }, { userId: adminA, role: 'platform_admin', ip: null, now: NOW }, 'edit');
		expect((await getQuestionDetail(db, mine.id, 'aqsc-0004'))!.derivedFrom).toMatchObject({ version: 1, platformVersion: 2, platformChanged: true });
	});

	it('Excel export → import as a new bank keeps knowledge-point names', async () => {
		const bank = await db.selectFrom('qb_banks').select(['id', 'code', 'name']).where('code', '=', SOURCE).executeTakeFirstOrThrow();
		const data = await exportBankXlsx(db, bank);
		const r = await importQuestionsXlsx(db, { data, ownerOrgId: orgB, bank: null, create: { code: 'b-from-excel', name: '导入副本' } }, { userId: adminB, role: 'institution_admin', ip: null, now: NOW });
		expect(r).toMatchObject({ ok: true, bankCode: 'b-from-excel' });
		const used = new Set((await snapshot(db, SOURCE)).filter((q) => q.status === 'active').map((q) => q.knowledge_code));
		const platformNames = new Map((await knowledgeOf(db, SOURCE)).map((k) => [k.code, k.name]));
		const imported = await knowledgeOf(db, 'b-from-excel');
		expect(imported.map((k) => k.code).sort()).toEqual([...used].sort());
		for (const k of imported) expect(k.name, k.code).toBe(platformNames.get(k.code));
		expect(imported.find((k) => k.code === 'ch1.principle')!.name).toBe('党的领导、工作方针与工作机制');
	});
});
