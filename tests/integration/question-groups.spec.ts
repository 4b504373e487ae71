import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg } from '../support/factories.ts';
import { makePerson } from '../support/study-factories.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { syncRepositoryBanks } from '../../src/lib/server/question-bank/sync.ts';
import { setEmpiricalDifficulties } from '../../src/lib/server/question-bank/bank.repository.ts';
import { listVisibleBanks, usableCounts } from '../../src/lib/server/question-bank/bank.query.ts';
import { findAttempt, getPaperSlots, loadPool } from '../../src/lib/server/exams/exam.repository.ts';
import { createPaper } from '../../src/lib/server/exams/paper-service.ts';
import { loadAttemptForCandidate, submitAttempt } from '../../src/lib/server/exams/attempt-service.ts';
import { getAttemptResult } from '../../src/lib/server/exams/result.query.ts';
import { startChapterPractice } from '../../src/lib/server/practice/practice-service.ts';
import { sectionAccepts, type Blueprint } from '../../src/lib/server/question-engine/blueprint.ts';

// Issue 14 against a real database: case groups and duplicate groups from the bank files,
// papers and practice keeping cases whole, usable counts, a retired question in a past attempt.

const NOW = new Date('2026-12-05T02:00:00Z');
const FIXTURES = 'tests/fixtures/banks-giveaway';
const client = { clientId: 'groups-tab', ip: '10.0.0.8', userAgent: 'vitest' };

function fixtureRoot(): string {
	const dir = mkdtempSync(join(tmpdir(), 'anxun-groups-'));
	for (const d of ['sources', 'clean', 'g-dup-a', 'g-dup-b']) cpSync(join(FIXTURES, d), join(dir, d), { recursive: true });
	return dir;
}

const blueprint = (counts: [number, number, number]): Blueprint => {
	const sections = (['single', 'multiple', 'judge'] as const).map((type, i) => ({ type, count: counts[i] as number, points: 1 })).filter((s) => s.count > 0);
	const total = sections.reduce((s, x) => s + x.count, 0);
	return { sections, multipleScoring: 'all_or_nothing', durationMinutes: 60, totalPoints: total, passMark: total, shuffleQuestions: 'across_sections', shuffleOptions: true };
};

