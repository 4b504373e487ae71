// Certificate types declare who may hold them (issue 20 item 6): a proposal for the wrong kind of
// person is refused with the reason while the others proceed, and approval checks again because
// the person's category or 操作项目 may change in between.
process.env.ANXUN_KEY_ENCRYPTION_KEY ??= 'a'.repeat(64);
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeCertWorld } from '../support/cert-factories.ts';
import { certificateConfigFromEnv } from '../../src/lib/server/certificates/rules.ts';
import { decideCertificates, listSessionCandidates, proposeCertificates } from '../../src/lib/server/certificates/issue-service.ts';

const config = certificateConfigFromEnv({});
const NOW = new Date('2026-12-01T02:00:00Z');

for (const backend of BACKENDS) {
	describe(`certificate holders (${backend})`, () => {
		let database: TestDatabase;
		beforeAll(async () => {
			database = await createTestDatabase(backend);
		});
		afterAll(async () => database?.close());

		it('refuses a 考核合格证 proposal for a 一线从业人员 with the reason and proposes the others', async () => {
			const db = database.db;
			const w = await makeCertWorld(db, 'principal_or_safety_manager');
			const worker = await w.passedCandidate({ op: null, role: 'frontline', name: '一线工人' });
			const principal = await w.passedCandidate({ op: null, role: 'principal' });
			const manager = await w.passedCandidate({ op: null, role: 'safety_manager' });
			const candidates = new Map((await listSessionCandidates(db, w.session)).map((c) => [c.attempt_id, c.eligibility]));
			expect(candidates.get(worker.attempt)).toMatchObject({ eligible: false, reason: expect.stringContaining('一线从业人员') });
			expect(candidates.get(principal.attempt)).toEqual({ eligible: true, kind: 'safety_knowledge' });

			const r = await proposeCertificates(db, w.actors.institution, w.session, [worker.attempt, principal.attempt, manager.attempt], NOW, config);
			expect(r.done).toHaveLength(2);
			expect(r.skipped).toEqual([{ ref: worker.attempt, reason: expect.stringMatching(/^一线工人：人员类别为“一线从业人员”，安全生产知识和管理能力考核合格证只发给主要负责人、实际控制人、安全生产管理人员（《安全生产培训管理办法》第二十三条/) }]);
			const rows = await db.selectFrom('certificates').select('person_id').where('session_id', '=', w.session).execute();
			expect(rows.map((x) => x.person_id).sort()).toEqual([principal.person, manager.person].sort());
		});

		it('refuses a 特种作业操作证 for a person who is not a 特种作业人员', async () => {
			const db = database.db;
			const w = await makeCertWorld(db, 'special_work');
			const manager = await w.passedCandidate({ op: null, role: 'safety_manager' });
			const r = await proposeCertificates(db, w.actors.institution, w.session, [manager.attempt], NOW, config);
			expect(r.done).toHaveLength(0);
			expect(r.skipped[0]!.reason).toMatch(/^.+：人员类别为“安全生产管理人员”，中华人民共和国特种作业操作证只发给特种作业人员/);
		});

		it('anyone may get a 培训合格证明', async () => {
			const db = database.db;
			const w = await makeCertWorld(db, 'training');
			const worker = await w.passedCandidate({ op: null, role: 'frontline' });
			const r = await proposeCertificates(db, w.actors.institution, w.session, [worker.attempt], NOW, config);
			expect(r.done).toEqual([expect.objectContaining({ status: 'issued' })]);
		});

		it('approval re-checks the category: a person re-registered as 一线从业人员 is refused, the others are issued', async () => {
			const db = database.db;
			const w = await makeCertWorld(db, 'principal_or_safety_manager');
			const a = await w.passedCandidate({ op: null, role: 'principal', name: '改类别' });
			const b = await w.passedCandidate({ op: null, role: 'safety_manager' });
			const p = await proposeCertificates(db, w.actors.institution, w.session, [a.attempt, b.attempt], NOW, config);
			expect(p.done).toHaveLength(2);
			await db.updateTable('persons').set({ role_category: 'frontline' }).where('id', '=', a.person).execute();
			const d = await decideCertificates(db, w.actors.yubei, p.done.map((x) => x.id), 'approve', null, NOW, config);
			expect(d.done).toEqual([expect.objectContaining({ status: 'issued' })]);
			expect(d.skipped).toEqual([{ ref: p.done[0]!.id, reason: expect.stringContaining('改类别：人员类别为“一线从业人员”') }]);
			const left = await db.selectFrom('certificates').select(['status', 'number']).where('id', '=', p.done[0]!.id).executeTakeFirstOrThrow();
			expect(left).toEqual({ status: 'proposed', number: null });
		});

		it('approval re-checks the 操作项目 of a 特种作业操作证', async () => {
			const db = database.db;
			const w = await makeCertWorld(db, 'special_work');
			const a = await w.passedCandidate({ op: '1.2' });
			const p = await proposeCertificates(db, w.actors.institution, w.session, [a.attempt], NOW, config);
			await db.updateTable('persons').set({ special_operation_code: '1.1' }).where('id', '=', a.person).execute();
			const d = await decideCertificates(db, w.actors.yubei, [p.done[0]!.id], 'approve', null, NOW, config);
			expect(d.done).toHaveLength(0);
			expect(d.skipped[0]!.reason).toContain('申请的操作项目（1.2）与人员登记的操作项目（1.1）不一致');
		});
	});
}
