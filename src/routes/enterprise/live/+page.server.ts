import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, liveSettings, now } from '#lib/server/runtime.ts';
import { listLecturers, listOwnedLiveClasses } from '#lib/server/live/live.repository.ts';
import { phaseOf, rollCallRuleOf, scheduleLiveClass } from '#lib/server/live/live-service.ts';
import { scheduleFromForm, scheduleLiveSchema } from '#lib/schemas/live.ts';
import { fieldErrors } from '#lib/schemas/auth.ts';

// An enterprise schedules its own 全员 live class: the audience is its own staff (by role
// category, or named persons of the enterprise); every load and action is scoped to scope.orgId.

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const db = await getDb();
	const at = now();
	const [classes, lecturers, org] = await Promise.all([
		listOwnedLiveClasses(db, scope.orgId),
		listLecturers(db, scope.orgId),
		db.selectFrom('organisations').select('name').where('id', '=', scope.orgId).executeTakeFirst()
	]);
	return {
		configured: liveSettings().server !== null,
		orgName: org?.name ?? null,
		classes: classes.map((c) => ({ id: c.id, title: c.title, lecturer: c.lecturer_name, startsAt: c.starts_at.toISOString(), endsAt: c.ends_at.toISOString(), phase: phaseOf(c, at), hasReplay: c.replay_file !== null, creditHours: c.credit_hours })),
		lecturers,
		rollCallSeconds: liveSettings().config.rollCallSeconds
	};
};

export const actions: Actions = {
	schedule: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'enterprise_admin');
		const form = await request.formData();
		// the enterprise cannot choose other enterprises: its own organisation is the audience
		const raw = { ...scheduleFromForm(form), org_ids: [String(scope.orgId)] };
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
				audience: { orgIds: [scope.orgId], roleCategories: p.role_categories, personIds: p.person_ids },
				creditHours: p.credit_hours,
				signinBeforeMinutes: p.signin_before,
				signinAfterMinutes: p.signin_after,
				replayRule: p.replay_rule,
				rollCallRule: rollCallRuleOf(p.rollcall, liveSettings().config.rollCallSeconds)
			},
			now()
		);
		if (!r.ok) return fail(400, { errors: r.errors, values });
		redirect(303, `/enterprise/live/${r.id}`);
	}
};
