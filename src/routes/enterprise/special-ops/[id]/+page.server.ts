import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole, type Scope } from '#lib/server/auth/guards.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { findApplicationForEditor, saveMaterials, type Actor } from '#lib/server/special-ops/application-service.ts';
import { currentMaterials, parseMaterialsForm } from '#lib/server/special-ops/materials-form.ts';
import { applicationView } from '#lib/server/special-ops/application-view.ts';

const MISSING = '没有这份报名';
const actorOf = (scope: Scope, ip: string): Actor => ({ userId: scope.userId, role: scope.role, orgId: scope.orgId, personId: scope.personId, ip });

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const id = requireIdParam(params.id, MISSING);
	const app = await findApplicationForEditor(await getDb(), actorOf(scope, ''), id);
	if (!app) error(404, MISSING);
	return { app: applicationView(app), current: currentMaterials(app), editable: app.status === 'draft' || app.status === 'returned' };
};

export const actions: Actions = {
	save: async ({ locals, params, request, getClientAddress }) => {
		const scope = requireRole(locals, 'enterprise_admin');
		const id = requireIdParam(params.id, MISSING);
		const form = await request.formData().catch(() => null);
		if (!form) return fail(400, { errors: { form: '表单格式不正确，请刷新页面后重试' } as Record<string, string> });
		const parsed = await parseMaterialsForm(form);
		if (!parsed.ok) return fail(400, { errors: parsed.errors });
		const result = await saveMaterials(await getDb(), actorOf(scope, getClientAddress()), id, parsed.input, now());
		if (!result.ok) {
			if (result.notFound) error(404, MISSING);
			return fail(400, { errors: result.errors });
		}
		if (result.submitted) redirect(303, `/enterprise/special-ops/${id}?submitted=1`);
		return { done: '材料已保存，尚未提交。' };
	}
};
