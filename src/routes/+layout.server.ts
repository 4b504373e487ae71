import type { LayoutServerLoad } from './$types';
import { getDb } from '#lib/server/runtime.ts';
import { listMemberships } from '#lib/server/auth/memberships.ts';
import { countUnread } from '#lib/server/notifications/messages.ts';

export const load: LayoutServerLoad = async ({ locals, depends }) => {
	// the message centre invalidates this after marking messages read, so the header's count follows
	depends('app:unread');
	const user = locals.user;
	if (!user) return { user: null };
	const db = await getDb();
	return {
		user: {
			displayName: user.displayName,
			role: user.membership?.role ?? null,
			orgName: user.membership?.orgName ?? null,
			membershipId: user.membership?.id ?? null,
			mustChangePassword: user.mustChangePassword
		},
		memberships: await listMemberships(db, user.id),
		unread: await countUnread(db, user.id)
	};
};
