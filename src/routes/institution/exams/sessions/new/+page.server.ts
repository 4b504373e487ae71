import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listBlueprints } from '#lib/server/exams/blueprint-service.ts';
import { createSession, defaultAttempts, listInstitutionExaminers, listOwnPublishedCourses } from '#lib/server/exams/session-service.ts';
import { sessionFormSchema, sessionValuesFromForm, toShanghaiLocal } from '#lib/schemas/exam-admin.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';
import { actorOf } from '#lib/server/audit/actor.ts';

/** The day 19号令 takes effect: the page shows the rule for the opening date typed in. */
const SWITCH_DATE = '2026-06-01';

export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'institution_admin');
	const db = await getDb();
	const blueprints = await listBlueprints(db, scope.orgId);
	const rules = Object.fromEntries(
		blueprints.map((b) => {
			const pick = (d: ReturnType<typeof defaultAttempts>) => ({ maxAttempts: d.maxAttempts, explanation: d.explanation });
			return [b.id, { before: pick(defaultAttempts(b.certificateType, b.examKind, new Date('2026-05-31T04:00:00Z'))), after: pick(defaultAttempts(b.certificateType, b.examKind, new Date(`${SWITCH_DATE}T04:00:00Z`))) }];
		})
	);
	const t = now();
	const opens = new Date(Math.ceil(t.getTime() / 3_600_000) * 3_600_000 + 86_400_000);
	return {
		blueprints: blueprints.map((b) => ({ id: b.id, name: b.name, durationMinutes: b.durationMinutes })),
		rules,
		switchDate: SWITCH_DATE,
		courses: (await listOwnPublishedCourses(db, scope.orgId)).map((c) => ({ id: c.id, title: c.title, hours: Number(c.credit_hours) })),
		examiners: await listInstitutionExaminers(db, scope.orgId),
		defaults: { blueprintId: url.searchParams.get('blueprint') ?? String(blueprints[0]?.id ?? ''), opensAt: toShanghaiLocal(opens), closesAt: toShanghaiLocal(new Date(opens.getTime() + 3 * 3_600_000)) }
	};
};

export const actions: Actions = {
	default: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		const form = await request.formData();
		const raw = sessionValuesFromForm(form);
		const parsed = sessionFormSchema.safeParse(raw);
		if (!parsed.success) return zodFailure(parsed.error, { values: raw });
		const result = await createSession(await getDb(), actorOf(scope, { getClientAddress }), parsed.data, now());
		if (!result.ok) return formFailure(400, result.errors, { values: raw });
		redirect(303, `/institution/exams/sessions/${result.sessionId}?created=1`);
	}
};
