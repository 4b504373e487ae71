// 特种作业 scheduling below HTTP (issue 13, h2): 考试点 rooms, theory and practical sessions with
// room double-booking and capacity checks, assigning accepted applications (seats, stations,
// attempt numbers), 教考分离 (30号令 第六条) in every direction, and the 准考证 PDF's tenancy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser } from '../support/factories.ts';
import { DIYA, HANJIE, makeApplication, makeCentre, makeCohort, makePerson, makeSchedulingWorld, makeSheet } from '../support/special-ops-factories-h2.ts';
import { addRoom, changeRoomCapacity, createCentre } from '../../src/lib/server/special-ops/centre-service.ts';
import { assignToPractical, assignToTheory, schedulePracticalSession, scheduleTheorySession, setPracticalExaminers } from '../../src/lib/server/special-ops/scheduling-service.ts';
import { addCohortTeacher, attachApplications, createCohort } from '../../src/lib/server/special-ops/cohort-service.ts';
import { setSessionExaminers } from '../../src/lib/server/exams/session-service.ts';
import { loadAdmission } from '../../src/lib/server/special-ops/admission.query.ts';
import { renderAdmissionPdf } from '../../src/lib/server/special-ops/admission-pdf.ts';
import { centreSchema, practicalSessionSchema, roomSchema, theorySessionSchema, cohortSchema } from '../../src/lib/schemas/special-ops-scheduling.ts';
import { verifyAuditChain } from '../../src/lib/server/audit/audit.ts';

const NOW = new Date('2026-07-01T01:00:00Z');
const at = (day: string, hhmm: string) => new Date(`2026-07-${day}T${hhmm}:00+08:00`);
const theoryForm = (roomId: number, blueprintId: number, opens: Date, closes: Date, examinerIds: number[] = []) => ({ name: '低压电工理论考试', blueprintId, roomId, opensAt: opens, closesAt: closes, examinerIds });
const practicalForm = (roomId: number, sheet: string, opens: Date, closes: Date, examinerIds: number[]) => ({ name: '低压电工实操考试', roomId, sheet, opensAt: opens, closesAt: closes, examinerIds });

