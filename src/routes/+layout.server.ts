import type { LayoutServerLoad } from './$types';
import { getDb } from '#lib/server/runtime.ts';
import { listMemberships } from '#lib/server/auth/memberships.ts';

export const load: LayoutServerLoad = async ({ locals }) => {
	const user = locals.user;
	if (!user) return { user: null };
	return {
		user: {
			displayName: user.displayName,
			role: user.membership?.role ?? null,
			orgName: user.membership?.orgName ?? null,
			membershipId: user.membership?.id ?? null,
			mustChangePassword: user.mustChangePassword
		},
		memberships: await listMemberships(await getDb(), user.id)
	};
};
