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
import { SYSTEM_ACTOR } from '../../src/lib/server/audit/actor.ts';
import { DEFAULT_MAX_ROWS, exportQuestionsXlsx } from '../../src/lib/server/question-bank/excel.ts';
import type { Question, StoredQuestion } from '../../src/lib/question-bank/schema.ts';
import { loadPool } from '../../src/lib/server/exams/exam.repository.ts';
import ExcelJS from 'exceljs';
import { GROUP_COLUMNS, QUESTION_COLUMNS } from '../../src/lib/server/question-bank/excel.ts';

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
	const actorA = () => ({ userId: adminA, role: 'institution_admin', orgId: orgA, personId: null, ip: '10.0.0.1' });
	const actorB = () => ({ userId: adminB, role: 'institution_admin', orgId: orgB, personId: null, ip: '10.0.0.2' });

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
		await saveQuestion(db, { id: platformId, code: SOURCE, name: 'x' }, { ...detail.current, stem: `${detail.current.stem}（修订）` }, { ...SYSTEM_ACTOR, userId: adminA, role: 'platform_admin' }, 'edit', NOW);

		const before = await snapshot(db, SOURCE);
		const beforeKnowledge = await knowledgeOf(db, SOURCE);
		const result = await deriveBankFromPlatform(db, { sourceCode: SOURCE, code: 'a-aqsc', name: '本机构安全生产法题库' }, actorA(), NOW);
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
			expect(await deriveBankFromPlatform(db, { sourceCode: SOURCE, code, name: '再来一次' }, actorA(), NOW)).toEqual({ ok: false, errors: { code: `题库代码“${code}”已被使用，请换一个` } });
		}
		// B cannot derive into A's bank code
		expect(await deriveBankFromPlatform(db, { sourceCode: SOURCE, code: 'a-aqsc', name: 'B 的' }, actorB(), NOW)).toMatchObject({ ok: false, errors: { code: expect.stringContaining('已被使用') } });
		expect(await banks()).toBe(n);
		expect((await snapshot(db, 'a-aqsc')).every((q) => q.current_version === 1)).toBe(true);
	});

	it('derives only from platform banks: another institution\'s bank or a missing one is refused', async () => {
		expect(await deriveBankFromPlatform(db, { sourceCode: 'a-aqsc', code: 'b-copy', name: 'B 抄 A' }, actorB(), NOW)).toEqual({ ok: false, errors: { source: '没有这个平台题库' } });
		expect(await deriveBankFromPlatform(db, { sourceCode: 'no-such-bank', code: 'b-copy', name: 'x' }, actorB(), NOW)).toEqual({ ok: false, errors: { source: '没有这个平台题库' } });
		expect(await db.selectFrom('qb_banks').select('id').where('code', '=', 'b-copy').executeTakeFirst()).toBeUndefined();
	});

	it('a derived question can be edited: a new version in the derived bank only', async () => {
		const bank = await db.selectFrom('qb_banks').select(['id', 'code', 'name']).where('code', '=', 'a-aqsc').executeTakeFirstOrThrow();
		const detail = (await getQuestionDetail(db, bank.id, 'aqsc-0001'))!;
		const r = await saveQuestion(db, bank, { ...detail.current, stem: `${detail.current.stem}（本机构）`, difficulty: 4 }, { ...SYSTEM_ACTOR, userId: adminA, role: 'institution_admin' }, 'edit', NOW);
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
		const actor = { ...SYSTEM_ACTOR, userId: adminA, role: 'institution_admin' };
		const first = await exportQuestionsXlsx({ code: 'a-bulk', name: '批量' }, Array.from({ length: DEFAULT_MAX_ROWS }, (_, i) => make(i, '初版')), new Map([['k1', '责任制']]));
		const created = await importQuestionsXlsx(db, { data: first, ownerOrgId: orgA, bank: null, create: { code: 'a-bulk', name: '批量' } }, actor, NOW);
		expect(created).toMatchObject({ ok: true, added: DEFAULT_MAX_ROWS });
		const bank = await db.selectFrom('qb_banks').select(['id', 'code', 'name']).where('code', '=', 'a-bulk').executeTakeFirstOrThrow();
		const second = await exportQuestionsXlsx(bank, Array.from({ length: DEFAULT_MAX_ROWS }, (_, i) => make(i, '修订版')));
		const started = performance.now();
		const changed = await importQuestionsXlsx(db, { data: second, ownerOrgId: orgA, bank }, actor, NOW);
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
		await saveQuestion(db, platform, { ...upstream.current, explanation: `${upstream.current.explanation}（平台更新）` }, { ...SYSTEM_ACTOR, userId: adminA, role: 'platform_admin' }, 'edit', NOW);
		expect((await getQuestionDetail(db, mine.id, 'aqsc-0004'))!.derivedFrom).toMatchObject({ version: 1, platformVersion: 2, platformChanged: true });
	});

	it('Excel export → import as a new bank keeps knowledge-point names', async () => {
		const bank = await db.selectFrom('qb_banks').select(['id', 'code', 'name']).where('code', '=', SOURCE).executeTakeFirstOrThrow();
		const data = await exportBankXlsx(db, bank);
		const r = await importQuestionsXlsx(db, { data, ownerOrgId: orgB, bank: null, create: { code: 'b-from-excel', name: '导入副本' } }, { ...SYSTEM_ACTOR, userId: adminB, role: 'institution_admin' }, NOW);
		expect(r).toMatchObject({ ok: true, bankCode: 'b-from-excel' });
		const used = new Set((await snapshot(db, SOURCE)).filter((q) => q.status === 'active').map((q) => q.knowledge_code));
		const platformNames = new Map((await knowledgeOf(db, SOURCE)).map((k) => [k.code, k.name]));
		const imported = await knowledgeOf(db, 'b-from-excel');
		expect(imported.map((k) => k.code).sort()).toEqual([...used].sort());
		for (const k of imported) expect(k.name, k.code).toBe(platformNames.get(k.code));
		expect(imported.find((k) => k.code === 'ch1.principle')!.name).toBe('党的领导、工作方针与工作机制');
	});
	it('Excel export → import as a new bank keeps case groups (with their scenario and order), same_fact and trivia_ok, for every platform bank', async () => {
		const platform = await db.selectFrom('qb_banks').select(['id', 'code', 'name']).where('owner_org_id', 'is', null).orderBy('code').execute();
		expect(platform.length).toBeGreaterThanOrEqual(8);
		let cases = 0;
		let sameFact = 0;
		let trivia = 0;
		for (const bank of platform) {
			const data = await exportBankXlsx(db, bank);
			const code = `rt-${bank.code}`;
			const r = await importQuestionsXlsx(db, { data, ownerOrgId: orgB, bank: null, create: { code, name: `${bank.name}（副本）` } }, { ...SYSTEM_ACTOR, userId: adminB, role: 'institution_admin' }, NOW);
			expect(r, bank.code).toMatchObject({ ok: true, bankCode: code });
			const before = (await snapshot(db, bank.code)).filter((q) => q.status === 'active');
			const after = await snapshot(db, code);
			expect(after.map((q) => q.code)).toEqual(before.map((q) => q.code));
			for (const q of after) {
				const src = before.find((b) => b.code === q.code)!;
				expect(q.content, `${bank.code}/${q.code}`).toEqual(src.content);
			}
			const contents = after.map((q) => q.content as StoredQuestion);
			cases += new Set(contents.filter((q) => q.case).map((q) => q.case)).size;
			sameFact += contents.filter((q) => q.same_fact).length;
			trivia += contents.filter((q) => q.trivia_ok).length;
			// the columns papers are drawn from mirror the content, so a case stays whole in a paper
			const mirrored = await db.selectFrom('qb_questions').select(['code', 'case_code', 'same_fact']).where('bank_id', '=', (await db.selectFrom('qb_banks').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id).orderBy('code').execute();
			expect(mirrored).toEqual(contents.map((q) => ({ code: q.id, case_code: q.case ?? null, same_fact: q.same_fact ?? null })));
			// order within a case: the copy exports its case members in the same order
			const copy = await db.selectFrom('qb_banks').select(['id', 'code', 'name']).where('code', '=', code).executeTakeFirstOrThrow();
			const order = async (b: typeof copy) => {
				const wb = new ExcelJS.Workbook();
				await wb.xlsx.load((await exportBankXlsx(db, b)) as unknown as ArrayBuffer);
				const out: string[] = [];
				wb.getWorksheet('题目')!.eachRow((row, n) => {
					if (n > 1) out.push(`${row.getCell(QUESTION_COLUMNS.indexOf('案例组') + 1).value ?? ''}:${row.getCell(1).value}`);
				});
				return out;
			};
			expect(await order(copy)).toEqual(await order(bank));
			// and papers show a case's members in id order: the same in the copy
			const caseOrder = async (id: number) => {
				const rows = await db.selectFrom('qb_questions').select(['code', 'case_code']).where('bank_id', '=', id).where('status', '=', 'active').where('case_code', 'is not', null).orderBy('id').execute();
				const byCase = new Map<string, string[]>();
				for (const r of rows) byCase.set(r.case_code!, [...(byCase.get(r.case_code!) ?? []), r.code]);
				return [...byCase.entries()].sort(([a], [b]) => a.localeCompare(b));
			};
			expect(await caseOrder(copy.id)).toEqual(await caseOrder(bank.id));
		}
		// the merged banks have case groups, same_fact groups and accepted trivia: the test covers all three
		expect([cases >= 15, sameFact > 0, trivia > 0]).toEqual([true, true, true]);
		const pool = await loadPool(db, [(await db.selectFrom('qb_banks').select('id').where('code', '=', 'rt-aqsc-law-2021').executeTakeFirstOrThrow()).id]);
		expect(pool.filter((p) => p.caseKey?.endsWith(':aqsc-case-01')).length).toBe(3);
	}, 180_000);

	it('a case written in an order other than its codes keeps that order through export and re-import', async () => {
		const actor = { ...SYSTEM_ACTOR, userId: adminB, role: 'institution_admin' };
		const member = (n: number): StoredQuestion => ({
			id: `ord-000${n}`,
			type: 'judge',
			stem: `顺序题${n}：进入有限空间作业前应当先通风、再检测、后作业（第${n}问）。`,
			answer: true,
			explanation: '先通风、再检测、后作业。',
			basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第四条' }],
			knowledge: 'k1',
			difficulty: 2,
			case: 'ord-case-01',
			case_title: '有限空间',
			case_scenario: '某企业安排两名工人清理污水井，现场未配备气体检测仪。'
		});
		const written = [member(3), member(1), member(2)];
		expect(await importQuestionsXlsx(db, { data: await exportQuestionsXlsx({ code: 'b-ord', name: '顺序' }, written), ownerOrgId: orgB, bank: null, create: { code: 'b-ord', name: '顺序' } }, actor, NOW)).toMatchObject({ ok: true, added: 3 });
		const first = await db.selectFrom('qb_banks').select(['id', 'code', 'name']).where('code', '=', 'b-ord').executeTakeFirstOrThrow();
		const again = await exportBankXlsx(db, first);
		expect(await importQuestionsXlsx(db, { data: again, ownerOrgId: orgB, bank: null, create: { code: 'b-ord-2', name: '顺序2' } }, actor, NOW)).toMatchObject({ ok: true, added: 3 });
		const pool = async (code: string) => {
			const id = (await db.selectFrom('qb_banks').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
			return (await db.selectFrom('qb_questions').select('code').where('bank_id', '=', id).orderBy('id').execute()).map((r) => r.code);
		};
		expect(await pool('b-ord')).toEqual(['ord-0003', 'ord-0001', 'ord-0002']);
		expect(await pool('b-ord-2')).toEqual(['ord-0003', 'ord-0001', 'ord-0002']);
	});

	it('import refuses a lone case member and a scenario that drifts from the bank\'s other members of the case, all or nothing', async () => {
		const bank = await db.selectFrom('qb_banks').select(['id', 'code', 'name']).where('code', '=', 'rt-aqsc-law-2021').executeTakeFirstOrThrow();
		const actor = { ...SYSTEM_ACTOR, userId: adminB, role: 'institution_admin' };
		const before = await snapshot(db, bank.code);
		const current = (code: string) => before.find((q) => q.code === code)!.content as StoredQuestion;
		const lone: StoredQuestion = { ...current('aqsc-0001'), id: 'rt-lone-0001', stem: '孤立的案例题：从业人员发现直接危及人身安全的紧急情况时可以怎样做？', case: 'rt-case-99', case_title: '孤案', case_scenario: '某企业发生紧急情况。' };
		const drift: StoredQuestion = { ...current('aqsc-0169'), case_scenario: `${current('aqsc-0169').case_scenario}（改写）` };
		const r = await importQuestionsXlsx(db, { data: await exportQuestionsXlsx(bank, [drift, lone]), ownerOrgId: orgB, bank }, actor, NOW);
		expect(r).toEqual({
			ok: false,
			errors: [
				{ row: 2, column: '案例材料', message: '第2行“案例材料”：题库中案例组“aqsc-case-01”还有不在本文件中的题目 aqsc-0170、aqsc-0171，其案例标题或案例材料与本文件不同；请把这些题目一并放入文件，或使两者一致' },
				{ row: 3, column: '案例组', message: '第3行“案例组”：案例组“rt-case-99”只有 1 道题，一个案例组至少需要 2 道题' }
			]
		});
		expect(await snapshot(db, bank.code)).toEqual(before);

		// moving two of the three members out of the case would leave it with one question
		const out = ['aqsc-0169', 'aqsc-0170'].map((c): StoredQuestion => ({ ...current(c), case: undefined, case_title: undefined, case_scenario: undefined }));
		const moved = await importQuestionsXlsx(db, { data: await exportQuestionsXlsx(bank, out), ownerOrgId: orgB, bank }, actor, NOW);
		expect(moved.ok).toBe(false);
		if (!moved.ok) expect(moved.errors.map((e) => e.message)).toEqual([
			'第2行“案例组”：题目“aqsc-0169”移出案例组“aqsc-case-01”后，该组只剩 1 道题，一个案例组至少需要 2 道题；请一并调整该组的其他题目',
			'第3行“案例组”：题目“aqsc-0170”移出案例组“aqsc-case-01”后，该组只剩 1 道题，一个案例组至少需要 2 道题；请一并调整该组的其他题目'
		]);
		expect(await snapshot(db, bank.code)).toEqual(before);

		// the whole case with the new scenario is accepted: each member gets a new version showing it
		const whole = ['aqsc-0169', 'aqsc-0170', 'aqsc-0171'].map((c) => ({ ...current(c), case_scenario: drift.case_scenario }));
		expect(await importQuestionsXlsx(db, { data: await exportQuestionsXlsx(bank, whole), ownerOrgId: orgB, bank }, actor, NOW)).toMatchObject({ ok: true, added: 0, changed: 3 });
		const after = await snapshot(db, bank.code);
		for (const c of ['aqsc-0169', 'aqsc-0170', 'aqsc-0171']) expect((after.find((q) => q.code === c)!.content as StoredQuestion).case_scenario).toBe(drift.case_scenario);
	});

	it('a file without the group columns (older template) keeps case, same_fact and trivia_ok of the questions it updates', async () => {
		const bank = await db.selectFrom('qb_banks').select(['id', 'code', 'name']).where('code', '=', 'rt-so-welding-cutting').executeTakeFirstOrThrow();
		const before = await snapshot(db, bank.code);
		const withGroups = before.map((q) => q.content as StoredQuestion).filter((q) => q.case || q.same_fact);
		const picked = [withGroups.find((q) => q.case)!, withGroups.find((q) => q.same_fact && !q.case)!];
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await exportQuestionsXlsx(bank, picked.map((q) => ({ ...q, explanation: `${q.explanation}（补充）` })))) as unknown as ArrayBuffer);
		const sheet = wb.getWorksheet('题目')!;
		sheet.spliceColumns(QUESTION_COLUMNS.indexOf(GROUP_COLUMNS[0]) + 1, GROUP_COLUMNS.length);
		expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(QUESTION_COLUMNS.filter((c) => !(GROUP_COLUMNS as readonly string[]).includes(c)));
		const r = await importQuestionsXlsx(db, { data: Buffer.from(await wb.xlsx.writeBuffer()), ownerOrgId: orgB, bank }, { ...SYSTEM_ACTOR, userId: adminB, role: 'institution_admin' }, NOW);
		expect(r).toMatchObject({ ok: true, changed: 2 });
		const after = await snapshot(db, bank.code);
		for (const q of picked) {
			const row = after.find((a) => a.code === q.id)!;
			expect(row.current_version).toBe(2);
			expect(row.content).toEqual({ ...q, explanation: `${q.explanation}（补充）` });
		}
	});
});
