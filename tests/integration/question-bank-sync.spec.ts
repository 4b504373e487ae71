import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { syncRepositoryBanks } from '../../src/lib/server/question-bank/sync.ts';
import { loadBanks } from '../../src/lib/server/question-bank/files.ts';

const NOW = new Date('2026-11-26T08:00:00Z');

function copyBanks(): string {
	const dir = mkdtempSync(join(tmpdir(), 'anxun-qb-'));
	cpSync('question-banks', dir, { recursive: true });
	return dir;
}

async function versionCount(t: TestDatabase) {
	const r = await t.db.selectFrom('qb_question_versions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
	return Number(r.n);
}

describe.each(BACKENDS)('question bank sync (%s)', (backend) => {
	let t: TestDatabase;
	const total = loadBanks('question-banks').banks.reduce((s, b) => s + b.questions.length, 0);
	beforeAll(async () => {
		t = await createTestDatabase(backend);
	});
	afterAll(async () => t?.close());

	it('imports the repository banks, then a second run changes nothing', async () => {
		const first = await syncRepositoryBanks(t.db, 'question-banks', NOW);
		expect(Object.values(first).reduce((s, r) => s + r.added, 0)).toBe(total);
		expect(await versionCount(t)).toBe(total);
		const second = await syncRepositoryBanks(t.db, 'question-banks', NOW);
		for (const r of Object.values(second)) expect(r).toMatchObject({ added: 0, changed: 0, retired: 0 });
		expect(await versionCount(t)).toBe(total);
	});

	it('questions citing a superseded source (化工 2017 → AQ 3067—2026) start as 待复核', async () => {
		const rows = await t.db
			.selectFrom('qb_questions as q')
			.innerJoin('qb_question_versions as v', (j) => j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'))
			.select(['q.code', 'q.review_status', 'q.review_reason', 'v.content'])
			.execute();
		const citing = rows.filter((r) => JSON.stringify(r.content).includes('huagong-he-weixian-huaxuepin-zhongda-yinhuan-panding-biaozhun-2017'));
		expect(citing.length).toBeGreaterThan(10);
		for (const r of citing) {
			expect(r.review_status, r.code).toBe('pending_review');
			expect(r.review_reason).toContain('AQ 3067');
		}
		const law = rows.find((r) => r.code === 'aqsc-0001')!;
		expect(law.review_status).toBe('ok');
	});

	it('a changed question becomes a new version; a removed one is retired, never deleted', async () => {
		const dir = copyBanks();
		const file = join(dir, 'aqsc-law-2021/questions/ch1-general.yaml');
		const text = readFileSync(file, 'utf8');
		const doc = text.replace(/(- id: aqsc-0002\n(?:.*\n)*?\s+stem: )(.*)/, (_m, head, stem) => `${head}${stem}（修订）`);
		expect(doc).not.toBe(text);
		// drop aqsc-0003 entirely
		const without = doc.replace(/\n {2}- id: aqsc-0003\n(?:(?!\n {2}- id: ).*\n?)*/, '\n');
		writeFileSync(file, without);
		const r = await syncRepositoryBanks(t.db, dir, NOW);
		expect(r['aqsc-law-2021']).toMatchObject({ added: 0, changed: 1, retired: 1 });
		const q2 = await t.db.selectFrom('qb_questions').selectAll().where('code', '=', 'aqsc-0002').executeTakeFirstOrThrow();
		expect(q2.current_version).toBe(2);
		const versions = await t.db.selectFrom('qb_question_versions').select(['version', 'content']).where('question_id', '=', q2.id).orderBy('version').execute();
		expect(versions.map((v) => v.version)).toEqual([1, 2]);
		expect(JSON.stringify(versions[1]!.content)).toContain('（修订）');
		const q3 = await t.db.selectFrom('qb_questions').selectAll().where('code', '=', 'aqsc-0003').executeTakeFirstOrThrow();
		expect(q3.status).toBe('retired');
		expect(await t.db.selectFrom('qb_question_versions').select('version').where('question_id', '=', q3.id).execute()).toHaveLength(1);
		// back to the original files: aqsc-0002 gets a third version, aqsc-0003 is restored
		const back = await syncRepositoryBanks(t.db, 'question-banks', NOW);
		expect(back['aqsc-law-2021']).toMatchObject({ changed: 1, restored: 1 });
	});

	it('when a cited article\'s text changes, its questions are flagged 待复核', async () => {
		const dir = copyBanks();
		const src = join(dir, 'sources/anquan-shengchan-fa-2021.md');
		const text = readFileSync(src, 'utf8');
		const changed = text.replace('生产经营单位的主要负责人是本单位安全生产第一责任人', '生产经营单位的主要负责人是本单位安全生产的第一责任人（新版本）');
		expect(changed).not.toBe(text);
		writeFileSync(src, changed);
		const r = await syncRepositoryBanks(t.db, dir, NOW);
		expect(r['aqsc-law-2021']!.flagged).toBeGreaterThan(0);
		const flagged = await t.db.selectFrom('qb_questions').select(['code', 'review_reason']).where('review_status', '=', 'pending_review').where('review_reason', 'like', '%第五条%').execute();
		expect(flagged.length).toBeGreaterThan(0);
		expect(flagged[0]!.review_reason).toContain('引用的条文已更新');
	});

	it('refuses a bank with problems and writes nothing', async () => {
		const dir = copyBanks();
		const file = join(dir, 'hazchem-registration/questions/scope-org.yaml');
		writeFileSync(file, readFileSync(file, 'utf8').replace('id: hz-0002', 'id: hz-0001'));
		const before = await versionCount(t);
		await expect(syncRepositoryBanks(t.db, dir, NOW)).rejects.toThrow(/题号重复/);
		expect(await versionCount(t)).toBe(before);
	});

	it('versions cannot be edited or deleted', async () => {
		await expect(t.db.updateTable('qb_question_versions').set({ content_hash: 'x' }).execute()).rejects.toThrow(/immutable/);
		await expect(t.db.deleteFrom('qb_question_versions').execute()).rejects.toThrow(/immutable/);
	});
});
