import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { HOME_BY_ROLE } from '#lib/server/auth/guards.ts';

export const load: PageServerLoad = async ({ locals }) => {
	if (!locals.user) redirect(303, '/login');
	if (locals.user.mustChangePassword) redirect(303, '/account/password');
	const role = locals.user.membership?.role;
	if (!role) return { noMembership: true };
	redirect(303, HOME_BY_ROLE[role]);
};
