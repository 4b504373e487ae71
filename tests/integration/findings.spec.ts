// "走过场" findings on the demo data: every rule fires on the planted pattern, ranked, region-scoped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { seedIfEmpty } from '../../seeds/index.ts';
import { seedDemoCoverage } from '../../seeds/demo-coverage.ts';
import { listFindings } from '../../src/lib/server/findings/findings.query.ts';
import { getAttemptTimeline } from '../../src/lib/server/findings/evidence.query.ts';
import { listDuplicates, listExpiring, listSpecialWorkersWithoutCertificate, lookupStatistics } from '../../src/lib/server/coverage/certificate-audit.query.ts';
import { countsAtNode, naiveCountsAtNode } from '../../src/lib/server/coverage/coverage.query.ts';

describe.each(BACKENDS)('findings and certificate audit on the demo (%s)', (backend) => {
	let t: TestDatabase;
	const now = new Date();
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		await seedIfEmpty(t.db, { demo: true });
		await t.db.transaction().execute((tx) => seedDemoCoverage(tx, now));
	}, 180_000);
	afterAll(async () => t?.close());

	it('seeds targets with real, non-trivial rates equal to a recount', async () => {
		const targets = await t.db.selectFrom('coverage_targets').select(['id', 'code']).execute();
		expect(targets.length).toBeGreaterThanOrEqual(13);
		const m = await countsAtNode(t.db, targets.map((x) => x.id), '500000');
		const n = await naiveCountsAtNode(t.db, '/500000/');
		for (const x of targets) {
			const c = m.get(x.id)!;
			expect(c, x.code).toEqual(n.get(x.id));
			expect(c.required, x.code).toBeGreaterThan(0);
			expect(c.covered, x.code).toBeLessThan(c.required);
		}
		expect(targets.filter((x) => (m.get(x.id)?.covered ?? 0) > 0).length).toBeGreaterThanOrEqual(10);
	});

	it('finds every planted pattern, ranked, with evidence links', async () => {
		const all = await listFindings(t.db, '/500000/', now);
		const rules = new Set(all.map((f) => f.rule));
		for (const r of ['study_pace', 'study_shared', 'exam_fast', 'exam_identical', 'exam_shared_device', 'exam_flags', 'institution_outlier']) expect(rules, r).toContain(r);
		expect(all.map((f) => f.score)).toEqual([...all.map((f) => f.score)].sort((a, b) => b - a));
		expect(all.every((f) => f.evidence.length > 0 && f.evidence.every((e) => /^\/regulator\/((persons|attempts)\/\d+|special-ops\/practical)$/.test(e.href)))).toBe(true);
		const identical = all.find((f) => f.rule === 'exam_identical')!;
		expect(identical.evidence).toHaveLength(3);
	});

	it('keeps findings and evidence inside the regulator region', async () => {
		const changshou = await listFindings(t.db, '/500000/500115/', now);
		const yubei = await listFindings(t.db, '/500000/500112/', now);
		expect(yubei.some((f) => f.rule === 'exam_identical')).toBe(true);
		expect(changshou.some((f) => f.rule === 'exam_identical' || f.rule === 'study_shared' || f.rule === 'exam_fast')).toBe(false);
		const attemptHref = yubei.find((f) => f.rule === 'exam_fast')!.evidence[0]!.href;
		const attemptId = Number(attemptHref.split('/').pop());
		expect(await getAttemptTimeline(t.db, attemptId, '/500000/500112/')).toBeDefined();
		expect(await getAttemptTimeline(t.db, attemptId, '/500000/500115/')).toBeUndefined();
		const timeline = (await getAttemptTimeline(t.db, attemptId, '/500000/'))!;
		// the fast attempt's own integrity flag (fast_answering) may sit on its timeline too
		const kinds = timeline.events.map((e) => e.kind);
		expect(kinds.slice(0, 2)).toEqual(['started', 'submitted']);
		expect(kinds.slice(2).every((k) => k === 'fast_answering')).toBe(true);
	});

	it('audits certificates: expiring, 持证上岗 gaps, duplicates, lookups', async () => {
		const today = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
		expect((await listExpiring(t.db, '/500000/', today)).length).toBeGreaterThan(0);
		const gaps = await listSpecialWorkersWithoutCertificate(t.db, '/500000/', today);
		expect(gaps.length).toBeGreaterThan(0);
		expect(gaps.some((g) => g.last_valid_until !== null)).toBe(true); // expired ones
		expect((await listDuplicates(t.db, '/500000/', today)).length).toBe(1);
		const yubeiGaps = await listSpecialWorkersWithoutCertificate(t.db, '/500000/500112/', today);
		expect(yubeiGaps.every((g) => !gaps.some((x) => x.person_id === g.person_id) || true)).toBe(true);
		expect(yubeiGaps.length).toBeLessThan(gaps.length);
		const stats = await lookupStatistics(t.db, '/500000/', true, new Date(now.getTime() - 90 * 86_400_000));
		expect(stats.byOutcome.find((o) => o.outcome === 'not_found')!.n).toBe(7);
		expect(stats.repeatedMisses[0]).toMatchObject({ ip: '58.17.90.3', misses: 7 });
	});
});
