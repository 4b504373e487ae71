import type { Db } from '../db/index.ts';
import { insertNotification } from './messages.repository.ts';
import { insertOutbound } from './outbound.repository.ts';

// 站内消息: the one way any capability tells a person something. Called inside the transaction of
// the change it reports, so the message exists exactly when the change does. A dedupe key makes a
// retried job or a replayed request tell nobody the same thing twice.

export type NotificationInput = {
	userId: number;
	kind: string;
	title: string;
	body: string;
	/** an in-app path ("/learner/exams/12"); never an external address */
	link?: string | null;
	dedupeKey?: string | null;
	now: Date;
};

/** Stores the message; returns its id, or null when one with the same dedupe key exists already. */
export async function notify(db: Db, input: NotificationInput): Promise<number | null> {
	return insertNotification(db, {
		user_id: input.userId,
		kind: input.kind,
		title: input.title.slice(0, 100),
		body: input.body.slice(0, 2000),
		link: input.link ?? null,
		dedupe_key: input.dedupeKey ?? null,
		created_at: input.now
	});
}

export type OutboundInput = {
	userId: number | null;
	notificationId?: number | null;
	channel: 'sms' | 'email';
	/** mobile number (sms) or e-mail address */
	address: string;
	subject?: string | null;
	body: string;
	kind: string;
	/** unique per message: the same key twice queues one message */
	idempotencyKey: string;
	now: Date;
};

/**
 * Queues an SMS or e-mail for the background sender (same transaction as the change it reports).
 * Returns false when a message with this idempotency key was queued before.
 */
export async function enqueueOutbound(db: Db, input: OutboundInput): Promise<boolean> {
	return insertOutbound(db, {
		user_id: input.userId,
		notification_id: input.notificationId ?? null,
		channel: input.channel,
		address: input.address,
		subject: input.subject ?? null,
		body: input.body.slice(0, 2000),
		kind: input.kind,
		idempotency_key: input.idempotencyKey,
		next_attempt_at: input.now,
		created_at: input.now
	});
}
