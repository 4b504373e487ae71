// Working through findings: stable keys, groups, append-only decisions (handled / dismissed with a
// reason / 督办 to the enterprise, answered by it), tenancy by region and by enterprise, audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser } from '../support/factories.ts';
import { makePerson } from '../support/study-factories.ts';
import { insertStudyEvents } from '../../src/lib/server/study/study.repository.ts';
import { decideFindings, listFindingGroups, replyToSupervision, type RegulatorActor } from '../../src/lib/server/findings/decision-service.ts';
import { listSupervisionsOf } from '../../src/lib/server/findings/decisions.repository.ts';
import type { Db } from '../../src/lib/server/db/index.ts';

const NOW = new Date('2026-12-04T02:00:00Z');

/** Five hours of uninterrupted, fully credited study with no missed check: the study_pace rule. */
async function studyWithoutPause(db: Db, personId: number) {
	const start = NOW.getTime() - 30 * 86_400_000;
	const beats = Array.from({ length: 600 }, (_, i) => ({
		at: new Date(start + i * 30_000),
		person_id: personId,
		enrolment_id: null,
		lesson_id: null,
		tab_id: 'tab-1',
		kind: 'beat' as const,
		credited_seconds: 30
	}));
	await insertStudyEvents(db, beats);
}

