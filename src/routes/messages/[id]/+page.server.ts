import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireUser } from '#lib/server/auth/guards.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { openMessage } from '#lib/server/notifications/messages.ts';
import { formatDateTime } from '#lib/domain/dates.ts';
import { getDb, now } from '#lib/server/runtime.ts';

// Opening a message marks it read (like any mail reader); only the person's own messages exist here.
export const load: PageServerLoad = async ({ locals, params }) => {
	const { user } = requireUser(locals);
	const message = await openMessage(await getDb(), user.id, requireIdParam(params.id, '消息不存在'), now());
	if (!message) error(404, '消息不存在');
	return { message: { title: message.title, body: message.body, link: message.link, at: formatDateTime(message.created_at) } };
};
