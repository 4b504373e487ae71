import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, liveSettings, now } from '#lib/server/runtime.ts';
import { listLecturers, listOwnedLiveClasses } from '#lib/server/live/live.repository.ts';
import { phaseOf, rollCallRuleOf, scheduleLiveClass } from '#lib/server/live/live-service.ts';
import { listEnterpriseChoices } from '#lib/server/live/choices.query.ts';
import { scheduleFromForm, scheduleLiveSchema } from '#lib/schemas/live.ts';
import { fieldErrors } from '#lib/schemas/auth.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner');
	const db = await getDb();
	const at = now();
	const all = await listOwnedLiveClasses(db, scope.orgId);
	// an examiner sees the classes they lecture
	const classes = scope.role === 'institution_admin' ? all : all.filter((c) => c.lecturer_user_id === scope.userId);
	return {
		configured: liveSettings().server !== null,
		canSchedule: scope.role === 'institution_admin',
		classes: classes.map((c) => ({ id: c.id, title: c.title, lecturer: c.lecturer_name, startsAt: c.starts_at.toISOString(), endsAt: c.ends_at.toISOString(), phase: phaseOf(c, at), hasReplay: c.replay_file !== null, creditHours: c.credit_hours })),
		lecturers: scope.role === 'institution_admin' ? await listLecturers(db, scope.orgId) : [],
		enterprises: scope.role === 'institution_admin' ? await listEnterpriseChoices(db) : [],
		rollCallSeconds: liveSettings().config.rollCallSeconds
	};
};

export const actions: Actions = {
	schedule: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		const form = await request.formData();
		const raw = scheduleFromForm(form);
		const parsed = scheduleLiveSchema.safeParse(raw);
		const values = { ...raw, person_ids: String(form.get('person_ids') ?? '') };
		if (!parsed.success) return fail(400, { errors: fieldErrors(parsed.error), values });
		const p = parsed.data;
		const r = await scheduleLiveClass(
			await getDb(),
			{ userId: scope.userId, orgId: scope.orgId, role: scope.role, ip: getClientAddress() },
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
				rollCallRule: rollCallRuleOf(p.rollcall, liveSettings().config.rollCallSeconds)
			},
			now()
		);
		if (!r.ok) return fail(400, { errors: r.errors, values });
		redirect(303, `/institution/live/${r.id}`);
	}
};
