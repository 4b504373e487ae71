import type { Actions, PageServerLoad } from './$types';
import { requireUser } from '#lib/server/auth/guards.ts';
import { listMessages, markAllRead } from '#lib/server/notifications/messages.ts';
import { messagesPageSchema } from '#lib/schemas/notifications.ts';
import { formatDateTime } from '#lib/domain/dates.ts';
import { getDb, now } from '#lib/server/runtime.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { user } = requireUser(locals);
	const list = await listMessages(await getDb(), user.id, messagesPageSchema.parse(url.searchParams.get('page') ?? 1));
	return {
		...list,
		items: list.items.map((m) => ({ id: m.id, title: m.title, body: m.body, at: formatDateTime(m.created_at), unread: m.read_at === null }))
	};
};

export const actions: Actions = {
	readAll: async ({ locals }) => {
		const { user } = requireUser(locals);
		const marked = await markAllRead(await getDb(), user.id, now());
		return { marked };
	}
};
