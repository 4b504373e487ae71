import { redirect } from '@sveltejs/kit';
import type { Scope } from '../auth/guards.ts';
import { actorOf } from '../audit/actor.ts';
import type { Db } from '../db/index.ts';
import { formFailure, zodFailure } from '../../forms/failure.ts';
import { scheduleFromForm, scheduleLiveSchema } from '../../schemas/live.ts';
import type { LiveListData } from '../../domain/live.ts';
import { rollCallRuleOf, scheduleLiveClass } from './live-service.ts';
import { liveClassSummary } from './my-live.ts';
import { findOrgName, listLecturers, listOwnedCourses, listOwnedLiveClasses } from './live.repository.ts';
import { listEnterpriseChoices } from './choices.query.ts';
import type { LiveServerConfig } from './config.ts';
import type { LiveConfig } from './attendance.ts';

type LiveSettings = { server: LiveServerConfig | null; config: LiveConfig };

// The live-class list and its "安排直播" action, one module for both owners: an institution
// (admins schedule for any enterprises; examiners see the classes they lecture) and an
// enterprise's own 全员 classes (the audience is forced to the enterprise itself).


export type { LiveListData };

const baseOf = (scope: Scope) => (scope.role === 'enterprise_admin' ? '/enterprise/live' : '/institution/live');

export async function loadLiveList(db: Db, scope: Scope, settings: LiveSettings, now: Date): Promise<LiveListData> {
	const enterprise = scope.role === 'enterprise_admin';
	const canSchedule = enterprise || scope.role === 'institution_admin';
	const all = await listOwnedLiveClasses(db, scope.orgId);
	// an examiner sees the classes they lecture
	const classes = canSchedule ? all : all.filter((c) => c.lecturer_user_id === scope.userId);
	return {
		base: baseOf(scope),
		kind: enterprise ? 'enterprise' : 'institution',
		configured: settings.server !== null,
		canSchedule,
		orgName: enterprise ? await findOrgName(db, scope.orgId) : null,
		classes: classes.map((c) => liveClassSummary(c, now)),
		lecturers: canSchedule ? await listLecturers(db, scope.orgId) : [],
		courses: canSchedule ? await listOwnedCourses(db, scope.orgId) : [],
		enterprises: enterprise ? null : canSchedule ? await listEnterpriseChoices(db) : [],
		rollCallSeconds: settings.config.rollCallSeconds
	};
}

/** The "安排直播" action: parse → schedule → redirect to the new class's console, or the form's errors. */
export async function scheduleFromRequest(db: Db, scope: Scope, event: { request: Request; getClientAddress: () => string }, settings: LiveSettings, now: Date) {
	const form = await event.request.formData();
	const raw = scheduleFromForm(form);
	// an enterprise cannot choose other enterprises: its own organisation is the audience
	if (scope.role === 'enterprise_admin') raw.org_ids = [String(scope.orgId)];
	const values = { ...raw, person_ids: String(form.get('person_ids') ?? '') };
	const parsed = scheduleLiveSchema.safeParse(raw);
	if (!parsed.success) return zodFailure(parsed.error, { values: values });
	const p = parsed.data;
	const r = await scheduleLiveClass(
		db,
		actorOf(scope, event),
		{
			title: p.title,
			lecturerUserId: p.lecturer,
			startsAt: p.starts_at,
			endsAt: p.ends_at,
			audience: { orgIds: p.org_ids, roleCategories: p.role_categories, personIds: p.person_ids },
			creditHours: p.credit_hours,
			signinBeforeMinutes: p.signin_before,
			signinAfterMinutes: p.signin_after,
			replayRule: p.replay_rule,
			rollCallRule: rollCallRuleOf(p.rollcall, settings.config.rollCallSeconds),
			courseId: p.course_id
		},
		now
	);
	if (!r.ok) return formFailure(400, r.errors, { values: values });
	redirect(303, `${baseOf(scope)}/${r.id}`);
}