describe.each(BACKENDS)('question groups (%s)', (backend) => {
	let t: TestDatabase;
	let db: Db;
	let root: string;
	const bankId = async (code: string) => (await db.selectFrom('qb_banks').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
	const questionId = async (code: string) => (await db.selectFrom('qb_questions').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;

	beforeAll(async () => {
		t = await createTestDatabase(backend);
		db = t.db;
		root = fixtureRoot();
		await syncRepositoryBanks(db, root, NOW);
	});
	afterAll(async () => t?.close());

	it('stores a case member with its case scenario in the version, and the group columns', async () => {
		const row = await db
			.selectFrom('qb_questions as q')
			.innerJoin('qb_question_versions as v', (j) => j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'))
			.select(['q.case_code', 'q.same_fact', 'q.stem_key', 'v.content'])
			.where('q.code', '=', 'clean-0002')
			.executeTakeFirstOrThrow();
		expect(row.case_code).toBe('fx-case-01');
		const content = row.content as { case: string; case_title: string; case_scenario: string };
		expect(content.case).toBe('fx-case-01');
		expect(content.case_title).toBe('某厂受限空间作业');
		expect([...content.case_scenario].length).toBe(120);
		const fact = await db.selectFrom('qb_questions').select(['same_fact', 'stem_key']).where('code', '=', 'gdupa-0003').executeTakeFirstOrThrow();
		expect(fact.same_fact).toBe('fx-fact');
		expect(fact.stem_key).toMatch(/^\S{30}$/);
		// a second import changes nothing (the new fields are part of the content hash, stably)
		const again = await syncRepositoryBanks(db, root, NOW);
		for (const r of Object.values(again)) expect(r).toMatchObject({ added: 0, changed: 0, retired: 0 });
	});

	it('the pool groups duplicates across banks (same normalised stem, declared same_fact) and cases by bank', async () => {
		const pool = await loadPool(db, [await bankId('g-dup-a'), await bankId('g-dup-b'), await bankId('clean')], NOW);
		const by = new Map(pool.map((p) => [p.questionId, p]));
		const item = async (code: string) => by.get(String(await questionId(code)))!;
		expect((await item('gdupa-0001')).duplicateGroup).toBeDefined();
		expect((await item('gdupa-0001')).duplicateGroup).toBe((await item('gdupb-0001')).duplicateGroup);
		expect((await item('gdupa-0003')).duplicateGroup).toBe((await item('gdupb-0003')).duplicateGroup);
		// near-duplicates without a declaration are a banks:check error, not a draw-time group
		expect((await item('gdupa-0002')).duplicateGroup).toBeUndefined();
		const members = pool.filter((p) => p.caseKey);
		expect(members).toHaveLength(3);
		expect(new Set(members.map((m) => m.caseKey)).size).toBe(1);
	});

	it('papers never hold two of a duplicate group and keep the case whole and consecutive', async () => {
		const banks = [await bankId('g-dup-a'), await bankId('g-dup-b'), await bankId('clean')];
		const pool = await loadPool(db, banks, NOW);
		const caseIds = new Set(pool.filter((p) => p.caseKey).map((p) => p.questionId));
		let withCase = 0;
		for (let i = 0; i < 12; i++) {
			const paperId = await createPaper(db, { sessionId: null, blueprintId: null, bankIds: banks, blueprint: blueprint([10, 5, 20]), seed: `groups-${i}`, now: NOW });
			const slots = await getPaperSlots(db, paperId);
			const ids = slots.map((s) => s.questionId);
			const groups = ids.map((id) => pool.find((p) => p.questionId === id)?.duplicateGroup).filter(Boolean);
			expect(new Set(groups).size).toBe(groups.length);
			const at = ids.map((id, k) => (caseIds.has(id) ? k : -1)).filter((k) => k >= 0);
			if (at.length) {
				withCase++;
				expect(at).toHaveLength(3);
				expect(at[2]! - at[0]!).toBe(2);
			}
		}
		expect(withCase).toBeGreaterThan(0);
	});

	it('practice shows the scenario once above its case; a retired case question still renders in the past attempt', async () => {
		const enterprise = await makeOrg(db, 'enterprise');
		const learner = await makePerson(db, enterprise, { role: 'frontline' });
		const clean = await bankId('clean');
		// 50 of the bank's 60 questions: the case is in most draws; try a few papers until it is
		let attemptId = 0;
		let view: Awaited<ReturnType<typeof loadAttemptForCandidate>> = null;
		for (let k = 0; k < 6; k++) {
			const started = await startChapterPractice(db, { personId: learner, bankId: clean, knowledge: null, count: 50 }, new Date(NOW.getTime() + k * 1000));
			expect(started.ok).toBe(true);
			attemptId = (started as { attemptId: number }).attemptId;
			view = await loadAttemptForCandidate(db, attemptId, learner, client, NOW);
			if (view?.status === 'in_progress' && view.questions.some((q) => q.case)) break;
		}
		if (!view || view.status !== 'in_progress') throw new Error('practice attempt not in progress');
		const withCase = view.questions.map((q, i) => ({ q, i })).filter(({ q }) => q.case);
		expect(withCase).toHaveLength(3);
		expect(withCase.map(({ i }) => i)).toEqual([withCase[0]!.i, withCase[0]!.i + 1, withCase[0]!.i + 2]);
		expect(withCase.map(({ q }) => q.case!.first)).toEqual([true, false, false]);
		expect(withCase[0]!.q.case).toMatchObject({ title: '某厂受限空间作业', from: withCase[0]!.i + 1, to: withCase[0]!.i + 3 });
		await submitAttempt(db, { attemptId, personId: learner, client, answers: [], events: [] }, new Date(NOW.getTime() + 60_000));

		// retire clean-0002 (a case member) by removing it from the file
		const file = join(root, 'clean/questions/main.yaml');
		const text = readFileSync(file, 'utf8');
		const without = text.replace(/- id: clean-0002\n(?: {2}.*\n)+/, '');
		expect(without).not.toBe(text);
		writeFileSync(file, without);
		const summary = await syncRepositoryBanks(db, root, new Date(NOW.getTime() + 120_000));
		expect(summary.clean?.retired).toBe(1);
		expect((await db.selectFrom('qb_questions').select('status').where('code', '=', 'clean-0002').executeTakeFirstOrThrow()).status).toBe('retired');

		const result = await getAttemptResult(db, attemptId, learner, new Date(NOW.getTime() + 180_000));
		expect(result?.show).toBe('review');
		const retiredId = String(await questionId('clean-0002'));
		const slots = await getPaperSlots(db, (await findAttempt(db, attemptId))!.paper_id);
		const slot = slots.find((s) => s.questionId === retiredId)!;
		const item = result!.review.find((r) => r.slot === slot.slot)!;
		const stem = (await db.selectFrom('qb_question_versions').select('content').where('question_id', '=', Number(retiredId)).executeTakeFirstOrThrow()).content as { stem: string; explanation: string };
		expect(item.stem).toBe(stem.stem);
		expect(item.explanation).toBe(stem.explanation);
		expect(item.options.length).toBe(4);
		const firstOfCase = result!.review.find((r) => r.case?.first);
		expect(firstOfCase?.case?.scenario).toBeTruthy();
		expect(result!.review.filter((r) => r.case)).toHaveLength(3);
		// and the retired question is no longer drawn
		expect((await loadPool(db, [clean], NOW)).some((p) => p.questionId === retiredId)).toBe(false);
	});

	it('usable counts: active, not 待复核, every source in force today — a lapsed source drops out before any re-import', async () => {
		const clean = await bankId('clean');
		const active = await db.selectFrom('qb_questions').select((eb) => eb.fn.countAll<number>().as('n')).where('bank_id', '=', clean).where('status', '=', 'active').executeTakeFirstOrThrow();
		const counts = await usableCounts(db, [clean], NOW);
		expect(counts.get(clean)?.usable).toBe(Number(active.n));
		expect(counts.get(clean)?.cases).toBe(1);
		const listed = (await listVisibleBanks(db, await makeOrg(db, 'institution'), NOW)).find((b) => b.id === clean);
		expect(listed).toMatchObject({ usable: Number(active.n), cases: 1 });
		// 待复核 is out
		const one = await questionId('clean-0005');
		await db.updateTable('qb_questions').set({ review_status: 'pending_review' }).where('id', '=', one).execute();
		expect((await usableCounts(db, [clean], NOW)).get(clean)?.usable).toBe(Number(active.n) - 1);
		await db.updateTable('qb_questions').set({ review_status: 'ok' }).where('id', '=', one).execute();
		// the source lapses: nothing of the bank is usable on a later day, still all on the day before
		await db.updateTable('qb_sources').set({ effective_to: '2026-12-10' }).where('id', '=', 'fixture-law').execute();
		expect((await usableCounts(db, [clean], NOW)).get(clean)?.usable).toBe(Number(active.n));
		const later = new Date('2026-12-11T02:00:00Z');
		expect((await usableCounts(db, [clean], later)).get(clean)).toBeUndefined();
		expect(await loadPool(db, [clean], later)).toEqual([]);
		await db.updateTable('qb_sources').set({ effective_to: null }).where('id', '=', 'fixture-law').execute();
	});

	it('empirical difficulty feeds sections that select on it', async () => {
		const clean = await bankId('clean');
		const id = await questionId('clean-0006');
		await setEmpiricalDifficulties(db, [{ questionId: id, difficulty: 5, responses: 40 }]);
		const item = (await loadPool(db, [clean], NOW)).find((p) => p.questionId === String(id))!;
		expect(item).toMatchObject({ difficulty: 2, empiricalDifficulty: 5 });
		const section = { type: 'single' as const, count: 1, points: 1, difficulty: [5, 5] as [number, number] };
		expect(sectionAccepts(section, item)).toBe(false);
		expect(sectionAccepts({ ...section, difficultyBasis: 'empirical' }, item)).toBe(true);
	});
});
