import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { findApplication } from '#lib/server/special-ops/applications.repository.ts';
import { reviewApplication } from '#lib/server/special-ops/application-service.ts';
import { applicationView } from '#lib/server/special-ops/application-view.ts';
import { reviewSchema } from '#lib/schemas/special-ops-application.ts';
import { formFields } from '#lib/schemas/findings.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

const MISSING = '没有这份报名';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin');
	const id = requireIdParam(params.id, MISSING);
	const app = await findApplication(await getDb(), id);
	// Drafts are the enterprise's until submitted.
	if (!app || app.institution_org_id !== scope.orgId || app.status === 'draft') error(404, MISSING);
	return { app: applicationView(app) };
};

export const actions: Actions = {
	review: async (event) => {
		const { locals, params, request } = event;
		const scope = requireRole(locals, 'institution_admin');
		const id = requireIdParam(params.id, MISSING);
		const form = await request.formData().catch(() => null);
		if (!form) return formFailure(400, '表单格式不正确，请刷新页面后重试');
		const parsed = reviewSchema.safeParse(formFields(form, ['decision', 'reason']));
		if (!parsed.success) return zodFailure(parsed.error);
		const result = await reviewApplication(
			await getDb(),
			actorOf(scope, event),
			id,
			parsed.data,
			now()
		);
		if (!result.ok) {
			if (result.notFound) error(404, MISSING);
			return formFailure(400, result.errors);
		}
		redirect(303, `/institution/special-ops/${id}`);
	}
};
