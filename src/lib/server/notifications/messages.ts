import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { appendAudit } from '../audit/audit.ts';
import { clampPage, pageCount } from '../../domain/paging.ts';
import { CHANNELS, OPTIONAL_KINDS, type Channel, type OptionalKind } from './kinds.ts';
import { countMessages, countUnread, findContact, findOwnMessage, listMessagesPage, listOwnOptOuts, replaceOptOuts, setEmail, setRead } from './messages.repository.ts';

// 站内消息 as the person sees them: the list, opening one (which marks it read), 全部已读, and
// which kinds they want by SMS / e-mail.

export const MESSAGES_PAGE_SIZE = 20;

export { countUnread };

export async function listMessages(db: Db, userId: number, page: number) {
	const [total, unread] = await Promise.all([countMessages(db, userId), countUnread(db, userId)]);
	const pages = pageCount(total, MESSAGES_PAGE_SIZE);
	const current = clampPage(page, total, MESSAGES_PAGE_SIZE);
	const items = await listMessagesPage(db, userId, MESSAGES_PAGE_SIZE, (current - 1) * MESSAGES_PAGE_SIZE);
	return { items, total, unread, page: current, pages };
}

/** The person's own message, marked read; undefined when it is not theirs (404). */
export async function openMessage(db: Db, userId: number, id: number, now: Date) {
	const message = await findOwnMessage(db, userId, id);
	if (!message) return undefined;
	if (!message.read_at) {
		await setRead(db, userId, id, now);
		message.read_at = now;
	}
	return message;
}

export async function markAllRead(db: Db, userId: number, now: Date): Promise<number> {
	return setRead(db, userId, null, now);
}

export type NotificationSettings = {
	mobile: string | null;
	email: string | null;
	/** kind → channel → receives */
	receive: Record<OptionalKind, Record<Channel, boolean>>;
};

export async function getNotificationSettings(db: Db, userId: number): Promise<NotificationSettings> {
	const [contact, optOuts] = await Promise.all([findContact(db, userId), listOwnOptOuts(db, userId)]);
	const receive = Object.fromEntries(
		Object.keys(OPTIONAL_KINDS).map((kind) => [kind, Object.fromEntries(CHANNELS.map((c) => [c, !optOuts.some((o) => o.kind === kind && o.channel === c)]))])
	) as NotificationSettings['receive'];
	return { mobile: contact?.mobile ?? null, email: contact?.email ?? null, receive };
}

/** Saves the e-mail address and the opt-outs (every optional kind × channel not received). */
export async function saveNotificationSettings(
	db: Db,
	input: { userId: number; email: string | null; receive: { kind: OptionalKind; channel: Channel }[]; ip: string | null; role: string | null },
	now: Date
): Promise<void> {
	const keep = new Set(input.receive.map((r) => `${r.kind}:${r.channel}`));
	const optOuts = Object.keys(OPTIONAL_KINDS).flatMap((kind) => CHANNELS.filter((c) => !keep.has(`${kind}:${c}`)).map((channel) => ({ kind, channel })));
	await withTransaction(db, async (tx) => {
		await setEmail(tx, input.userId, input.email);
		await replaceOptOuts(tx, input.userId, optOuts, now);
		await appendAudit(tx, {
			at: now,
			actorUserId: input.userId,
			actorRole: input.role,
			action: 'notifications.settings',
			target: `user:${input.userId}`,
			detail: { email: input.email !== null, optOuts: optOuts.map((o) => `${o.kind}:${o.channel}`) },
			ip: input.ip
		});
	});
}