for (const backend of BACKENDS) {
	describe(`特种作业 scheduling (${backend})`, () => {
		let database: TestDatabase;
		beforeAll(async () => {
			database = await createTestDatabase(backend);
		});
		afterAll(async () => database?.close());

		it('refuses bad centre and room input with Chinese messages naming the field', async () => {
			const db = database.db;
			const w = await makeSchedulingWorld(db);
			const bad = centreSchema.safeParse({ name: '', address: 'x'.repeat(201), regionCode: 'abc' });
			expect(bad.success).toBe(false);
			const msgs = bad.error!.issues.map((i) => i.message);
			expect(msgs).toEqual(expect.arrayContaining(['请填写考试点名称', '地址最多200个字符', '请选择所在区域']));
			expect(roomSchema.safeParse({ kind: 'practical', name: '实操一', capacity: '4', specialOperationCode: '' }).error!.issues[0]!.message).toBe('实操室须选择操作项目');
			expect(roomSchema.safeParse({ kind: 'computer', name: '机考一', capacity: '501' }).error!.issues[0]!.message).toBe('座位/工位数最多500');
			expect(roomSchema.safeParse({ kind: 'computer', name: '机考一', capacity: '0' }).error!.issues[0]!.message).toBe('座位/工位数至少为1');
			expect(roomSchema.safeParse({ kind: 'computer', name: '机考一', capacity: '2.5' }).error!.issues[0]!.message).toBe('座位/工位数必须是整数');

			const actor = { ...w.actor, regionPath: '/500000/500112/' };
			expect(await createCentre(db, actor, { name: '外省考点', address: '北京', regionCode: '110105', videoRecording: false }, NOW)).toEqual({ ok: false, errors: { regionCode: '所在区域不存在' } });
			const created = await createCentre(db, actor, { name: '第二考点', address: '渝北区2号', regionCode: '500112', videoRecording: true }, NOW);
			expect(created.ok).toBe(true);
			const centreId = (created as { id: number }).id;
			expect(await addRoom(db, w.actor, centreId, { kind: 'practical', name: '实操二', capacity: 3, specialOperationCode: '9.9.9' }, NOW)).toEqual({ ok: false, errors: { specialOperationCode: '操作项目不存在' } });
			// another institution's centre does not exist for this one
			const other = await makeOrg(db, 'institution');
			const otherAdmin = await makeUser(db, { role: 'institution_admin', orgId: other });
			expect(await addRoom(db, { userId: otherAdmin.id, role: 'institution_admin', orgId: other, personId: null, ip: null }, centreId, { kind: 'computer', name: 'x', capacity: 3, specialOperationCode: '' }, NOW)).toBeNull();
		});

		it('schedules a theory session in a computer room through the exam engine and refuses a double-booked room', async () => {
			const db = database.db;
			const w = await makeSchedulingWorld(db);
			const first = await scheduleTheorySession(db, w.actor, theoryForm(w.computerRoomId, w.blueprintId, at('10', '09:00'), at('10', '11:00')), NOW);
			expect(first.ok).toBe(true);
			const id = (first as { sessionId: number }).sessionId;
			const row = await db.selectFrom('exam_sessions').select(['room_id', 'mode', 'exam_point', 'owner_org_id', 'require_id_check']).where('id', '=', id).executeTakeFirstOrThrow();
			expect(row).toMatchObject({ room_id: w.computerRoomId, mode: 'exam_point', owner_org_id: w.institution, require_id_check: true });
			expect(row.exam_point).toContain('机考室一');

			const overlap = await scheduleTheorySession(db, w.actor, theoryForm(w.computerRoomId, w.blueprintId, at('10', '10:30'), at('10', '12:00')), NOW);
			expect(overlap.ok).toBe(false);
			expect((overlap as { errors: Record<string, string> }).errors.opensAt).toMatch(/机考室一在该时段已安排了“低压电工理论考试”（2026-07-10 09:00 至 2026-07-10 11:00），同一考场的场次时间不能重叠/);
			// back to back is fine; a practical room or another institution's room is not a computer room
			expect((await scheduleTheorySession(db, w.actor, theoryForm(w.computerRoomId, w.blueprintId, at('10', '11:00'), at('10', '12:00')), NOW)).ok).toBe(true);
			expect(await scheduleTheorySession(db, w.actor, theoryForm(w.practicalRoomId, w.blueprintId, at('11', '09:00'), at('11', '10:00')), NOW)).toEqual({ ok: false, errors: { roomId: '机考室不存在' } });
			const other = await makeSchedulingWorld(db);
			expect(await scheduleTheorySession(db, w.actor, theoryForm(other.computerRoomId, w.blueprintId, at('11', '09:00'), at('11', '10:00')), NOW)).toEqual({ ok: false, errors: { roomId: '机考室不存在' } });
			// nothing half-written by the refusals
			expect((await db.selectFrom('exam_sessions').select('id').where('room_id', '=', w.computerRoomId).execute()).length).toBe(2);
			expect(theorySessionSchema.safeParse({ name: 'x', blueprintId: '1', roomId: '1', opensAt: '2026-07-10T11:00', closesAt: '2026-07-10T09:00' }).error!.issues[0]!.message).toBe('结束时间必须晚于开考时间');
			expect(theorySessionSchema.safeParse({ name: 'x', blueprintId: '1', roomId: '1', opensAt: '2026-13-45T11:00', closesAt: '2026-07-10T09:00' }).error!.issues[0]!.message).toContain('开考时间格式不正确');
		});

		it('schedules a practical session for the room’s item and sheet only, with the institution’s examiners, never overlapping', async () => {
			const db = database.db;
			const w = await makeSchedulingWorld(db);
			const weld = await makeSheet(db, 'h2-test-hanjie', HANJIE);
			expect(await schedulePracticalSession(db, w.actor, practicalForm(w.practicalRoomId, weld, at('12', '09:00'), at('12', '12:00'), [w.examinerA.id]), NOW)).toEqual({ ok: false, errors: { sheet: '评分表“测试评分表 h2-test-hanjie”不适用于该实操室的操作项目' } });
			expect(await schedulePracticalSession(db, w.actor, practicalForm(w.practicalRoomId, 'nope@1', at('12', '09:00'), at('12', '12:00'), [w.examinerA.id]), NOW)).toEqual({ ok: false, errors: { sheet: '评分表不存在' } });
			const stranger = await makeUser(db, { role: 'examiner', orgId: await makeOrg(db, 'institution') });
			expect(await schedulePracticalSession(db, w.actor, practicalForm(w.practicalRoomId, w.sheet, at('12', '09:00'), at('12', '12:00'), [stranger.id]), NOW)).toEqual({ ok: false, errors: { examinerIds: '所选人员不是本机构的考评员' } });
			expect(await schedulePracticalSession(db, w.actor, practicalForm(w.computerRoomId, w.sheet, at('12', '09:00'), at('12', '12:00'), [w.examinerA.id]), NOW)).toEqual({ ok: false, errors: { roomId: '实操室不存在' } });
			expect(practicalSessionSchema.safeParse({ name: 'x', roomId: '1', sheet: 'a@1', opensAt: '2026-07-10T09:00', closesAt: '2026-07-10T10:00', examinerIds: [] }).error!.issues[0]!.message).toBe('请至少指定一名考评员');

			const ok = await schedulePracticalSession(db, w.actor, practicalForm(w.practicalRoomId, w.sheet, at('12', '09:00'), at('12', '12:00'), [w.examinerA.id, w.examinerB.id]), NOW);
			expect(ok.ok).toBe(true);
			const id = (ok as { sessionId: number }).sessionId;
			const s = await db.selectFrom('practical_sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
			expect(s).toMatchObject({ room_id: w.practicalRoomId, special_operation_code: DIYA, sheet_code: 'h2-test-diya', sheet_version: 1, institution_org_id: w.institution });
			expect((await db.selectFrom('practical_session_examiners').select('user_id').where('session_id', '=', id).execute()).map((r) => r.user_id).sort()).toEqual([w.examinerA.id, w.examinerB.id].sort());
			const overlap = await schedulePracticalSession(db, w.actor, practicalForm(w.practicalRoomId, w.sheet, at('12', '11:59'), at('12', '13:00'), [w.examinerA.id]), NOW);
			expect((overlap as { errors: Record<string, string> }).errors.opensAt).toContain('低压电工实操室在该时段已安排了“低压电工实操考试”');
		});

		it('seats accepted applications on a theory session, all or nothing, never beyond the room’s seats', async () => {
			const db = database.db;
			const w = await makeSchedulingWorld(db, { computerSeats: 3 });
			const session = ((await scheduleTheorySession(db, w.actor, theoryForm(w.computerRoomId, w.blueprintId, at('13', '09:00'), at('13', '11:00')), NOW)) as { sessionId: number }).sessionId;
			// one after another: seats go by application id, so the ids must follow the array order
			const apps: number[] = [];
			for (const i of [1, 2, 3, 4]) apps.push(await makeApplication(db, { personId: await makePerson(db, w.enterprise, `理论考生${i}`), institutionOrgId: w.institution, enterpriseOrgId: w.enterprise }));
			const pending = await makeApplication(db, { personId: await makePerson(db, w.enterprise, '待审考生'), institutionOrgId: w.institution, status: 'submitted' });
			const other = await makeSchedulingWorld(db);
			const foreign = await makeApplication(db, { personId: await makePerson(db, other.enterprise, '外机构考生'), institutionOrgId: other.institution });

			const refused = await assignToTheory(db, w.actor, session, [apps[0]!, pending, foreign], NOW);
			expect(refused).toEqual({ ok: false, errors: [`报名 ${foreign}：不存在或不属于本机构`, `待审考生（报名 ${pending}）：报名尚未受理，不能安排考试`] });
			const full = await assignToTheory(db, w.actor, session, apps, NOW);
			expect(full).toEqual({ ok: false, errors: [expect.stringMatching(/机考室一共 3 个座位，尚余 3 个，不能再安排 4 人/)] });
			expect((await db.selectFrom('exam_candidates').select('id').where('session_id', '=', session).execute()).length).toBe(0);

			expect(await assignToTheory(db, w.actor, session, apps.slice(0, 2), NOW)).toEqual({ ok: true, assigned: 2 });
			expect(await assignToTheory(db, w.actor, session, [apps[0]!], NOW)).toEqual({ ok: false, errors: [`理论考生1（报名 ${apps[0]}）：已在本场次考生名单中`] });
			expect(await assignToTheory(db, w.actor, session, [apps[2]!], NOW)).toEqual({ ok: true, assigned: 1 });
			const roster = await db.selectFrom('exam_candidates').select(['application_id', 'seat_no']).where('session_id', '=', session).orderBy('seat_no').execute();
			expect(roster).toEqual([
				{ application_id: apps[0], seat_no: 1 },
				{ application_id: apps[1], seat_no: 2 },
				{ application_id: apps[2], seat_no: 3 }
			]);
			expect((await assignToTheory(db, w.actor, session, [apps[3]!], NOW))!.ok).toBe(false);
			// the room cannot shrink below a seat already given
			expect(await changeRoomCapacity(db, w.actor, w.computerRoomId, 2, NOW)).toEqual({ ok: false, message: '机考室一已安排到第 3 号座位，座位/工位数不能少于 3' });
			// another institution cannot assign to this session
			expect(await assignToTheory(db, other.actor, session, [foreign], NOW)).toBeNull();
			const queued = await db.selectFrom('jobs').select('id').where('kind', '=', 'prepare-papers').where('dedupe_key', '=', `session:${session}`).execute();
			expect(queued.length).toBeGreaterThan(0);
		});

		it('judges the age condition again on the exam date: under 18 or past retirement age is refused with the rule', async () => {
			const db = database.db;
			const w = await makeSchedulingWorld(db, { computerSeats: 5, practicalStations: 5 });
			const theory = ((await scheduleTheorySession(db, w.actor, theoryForm(w.computerRoomId, w.blueprintId, at('20', '09:00'), at('20', '11:00')), NOW)) as { sessionId: number }).sessionId;
			const practical = ((await schedulePracticalSession(db, w.actor, practicalForm(w.practicalRoomId, w.sheet, at('21', '09:00'), at('21', '12:00'), [w.examinerA.id]), NOW)) as { sessionId: number }).sessionId;
			// 18 on 2026-07-21: one day after the theory exam, on the day of the practical
			const young = await makeApplication(db, { personId: await makePerson(db, w.enterprise, '少年考生', '20080721'), institutionOrgId: w.institution, enterpriseOrgId: w.enterprise });
			// a man turning 60 on 2026-07-20 (the configurable default retirement age)
			const old = await makeApplication(db, { personId: await makePerson(db, w.enterprise, '年长考生', '19660720'), institutionOrgId: w.institution, enterpriseOrgId: w.enterprise });
			const fine = await makeApplication(db, { personId: await makePerson(db, w.enterprise, '适龄考生'), institutionOrgId: w.institution, enterpriseOrgId: w.enterprise });
			const r = await assignToTheory(db, w.actor, theory, [young, old, fine], NOW);
			expect(r).toEqual({
				ok: false,
				errors: [
					expect.stringMatching(new RegExp(`^少年考生（报名 ${young}）：考试日期 2026-07-20 时未满18周岁（17 周岁），不符合年龄条件（依据：19号令`)),
					expect.stringMatching(new RegExp(`^年长考生（报名 ${old}）：考试日期 2026-07-20 时已 60 周岁，超过国家法定退休年龄`))
				]
			});
			expect((await db.selectFrom('exam_candidates').select('id').where('session_id', '=', theory).execute()).length).toBe(0);
			// on the practical's date the young candidate is 18
			const p = await assignToPractical(db, w.actor, practical, [young, fine], NOW);
			expect(p).toEqual({ ok: true, assigned: 2 });
		});

		it('puts applications on a practical session with stations and the next attempt number, refusing the wrong item and an open attempt', async () => {
			const db = database.db;
			const w = await makeSchedulingWorld(db, { practicalStations: 2 });
			const first = ((await schedulePracticalSession(db, w.actor, practicalForm(w.practicalRoomId, w.sheet, at('14', '09:00'), at('14', '12:00'), [w.examinerA.id]), NOW)) as { sessionId: number }).sessionId;
			const second = ((await schedulePracticalSession(db, w.actor, practicalForm(w.practicalRoomId, w.sheet, at('15', '09:00'), at('15', '12:00'), [w.examinerA.id]), NOW)) as { sessionId: number }).sessionId;
			const a = await makeApplication(db, { personId: await makePerson(db, w.enterprise, '实操甲'), institutionOrgId: w.institution, enterpriseOrgId: w.enterprise });
			const b = await makeApplication(db, { personId: await makePerson(db, w.enterprise, '实操乙'), institutionOrgId: w.institution, enterpriseOrgId: w.enterprise });
			const c = await makeApplication(db, { personId: await makePerson(db, w.enterprise, '实操丙'), institutionOrgId: w.institution, enterpriseOrgId: w.enterprise });
			const welder = await makeApplication(db, { personId: await makePerson(db, w.enterprise, '焊工丁'), institutionOrgId: w.institution, code: HANJIE });

			expect(await assignToPractical(db, w.actor, first, [welder], NOW)).toEqual({ ok: false, errors: [`焊工丁（报名 ${welder}）：报考的是熔化焊接与热切割作业，本场次考核低压电工作业`] });
			expect(await assignToPractical(db, w.actor, first, [a, b, c], NOW)).toEqual({ ok: false, errors: [expect.stringMatching(/低压电工实操室共 2 个工位，尚余 2 个，不能再安排 3 人/)] });
			expect(await assignToPractical(db, w.actor, first, [a, b], NOW)).toEqual({ ok: true, assigned: 2 });
			const rows = await db.selectFrom('practical_attempts').select(['application_id', 'station_no', 'attempt_no', 'status']).where('session_id', '=', first).orderBy('station_no').execute();
			expect(rows).toEqual([
				{ application_id: a, station_no: 1, attempt_no: 1, status: 'scheduled' },
				{ application_id: b, station_no: 2, attempt_no: 1, status: 'scheduled' }
			]);
			// still open: not on a second session
			expect(await assignToPractical(db, w.actor, second, [a], NOW)).toEqual({ ok: false, errors: [`实操甲（报名 ${a}）：已安排了尚未结束的实操考试`] });
			// a failed, final first attempt: the re-sit is attempt 2
			await db.updateTable('practical_attempts').set({ status: 'final', passed: false, score: '60', finalised_at: NOW }).where('application_id', '=', a).execute();
			expect(await assignToPractical(db, w.actor, second, [a], NOW)).toEqual({ ok: true, assigned: 1 });
			expect(await db.selectFrom('practical_attempts').select(['station_no', 'attempt_no']).where('session_id', '=', second).executeTakeFirstOrThrow()).toEqual({ station_no: 1, attempt_no: 2 });
		});

		it('refuses an examiner who taught the candidate’s cohort (教考分离, 30号令 第六条), whichever side is added last', async () => {
			const db = database.db;
			const w = await makeSchedulingWorld(db);
			const cohort = await makeCohort(db, w.institution, [w.examinerA.id]);
			const taught = await makeApplication(db, { personId: await makePerson(db, w.enterprise, '学员王五'), institutionOrgId: w.institution, cohortId: cohort });
			const other = await makeApplication(db, { personId: await makePerson(db, w.enterprise, '学员赵六'), institutionOrgId: w.institution });
			const session = ((await schedulePracticalSession(db, w.actor, practicalForm(w.practicalRoomId, w.sheet, at('16', '09:00'), at('16', '12:00'), [w.examinerA.id]), NOW)) as { sessionId: number }).sessionId;

			const refused = await assignToPractical(db, w.actor, session, [taught, other], NOW);
			expect(refused!.ok).toBe(false);
			const message = (refused as { errors: string[] }).errors[0]!;
			expect(message).toContain('考评员甲是培训班“低压电工培训班');
			expect(message).toContain('不能考核该班学员学员王五');
			expect(message).toContain('《特种作业人员安全技术培训考核管理规定》（30号令）第六条');
			expect(message).toContain('教考分离');
			expect((await db.selectFrom('practical_attempts').select('id').where('session_id', '=', session).execute()).length).toBe(0);

			// examiner B alone may examine them; adding A afterwards is refused
			expect(await setPracticalExaminers(db, w.actor, session, [w.examinerB.id], NOW)).toEqual({ ok: true });
			expect(await assignToPractical(db, w.actor, session, [taught, other], NOW)).toEqual({ ok: true, assigned: 2 });
			const back = await setPracticalExaminers(db, w.actor, session, [w.examinerA.id, w.examinerB.id], NOW);
			expect(back).toMatchObject({ ok: false, message: expect.stringContaining('第六条') });
			// B may not become a teacher of the cohort now, nor may the examined 赵六 join A's cohort... while B examines
			const teacher = await addCohortTeacher(db, w.actor, cohort, w.examinerB.id, NOW);
			expect(teacher).toMatchObject({ ok: false, message: expect.stringContaining('考评员乙是培训班') });
			const cohortB = await makeCohort(db, w.institution, [w.examinerB.id]);
			const attach = await attachApplications(db, w.actor, cohortB, [other], NOW);
			expect(attach).toMatchObject({ ok: false, errors: [expect.stringContaining('不能考核该班学员学员赵六')] });

			// the theory session's examiner picker (existing exam page) applies the same rule
			const theory = ((await scheduleTheorySession(db, w.actor, theoryForm(w.computerRoomId, w.blueprintId, at('16', '14:00'), at('16', '16:00')), NOW)) as { sessionId: number }).sessionId;
			expect(await assignToTheory(db, w.actor, theory, [taught], NOW)).toEqual({ ok: true, assigned: 1 });
			expect(await setSessionExaminers(db, w.actor, theory, [w.examinerA.id], NOW)).toMatchObject({ ok: false, message: expect.stringContaining('30号令）第六条') });
			expect(await setSessionExaminers(db, w.actor, theory, [w.examinerB.id], NOW)).toEqual({ ok: true });
		});

		it('manages cohorts: item, dates, staff of the institution only, applications of the same item', async () => {
			const db = database.db;
			const w = await makeSchedulingWorld(db);
			expect(cohortSchema.safeParse({ name: '班', specialOperationCode: DIYA, startsOn: '2026-07-10', endsOn: '2026-07-01' }).error!.issues[0]!.message).toBe('结业日期不能早于开班日期');
			expect(cohortSchema.safeParse({ name: '班', specialOperationCode: DIYA, startsOn: '2026-02-30', endsOn: '2026-07-01' }).error!.issues[0]!.message).toBe('开班日期不是有效日期');
			expect(await createCohort(db, w.actor, { name: '班', specialOperationCode: 'x', startsOn: '2026-07-01', endsOn: '2026-07-10' }, NOW)).toEqual({ ok: false, field: 'specialOperationCode', message: '操作项目不存在' });
			const created = await createCohort(db, w.actor, { name: '低压电工2026第7期', specialOperationCode: DIYA, startsOn: '2026-07-01', endsOn: '2026-07-10' }, NOW);
			const cohort = (created as { id: number }).id;
			const outsider = await makeUser(db, { role: 'examiner', orgId: await makeOrg(db, 'institution') });
			expect(await addCohortTeacher(db, w.actor, cohort, outsider.id, NOW)).toEqual({ ok: false, field: 'userId', message: '所选人员不是本机构的在职账号' });
			expect(await addCohortTeacher(db, w.actor, cohort, w.examinerA.id, NOW)).toEqual({ ok: true, id: cohort });
			const welder = await makeApplication(db, { personId: await makePerson(db, w.enterprise, '焊工'), institutionOrgId: w.institution, code: HANJIE });
			const refusedApp = await makeApplication(db, { personId: await makePerson(db, w.enterprise, '被拒'), institutionOrgId: w.institution, status: 'refused' });
			const good = await makeApplication(db, { personId: await makePerson(db, w.enterprise, '电工'), institutionOrgId: w.institution });
			const r = await attachApplications(db, w.actor, cohort, [welder, refusedApp, good], NOW);
			expect(r).toEqual({ ok: false, errors: [`焊工（报名 ${welder}）：报考的是熔化焊接与热切割作业，与培训班的操作项目不同`, `被拒（报名 ${refusedApp}）：报名已不予受理`] });
			expect((await db.selectFrom('so_applications').select('cohort_id').where('id', '=', good).executeTakeFirstOrThrow()).cohort_id).toBeNull();
			expect(await attachApplications(db, w.actor, cohort, [good], NOW)).toEqual({ ok: true });
			expect((await db.selectFrom('so_applications').select('cohort_id').where('id', '=', good).executeTakeFirstOrThrow()).cohort_id).toBe(cohort);
			const other = await makeSchedulingWorld(db);
			expect(await attachApplications(db, other.actor, cohort, [good], NOW)).toBeNull();
		});

		it('serialises two admins booking the same room and filling the same stations at once', async () => {
			const db = database.db;
			const w = await makeSchedulingWorld(db, { practicalStations: 2 });
			const results = await Promise.all([
				schedulePracticalSession(db, w.actor, practicalForm(w.practicalRoomId, w.sheet, at('20', '09:00'), at('20', '12:00'), [w.examinerA.id]), NOW),
				schedulePracticalSession(db, w.actor, practicalForm(w.practicalRoomId, w.sheet, at('20', '10:00'), at('20', '13:00'), [w.examinerB.id]), NOW)
			]);
			expect(results.filter((r) => r.ok).length).toBe(1);
			const session = (results.find((r) => r.ok) as { sessionId: number }).sessionId;
			const apps = await Promise.all([1, 2, 3].map(async (i) => makeApplication(db, { personId: await makePerson(db, w.enterprise, `并发${i}`), institutionOrgId: w.institution })));
			const assigned = await Promise.all([assignToPractical(db, w.actor, session, [apps[0]!, apps[1]!], NOW), assignToPractical(db, w.actor, session, [apps[2]!], NOW)]);
			expect(assigned.filter((r) => r!.ok).length).toBe(1);
			const stations = await db.selectFrom('practical_attempts').select('station_no').where('session_id', '=', session).execute();
			expect(stations.length).toBeLessThanOrEqual(2);
			expect(new Set(stations.map((s) => s.station_no)).size).toBe(stations.length);
		});

		it('shows the 准考证 to the applicant, the applying enterprise and the institution only, with photo and both 准考证号', async () => {
			const db = database.db;
			const w = await makeSchedulingWorld(db);
			const person = await makePerson(db, w.enterprise, '准考证考生');
			await db.insertInto('users').values({ display_name: '准考证考生', mobile: '13712340099', password_hash: 'x', person_id: person }).execute();
			const app = await makeApplication(db, { personId: person, institutionOrgId: w.institution, enterpriseOrgId: w.enterprise, photo: true });
			const learner = { role: 'learner' as const, orgId: w.enterprise, personId: person };
			expect(await loadAdmission(db, learner, app)).toMatchObject({ theory: null, practical: null });
			const theory = ((await scheduleTheorySession(db, w.actor, theoryForm(w.computerRoomId, w.blueprintId, at('21', '09:00'), at('21', '11:00')), NOW)) as { sessionId: number }).sessionId;
			const practical = ((await schedulePracticalSession(db, w.actor, practicalForm(w.practicalRoomId, w.sheet, at('22', '09:00'), at('22', '12:00'), [w.examinerA.id]), NOW)) as { sessionId: number }).sessionId;
			await assignToTheory(db, w.actor, theory, [app], NOW);
			await assignToPractical(db, w.actor, practical, [app], NOW);

			const seen = await loadAdmission(db, learner, app);
			expect(seen).toMatchObject({ name: '准考证考生', item: '低压电工作业', theory: { sessionId: theory, seatNo: 1, room: '机考室一' }, practical: { sessionId: practical, stationNo: 1, attemptNo: 1, room: '低压电工实操室' } });
			expect(seen!.photo!.mime).toBe('image/png');
			expect(await loadAdmission(db, { role: 'enterprise_admin', orgId: w.enterprise, personId: null }, app)).toBeDefined();
			expect(await loadAdmission(db, { role: 'institution_admin', orgId: w.institution, personId: null }, app)).toBeDefined();
			expect(await loadAdmission(db, { role: 'examiner', orgId: w.institution, personId: null }, app)).toBeDefined();
			const other = await makeSchedulingWorld(db);
			expect(await loadAdmission(db, { role: 'learner', orgId: w.enterprise, personId: person + 100000 }, app)).toBeUndefined();
			expect(await loadAdmission(db, { role: 'enterprise_admin', orgId: other.enterprise, personId: null }, app)).toBeUndefined();
			expect(await loadAdmission(db, { role: 'institution_admin', orgId: other.institution, personId: null }, app)).toBeUndefined();
			expect(await loadAdmission(db, { role: 'regulator', orgId: other.institution, personId: null }, app)).toBeUndefined();

			const pdf = await renderAdmissionPdf(seen!, NOW);
			const text = pdf.toString('latin1');
			expect(text.startsWith('%PDF-')).toBe(true);
			expect(text).toContain('/Subtype /Image');
			expect(text).toContain(`AX-ZK-T-${theory}-${app}`);
			expect(text).toContain(`AX-ZK-P-${practical}-${app}`);

			const audit = await db.selectFrom('audit_log').select('action').where('action', 'like', 'special_ops.%').execute();
			expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['special_ops.theory_schedule', 'special_ops.practical_schedule', 'special_ops.theory_assign', 'special_ops.practical_assign']));
			expect((await verifyAuditChain(db)).ok).toBe(true);
		});

		it('keeps centres to their institution', async () => {
			const db = database.db;
			const a = await makeSchedulingWorld(db);
			const rooms = await makeCentre(db, a.institution);
			const b = await makeSchedulingWorld(db);
			expect(await changeRoomCapacity(db, b.actor, rooms.computerRoomId, 10, NOW)).toBeNull();
			expect(await changeRoomCapacity(db, a.actor, rooms.computerRoomId, 10, NOW)).toEqual({ ok: true });
		});
	});
}
