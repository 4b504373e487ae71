import type { Db } from '../db/index.ts';

// SQL of 培训班 (training_cohorts), their teachers and the applications attached to them.

export async function listCohorts(db: Db, institutionOrgId: number) {
	const cohorts = await db
		.selectFrom('training_cohorts as c')
		.leftJoin('special_operations as o', 'o.code', 'c.special_operation_code')
		.select(['c.id', 'c.name', 'c.special_operation_code', 'o.item', 'c.starts_on', 'c.ends_on'])
		.where('c.institution_org_id', '=', institutionOrgId)
		.orderBy('c.starts_on', 'desc')
		.orderBy('c.id', 'desc')
		.execute();
	const ids = cohorts.map((c) => c.id);
	const teachers = ids.length
		? await db.selectFrom('training_cohort_teachers as t').innerJoin('users as u', 'u.id', 't.user_id').select(['t.cohort_id', 'u.id', 'u.display_name']).where('t.cohort_id', 'in', ids).orderBy('u.id').execute()
		: [];
	const members = ids.length
		? await db.selectFrom('so_applications as a').innerJoin('persons as p', 'p.id', 'a.person_id').select(['a.cohort_id', 'a.id', 'p.name', 'a.status']).where('a.cohort_id', 'in', ids).orderBy('a.id').execute()
		: [];
	return cohorts.map((c) => ({
		...c,
		starts_on: String(c.starts_on),
		ends_on: String(c.ends_on),
		teachers: teachers.filter((t) => t.cohort_id === c.id).map((t) => ({ id: t.id, name: t.display_name })),
		applications: members.filter((m) => m.cohort_id === c.id).map((m) => ({ id: m.id, name: m.name, status: m.status }))
	}));
}

export async function findCohort(db: Db, institutionOrgId: number, cohortId: number) {
	return db.selectFrom('training_cohorts').select(['id', 'name', 'special_operation_code']).where('id', '=', cohortId).where('institution_org_id', '=', institutionOrgId).executeTakeFirst();
}

export async function insertCohort(db: Db, v: { institutionOrgId: number; code: string; name: string; startsOn: string; endsOn: string; createdBy: number; now: Date }) {
	const row = await db
		.insertInto('training_cohorts')
		.values({ institution_org_id: v.institutionOrgId, special_operation_code: v.code, name: v.name, starts_on: v.startsOn, ends_on: v.endsOn, created_by: v.createdBy, created_at: v.now })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** Active accounts of the institution (admins and examiners) who may teach a cohort. */
export async function listInstitutionStaff(db: Db, institutionOrgId: number) {
	return db
		.selectFrom('memberships as m')
		.innerJoin('users as u', 'u.id', 'm.user_id')
		.select(['u.id', 'u.display_name', 'm.role'])
		.where('m.org_id', '=', institutionOrgId)
		.where('m.role', 'in', ['institution_admin', 'examiner'])
		.where('u.disabled', '=', false)
		.orderBy('u.id')
		.execute();
}

export async function insertCohortTeacher(db: Db, cohortId: number, userId: number) {
	await db.insertInto('training_cohort_teachers').values({ cohort_id: cohortId, user_id: userId }).onConflict((oc) => oc.columns(['cohort_id', 'user_id']).doNothing()).execute();
}

export async function cohortApplicationIds(db: Db, cohortId: number): Promise<number[]> {
	const rows = await db.selectFrom('so_applications').select('id').where('cohort_id', '=', cohortId).execute();
	return rows.map((r) => r.id);
}

export async function cohortTeachers(db: Db, cohortId: number) {
	return db.selectFrom('training_cohort_teachers as t').innerJoin('users as u', 'u.id', 't.user_id').select(['u.id', 'u.display_name']).where('t.cohort_id', '=', cohortId).execute();
}

/** The examiners (theory and practical sessions) assigned to examine any of the applications. */
export async function examinersOfApplications(db: Db, applicationIds: readonly number[]) {
	if (!applicationIds.length) return [];
	const theory = await db
		.selectFrom('exam_candidates as k')
		.innerJoin('exam_session_examiners as x', 'x.session_id', 'k.session_id')
		.select(['x.user_id', 'k.application_id'])
		.where('k.application_id', 'in', [...applicationIds])
		.execute();
	const practical = await db
		.selectFrom('practical_attempts as t')
		.innerJoin('practical_session_examiners as x', 'x.session_id', 't.session_id')
		.select(['x.user_id', 't.application_id'])
		.where('t.application_id', 'in', [...applicationIds])
		.execute();
	return [...theory.map((r) => ({ userId: r.user_id, applicationId: r.application_id as number })), ...practical.map((r) => ({ userId: r.user_id, applicationId: r.application_id }))];
}

/** The institution's live applications (not refused or withdrawn) for the cohort's item that a cohort may take. */
export async function listAttachable(db: Db, institutionOrgId: number) {
	return db
		.selectFrom('so_applications as a')
		.innerJoin('persons as p', 'p.id', 'a.person_id')
		.innerJoin('special_operations as o', 'o.code', 'a.special_operation_code')
		.select(['a.id', 'p.name', 'a.special_operation_code', 'o.item', 'a.status', 'a.cohort_id'])
		.where('a.institution_org_id', '=', institutionOrgId)
		.where('a.status', 'in', ['submitted', 'returned', 'accepted'])
		.orderBy('a.id')
		.limit(500)
		.execute();
}

export async function setApplicationsCohort(db: Db, cohortId: number, applicationIds: readonly number[], now: Date) {
	await db.updateTable('so_applications').set({ cohort_id: cohortId, updated_at: now }).where('id', 'in', [...applicationIds]).execute();
}
