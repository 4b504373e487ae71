import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import type { CohortForm } from '../../schemas/special-ops-scheduling.ts';
import { listSpecialOperations } from './centres.repository.ts';
import { findApplications } from './scheduling.repository.ts';
import { separationMessage } from './scheduling.ts';
import { cohortApplicationIds, cohortTeachers, examinersOfApplications, findCohort, insertCohort, insertCohortTeacher, listInstitutionStaff, setApplicationsCohort } from './cohorts.repository.ts';

// 培训班: the cohort an institution trains, its teachers and its applicants. The 教考分离 check runs
// in both directions: an examiner may not be given a cohort's candidates (scheduling), and a teacher may
// not be added to a cohort whose candidates they already examine (here).

export type CohortResult = { ok: true; id: number } | { ok: false; message: string; field?: string };

export async function createCohort(db: Db, actor: ScopedActor, input: CohortForm, now: Date): Promise<CohortResult> {
	if (!(await listSpecialOperations(db)).some((o) => o.code === input.specialOperationCode)) return { ok: false, field: 'specialOperationCode', message: '操作项目不存在' };
	return withTransaction(db, async (tx) => {
		const id = await insertCohort(tx, { institutionOrgId: actor.orgId, code: input.specialOperationCode, name: input.name, startsOn: input.startsOn, endsOn: input.endsOn, createdBy: actor.userId, now });
		await audit(tx, actor, now, 'special_ops.cohort_create', `training_cohort:${id}`, { ...input });
		return { ok: true as const, id };
	});
}

export async function addCohortTeacher(db: Db, actor: ScopedActor, cohortId: number, userId: number, now: Date): Promise<CohortResult | null> {
	return withTransaction(db, async (tx) => {
		const cohort = await findCohort(tx, actor.orgId, cohortId);
		if (!cohort) return null;
		const staff = await listInstitutionStaff(tx, actor.orgId);
		const teacher = staff.find((s) => s.id === userId);
		if (!teacher) return { ok: false as const, field: 'userId', message: '所选人员不是本机构的在职账号' };
		const members = await findApplications(tx, actor.orgId, await cohortApplicationIds(tx, cohortId));
		const examined = new Set((await examinersOfApplications(tx, members.map((m) => m.id))).filter((e) => e.userId === userId).map((e) => e.applicationId));
		if (examined.size) {
			const names = members.filter((m) => examined.has(m.id)).map((m) => m.person_name);
			return { ok: false as const, field: 'userId', message: separationMessage([{ examinerName: teacher.display_name, cohortName: cohort.name, candidateNames: names }]) };
		}
		await insertCohortTeacher(tx, cohortId, userId);
		await audit(tx, actor, now, 'special_ops.cohort_teacher_add', `training_cohort:${cohortId}`, { userId });
		return { ok: true as const, id: cohortId };
	});
}

/** Attaches applications to a cohort: same institution, same 操作项目, live; all or nothing. */
export async function attachApplications(db: Db, actor: ScopedActor, cohortId: number, applicationIds: readonly number[], now: Date): Promise<{ ok: true } | { ok: false; errors: string[] } | null> {
	return withTransaction(db, async (tx) => {
		const cohort = await findCohort(tx, actor.orgId, cohortId);
		if (!cohort) return null;
		const ids = [...new Set(applicationIds)];
		const apps = await findApplications(tx, actor.orgId, ids);
		const errors: string[] = [];
		const found = new Set(apps.map((a) => a.id));
		for (const id of ids) if (!found.has(id)) errors.push(`报名 ${id}：不存在或不属于本机构`);
		for (const a of apps) {
			if (!['submitted', 'returned', 'accepted'].includes(a.status)) errors.push(`${a.person_name}（报名 ${a.id}）：报名已${a.status === 'refused' ? '不予受理' : '撤回'}`);
			if (cohort.special_operation_code && a.special_operation_code !== cohort.special_operation_code) errors.push(`${a.person_name}（报名 ${a.id}）：报考的是${a.item}，与培训班的操作项目不同`);
		}
		// the cohort's teachers may already be examining one of these candidates
		const teachers = await cohortTeachers(tx, cohortId);
		const examining = (await examinersOfApplications(tx, ids)).filter((e) => teachers.some((t) => t.id === e.userId));
		for (const t of teachers) {
			const names = apps.filter((a) => examining.some((e) => e.userId === t.id && e.applicationId === a.id)).map((a) => a.person_name);
			if (names.length) errors.push(separationMessage([{ examinerName: t.display_name, cohortName: cohort.name, candidateNames: names }]));
		}
		if (errors.length) return { ok: false as const, errors };
		await setApplicationsCohort(tx, cohortId, ids, now);
		await audit(tx, actor, now, 'special_ops.cohort_attach', `training_cohort:${cohortId}`, { applicationIds: ids });
		return { ok: true as const };
	});
}