for (const backend of BACKENDS) {
	describe(`finding decisions (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		let enterpriseA: number;
		let enterpriseB: number;
		let city: RegulatorActor;
		let yubei: RegulatorActor;
		let changshou: RegulatorActor;
		let adminA: { id: number };
		let adminB: { id: number };
		const keyOf = (personId: number) => `study_pace:person:${personId}`;
		let a1: number, a2: number, b1: number;

		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			enterpriseA = await makeOrg(db, 'enterprise', '500112', '渝北甲企业');
			enterpriseB = await makeOrg(db, 'enterprise', '500115', '长寿乙企业');
			a1 = await makePerson(db, enterpriseA);
			a2 = await makePerson(db, enterpriseA);
			b1 = await makePerson(db, enterpriseB);
			for (const p of [a1, a2, b1]) await studyWithoutPause(db, p);
			const regulator = async (region: string, path: string): Promise<RegulatorActor> => {
				const orgId = await makeOrg(db, 'regulator', region);
				const user = await makeUser(db, { role: 'regulator', orgId });
				return { userId: user.id, role: 'regulator', orgId, personId: null, regionPath: path, ip: '10.0.0.9' };
			};
			city = await regulator('500000', '/500000/');
			yubei = await regulator('500112', '/500000/500112/');
			changshou = await regulator('500115', '/500000/500115/');
			adminA = await makeUser(db, { role: 'enterprise_admin', orgId: enterpriseA });
			adminB = await makeUser(db, { role: 'enterprise_admin', orgId: enterpriseB });
		});
		afterAll(async () => t?.close());

		it('groups near-identical findings by rule and enterprise, with a count, and keeps each region to its own', async () => {
			const groups = await listFindingGroups(db, city.regionPath, NOW, { rule: 'study_pace', status: 'all' });
			const a = groups.find((g) => g.key === `study_pace:org:${enterpriseA}`)!;
			expect(a.label).toBe('企业：渝北甲企业');
			expect(a.findings.map((f) => f.key).sort()).toEqual([keyOf(a1), keyOf(a2)].sort());
			expect(a.counts).toEqual({ pending: 2 });
			expect(groups.find((g) => g.key === `study_pace:org:${enterpriseB}`)!.findings).toHaveLength(1);
			const own = await listFindingGroups(db, yubei.regionPath, NOW, { rule: 'study_pace', status: 'all' });
			expect(own.map((g) => g.key)).toEqual([`study_pace:org:${enterpriseA}`]);
		});

		it('dismissing requires a reason; a dismissed finding leaves the 待处理 list and keeps its reason', async () => {
			const missing = await decideFindings(db, yubei, { status: 'dismissed', note: '  ', dueOn: null, keys: [keyOf(a1)] }, NOW);
			expect(missing).toEqual({ ok: false, errors: { note: '驳回必须填写原因' } });
			const done = await decideFindings(db, yubei, { status: 'dismissed', note: '该员工为脱产集中培训，已核实', dueOn: null, keys: [keyOf(a1)] }, NOW);
			expect(done).toEqual({ ok: true, decided: 1 });
			const pending = await listFindingGroups(db, yubei.regionPath, NOW, { rule: 'study_pace', status: 'pending' });
			expect(pending.flatMap((g) => g.findings.map((f) => f.key))).toEqual([keyOf(a2)]);
			const dismissed = await listFindingGroups(db, yubei.regionPath, NOW, { rule: 'study_pace', status: 'dismissed' });
			const f = dismissed[0]!.findings[0]!;
			expect(f.key).toBe(keyOf(a1));
			expect(f.history.map((h) => [h.status, h.note])).toEqual([['dismissed', '该员工为脱产集中培训，已核实']]);
			const audit = await db.selectFrom('audit_log').select(['action', 'target', 'actor_user_id']).where('action', '=', 'finding.dismissed').execute();
			expect(audit).toEqual([{ action: 'finding.dismissed', target: `finding:${keyOf(a1)}`, actor_user_id: yubei.userId }]);
		});

		it('should not let a district regulator act on a finding of another region', async () => {
			const result = await decideFindings(db, changshou, { status: 'handled', note: '', dueOn: null, keys: [keyOf(a2)] }, NOW);
			expect(result).toMatchObject({ ok: false, notFound: true });
			const group = await decideFindings(db, changshou, { status: 'handled', note: '', dueOn: null, groupKey: `study_pace:org:${enterpriseA}` }, NOW);
			expect(group).toMatchObject({ ok: false, notFound: true });
			const forged = await decideFindings(db, changshou, { status: 'handled', note: '', dueOn: null, keys: ['study_pace:person:999999'] }, NOW);
			expect(forged).toMatchObject({ ok: false, notFound: true });
			expect(await db.selectFrom('finding_decisions').select('id').where('finding_key', '=', keyOf(a2)).execute()).toHaveLength(0);
		});

		it('督办 needs a requirement and a due date; the enterprise sees only its own, replies 已整改, and the regulator sees the reply', async () => {
			expect(await decideFindings(db, yubei, { status: 'supervised', note: '', dueOn: '2026-12-31', keys: [keyOf(a2)] }, NOW)).toMatchObject({ ok: false, errors: { note: expect.any(String) } });
			expect(await decideFindings(db, yubei, { status: 'supervised', note: '核实学习情况', dueOn: null, keys: [keyOf(a2)] }, NOW)).toMatchObject({ ok: false, errors: { due_on: expect.any(String) } });
			expect(await decideFindings(db, yubei, { status: 'supervised', note: '请核实该员工学习情况并组织补训', dueOn: '2026-12-31', keys: [keyOf(a2)] }, NOW)).toEqual({ ok: true, decided: 1 });

			const mine = await listSupervisionsOf(db, enterpriseA);
			expect(mine).toHaveLength(1);
			expect(mine[0]).toMatchObject({ finding_key: keyOf(a2), status: 'supervised', requirement: '请核实该员工学习情况并组织补训', required_due_on: '2026-12-31' });
			expect(await listSupervisionsOf(db, enterpriseB)).toHaveLength(0);

			// another enterprise cannot answer it; an empty reply is refused
			const asB = { userId: adminB.id, role: 'enterprise_admin', orgId: enterpriseB, personId: null, ip: null };
			expect(await replyToSupervision(db, asB, { key: keyOf(a2), reply: '已整改' }, NOW)).toMatchObject({ ok: false, notFound: true });
			const asA = { userId: adminA.id, role: 'enterprise_admin', orgId: enterpriseA, personId: null, ip: null };
			expect(await replyToSupervision(db, asA, { key: keyOf(a2), reply: ' ' }, NOW)).toMatchObject({ ok: false, errors: { reply: expect.any(String) } });
			// nor a finding that was never sent to it
			expect(await replyToSupervision(db, asA, { key: keyOf(a1), reply: '已整改' }, NOW)).toMatchObject({ ok: false, notFound: true });
			expect(await replyToSupervision(db, asA, { key: keyOf(a2), reply: '已组织补训 8 学时，并约谈当事人' }, NOW)).toEqual({ ok: true, decided: 1 });
			expect(await replyToSupervision(db, asA, { key: keyOf(a2), reply: '再次回复' }, NOW)).toMatchObject({ ok: false });

			const after = await listSupervisionsOf(db, enterpriseA);
			expect(after[0]).toMatchObject({ status: 'rectified', note: '已组织补训 8 学时，并约谈当事人', requirement: '请核实该员工学习情况并组织补训' });
			const seen = await listFindingGroups(db, yubei.regionPath, NOW, { rule: 'study_pace', status: 'rectified' });
			const f = seen[0]!.findings[0]!;
			expect(f.key).toBe(keyOf(a2));
			expect(f.history.map((h) => h.status)).toEqual(['supervised', 'rectified']);
			expect(f.history[1]!.note).toBe('已组织补训 8 学时，并约谈当事人');
			const actions = (await db.selectFrom('audit_log').select('action').where('target', '=', `finding:${keyOf(a2)}`).orderBy('id').execute()).map((r) => r.action);
			expect(actions).toEqual(['finding.supervised', 'finding.rectified']);
		});

		it('a group action decides every 待处理 finding of the group at once, and only those', async () => {
			const groupKey = `study_pace:org:${enterpriseB}`;
			expect(await decideFindings(db, city, { status: 'handled', note: '已约谈企业', dueOn: null, groupKey }, NOW)).toEqual({ ok: true, decided: 1 });
			expect(await decideFindings(db, city, { status: 'handled', note: '', dueOn: null, groupKey }, NOW)).toMatchObject({ ok: false, errors: { form: '这一组没有待处理的线索' } });
			// group A: a1 dismissed, a2 rectified — nothing pending, nothing overwritten
			expect(await decideFindings(db, city, { status: 'handled', note: '', dueOn: null, groupKey: `study_pace:org:${enterpriseA}` }, NOW)).toMatchObject({ ok: false });
			const all = await listFindingGroups(db, city.regionPath, NOW, { rule: 'study_pace', status: 'all' });
			expect(Object.fromEntries(all.flatMap((g) => g.findings.map((f) => [f.key, f.status])))).toEqual({
				[keyOf(a1)]: 'dismissed',
				[keyOf(a2)]: 'rectified',
				[keyOf(b1)]: 'handled'
			});
		});

		it('decisions are append-only', async () => {
			await expect(db.updateTable('finding_decisions').set({ note: 'x' }).execute()).rejects.toThrow(/append-only/);
			await expect(db.deleteFrom('finding_decisions').execute()).rejects.toThrow(/append-only/);
		});
	});
}
