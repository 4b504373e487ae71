import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure } from '#lib/forms/failure.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { findApplicationForEditor, saveMaterials } from '#lib/server/special-ops/application-service.ts';
import { currentMaterials, parseMaterialsForm } from '#lib/server/special-ops/materials-form.ts';
import { applicationView } from '#lib/server/special-ops/application-view.ts';

const MISSING = '没有这份报名';

export const load: PageServerLoad = async (event) => {
	const { locals, params } = event;
	const scope = requireRole(locals, 'enterprise_admin');
	const id = requireIdParam(params.id, MISSING);
	const app = await findApplicationForEditor(await getDb(), actorOf(scope, event), id);
	if (!app) error(404, MISSING);
	return { app: applicationView(app), current: currentMaterials(app), editable: app.status === 'draft' || app.status === 'returned' };
};

export const actions: Actions = {
	save: async (event) => {
		const { locals, params, request } = event;
		const scope = requireRole(locals, 'enterprise_admin');
		const id = requireIdParam(params.id, MISSING);
		const form = await request.formData().catch(() => null);
		if (!form) return formFailure(400, '表单格式不正确，请刷新页面后重试');
		const parsed = await parseMaterialsForm(form);
		if (!parsed.ok) return formFailure(400, parsed.errors);
		const result = await saveMaterials(await getDb(), actorOf(scope, event), id, parsed.input, now());
		if (!result.ok) {
			if (result.notFound) error(404, MISSING);
			return formFailure(400, result.errors);
		}
		if (result.submitted) redirect(303, `/enterprise/special-ops/${id}?submitted=1`);
		return { done: '材料已保存，尚未提交。' };
	}
};
