// Small factories for certificate tests: exam rows written directly (the exam activity is read-only
// for certificates), in the shapes migration 004 defines.
import type { Db } from '../../src/lib/server/db/index.ts';
import { makeOrg, makeUser, validCreditCode, validIdNumber } from './factories.ts';
import { prepareDemoDir } from './demo-dir.ts';
import type { RoleCategory } from '../../src/lib/domain/labels.ts';

let n = 0;
const T0 = new Date('2026-11-20T02:00:00Z');

export async function makeBlueprint(db: Db, institutionId: number, certificateType: 'special_work' | 'principal_or_safety_manager' | 'training' | 'none') {
	const row = await db
		.insertInto('exam_blueprints')
		.values({ owner_org_id: institutionId, name: `蓝图${++n}`, bank_ids: '[]', definition: '{}', certificate_type: certificateType, created_at: T0, updated_at: T0 })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function makeCourseFor(db: Db, institutionId: number) {
	const row = await db
		.insertInto('courses')
		.values({ code: `cert-c-${++n}-${Date.now().toString(36)}`, title: `发证课程${n}`, training_type: 'initial', audience_roles: '["special_worker"]', credit_hours: '8', owner_org_id: institutionId, status: 'published', created_at: T0, updated_at: T0, published_at: T0 })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function makeSession(db: Db, institutionId: number, blueprintId: number, courseId: number | null) {
	const row = await db
		.insertInto('exam_sessions')
		.values({
			owner_org_id: institutionId,
			blueprint_id: blueprintId,
			course_id: courseId,
			name: `考试场次${++n}`,
			mode: 'online',
			opens_at: T0,
			closes_at: new Date(T0.getTime() + 3 * 3600_000),
			paper_mode: 'fixed',
			review_policy: 'score_only',
			created_at: T0
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function makeCandidatePerson(db: Db, orgId: number, opts: { name?: string; op?: string | null; role?: RoleCategory; idNumber?: string } = {}) {
	const row = await db
		.insertInto('persons')
		.values({
			name: opts.name ?? `考生${++n}`,
			id_number: opts.idNumber ?? validIdNumber('500112', '19880808'),
			org_id: orgId,
			role_category: opts.role ?? (opts.op === null ? 'principal' : 'special_worker'),
			special_operation_code: opts.op === undefined ? '1.2' : opts.op
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** A candidate of the session with one finished attempt (passed by default). */
export async function makeFinishedAttempt(db: Db, sessionId: number, personId: number, opts: { passed?: boolean; decision?: 'cleared' | 'warning' | 'voided' | null; finishedAt?: Date; mode?: 'exam' } = {}) {
	const cand = await db
		.insertInto('exam_candidates')
		.values({ session_id: sessionId, person_id: personId, added_at: T0 })
		.onConflict((oc) => oc.columns(['session_id', 'person_id']).doUpdateSet({ added_at: T0 }))
		.returning('id')
		.executeTakeFirstOrThrow();
	const paper = await db.insertInto('exam_papers').values({ session_id: sessionId, seed: `s${++n}`, slots: '[]', total_points: '100', created_at: T0 }).returning('id').executeTakeFirstOrThrow();
	const finishedAt = opts.finishedAt ?? new Date(T0.getTime() + 3600_000);
	const passed = opts.passed ?? true;
	const row = await db
		.insertInto('exam_attempts')
		.values({
			mode: 'exam',
			session_id: sessionId,
			candidate_id: cand.id,
			person_id: personId,
			paper_id: paper.id,
			status: 'finished',
			finish_reason: 'submitted',
			started_at: T0,
			deadline_at: new Date(T0.getTime() + 7200_000),
			finished_at: finishedAt,
			score: passed ? '86' : '60',
			passed,
			decision: opts.decision ?? null,
			created_at: T0
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function completeCourse(db: Db, personId: number, courseId: number) {
	await db
		.insertInto('enrolments')
		.values({ person_id: personId, course_id: courseId, plan_year: 2026, source: 'manual', created_at: T0, completed_at: new Date(T0.getTime() - 86_400_000) })
		.execute();
}

/** An enterprise in a town-level region (makeOrg derives the credit code from a 6-digit region). */
export async function makeEnterprise(db: Db, region: string, name: string) {
	const row = await db
		.insertInto('organisations')
		.values({ kind: 'enterprise', name, region_code: region, credit_code: validCreditCode(region.slice(0, 6)), industry_code: 'it_machinery' })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/**
 * Two districts (渝北 500112, 长寿 500115) each with a regulator (+ user) and an enterprise; a city
 * regulator; an institution with an admin; a session of the given kind whose course is required.
 */
export async function makeCertWorld(db: Db, blueprintType: 'special_work' | 'principal_or_safety_manager' | 'training' | 'none' = 'special_work', opts: { withCourse?: boolean } = {}) {
	const institution = await makeOrg(db, 'institution', '500112', `测试培训中心${++n}`);
	const regYubei = await makeOrg(db, 'regulator', '500112', `渝北区应急管理局${n}`);
	const regChangshou = await makeOrg(db, 'regulator', '500115', `长寿区应急管理局${n}`);
	const regCity = await makeOrg(db, 'regulator', '500000', `重庆市应急管理局${n}`);
	const entYubei = await makeEnterprise(db, '500112007', `渝北企业${n}`);
	const entChangshou = await makeEnterprise(db, '500115003', `长寿企业${n}`);
	const users = {
		institution: await makeUser(db, { role: 'institution_admin', orgId: institution }),
		yubei: await makeUser(db, { role: 'regulator', orgId: regYubei }),
		changshou: await makeUser(db, { role: 'regulator', orgId: regChangshou }),
		city: await makeUser(db, { role: 'regulator', orgId: regCity })
	};
	const blueprint = await makeBlueprint(db, institution, blueprintType);
	const course = opts.withCourse === false ? null : await makeCourseFor(db, institution);
	const session = await makeSession(db, institution, blueprint, course);
	const actors = {
		institution: { userId: users.institution.id, role: 'institution_admin', orgId: institution, personId: null, ip: '10.0.0.1' },
		yubei: { userId: users.yubei.id, role: 'regulator', orgId: regYubei, regionPath: '/500000/500112/', personId: null, ip: '10.0.0.2' },
		changshou: { userId: users.changshou.id, role: 'regulator', orgId: regChangshou, regionPath: '/500000/500115/', personId: null, ip: '10.0.0.3' },
		city: { userId: users.city.id, role: 'regulator', orgId: regCity, regionPath: '/500000/', personId: null, ip: '10.0.0.4' }
	};
	/** A person of the enterprise who passed (and completed the course unless told otherwise). */
	const passedCandidate = async (o: { enterprise?: 'yubei' | 'changshou'; studied?: boolean; op?: string | null; role?: RoleCategory; name?: string; idNumber?: string; passed?: boolean; decision?: 'voided' | 'cleared' | null } = {}) => {
		const person = await makeCandidatePerson(db, o.enterprise === 'changshou' ? entChangshou : entYubei, { op: o.op, role: o.role, name: o.name, idNumber: o.idNumber });
		if (course && o.studied !== false) await completeCourse(db, person, course);
		const attempt = await makeFinishedAttempt(db, session, person, { passed: o.passed, decision: o.decision });
		return { person, attempt };
	};
	return { institution, regYubei, regChangshou, regCity, entYubei, entChangshou, users, blueprint, course, session, actors, passedCandidate };
}

/**
 * A PGlite data directory with the demo data plus one finished special-work exam session of the
 * demo institution in which 孙海涛 (13800000007, 低压电工) passed — for HTTP and browser tests that
 * start a server on it. Closed again before returning (the server takes the directory's lock).
 */
export async function prepareCertDemoDir(dir: string): Promise<{ sessionId: number; sessionName: string }> {
	return prepareDemoDir(dir, async (db, demo) => {
		const worker = await demo.person('13800000007');
		const blueprint = await makeBlueprint(db, demo.institutionId, 'special_work');
		const sessionId = await makeSession(db, demo.institutionId, blueprint, null);
		await makeFinishedAttempt(db, sessionId, worker.id);
		const s = await db.selectFrom('exam_sessions').select('name').where('id', '=', sessionId).executeTakeFirstOrThrow();
		return { sessionId, sessionName: s.name };
	});
}

/**
 * Demo data plus a finished 主要负责人/安管 exam session of the demo institution: 赵敏 (13800000006,
 * 安全生产管理人员) passed with an integrity flag nobody has decided on, and 钱前线, a 一线从业人员 of
 * the same enterprise, passed too — the wrong kind of person for that certificate.
 */
export async function prepareCertHoldersDemoDir(dir: string): Promise<{ sessionId: number; sessionName: string; managerAttempt: number; workerAttempt: number }> {
	return prepareDemoDir(dir, async (db, demo) => {
		const manager = await demo.person('13800000006');
		const worker = await makeCandidatePerson(db, manager.org_id, { name: '钱前线', role: 'frontline', op: null, idNumber: validIdNumber('500112', '19920315') });
		const blueprint = await makeBlueprint(db, demo.institutionId, 'principal_or_safety_manager');
		const sessionId = await makeSession(db, demo.institutionId, blueprint, null);
		const managerAttempt = await makeFinishedAttempt(db, sessionId, manager.id);
		const flags = [{ code: 'focus_lost', label: '多次离开考试页面', rule: '离开页面超过5次', count: 7 }];
		await db.updateTable('exam_attempts').set({ flags: JSON.stringify(flags) }).where('id', '=', managerAttempt).execute();
		const workerAttempt = await makeFinishedAttempt(db, sessionId, worker);
		const s = await db.selectFrom('exam_sessions').select('name').where('id', '=', sessionId).executeTakeFirstOrThrow();
		return { sessionId, sessionName: s.name, managerAttempt, workerAttempt };
	});
}
