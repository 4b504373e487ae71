import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireUser } from '#lib/server/auth/guards.ts';
import { findOwnMembership } from '#lib/server/auth/memberships.ts';
import { setSessionMembership } from '#lib/server/auth/session.ts';
import { idParam } from '#lib/schemas/params.ts';
import { getDb } from '#lib/server/runtime.ts';

export const load: PageServerLoad = async ({ locals }) => {
	requireUser(locals);
	redirect(303, '/');
};

export const actions: Actions = {
	default: async ({ locals, request }) => {
		const { user, session } = requireUser(locals);
		const id = idParam((await request.formData()).get('membership'));
		const db = await getDb();
		if (!id || !(await findOwnMembership(db, user.id, id))) error(404, '没有这个身份');
		await setSessionMembership(db, session.id, id);
		redirect(303, '/');
	}
};
