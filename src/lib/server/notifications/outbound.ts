import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { shanghaiDate } from '../../domain/dates.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { optedOut } from './kinds.ts';
import {
	countSentSince,
	failStaleSending,
	hasDueOutbound,
	listOptOuts,
	lockNextDue,
	lockRecipient,
	markAttemptFailed,
	markSending,
	markSent,
	markSuppressed,
	type OutboundRow
} from './outbound.repository.ts';
import type { Transports } from './sender.ts';

// The outbound sender: drains outbound_messages through the configured transports. Run as the
// 'outbound-send' job by the background worker of any instance.
//
// Each row goes queued → sending → sent | queued (retry) | failed, or → suppressed (no transport,
// opted out, daily cap). The claim (FOR UPDATE SKIP LOCKED, then status 'sending' committed BEFORE
// the transport is called) means two workers never send one row. The window: if the process dies
// after the transport accepted the message but before 'sent' is committed, the row stays 'sending';
// when its lease ends it is marked failed ("结果未知"), never sent again — at most once, at the cost
// of possibly losing that one message. Transport errors (server down, HTTP 5xx) are known failures
// and are retried with exponential backoff, up to MAX_ATTEMPTS tries.

export const MAX_ATTEMPTS = 5;
const BACKOFF_BASE_MS = 30_000;
const LEASE_MS = 5 * 60_000;
export const STALE_REASON = '发送过程中断，结果未知，为避免重复不再重发';

export type SendOptions = { dailyCap: number; batch?: number };
export type SendSummary = { sent: number; retried: number; failed: number; suppressed: number };

/** Delay before try n+1 after n failed tries: 30 s, 1 min, 2 min, 4 min. */
export function backoffMs(attempts: number): number {
	return BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1);
}

/** Start of the China calendar day of `now`: the daily cap counts from here. */
export function startOfShanghaiDay(now: Date): Date {
	return new Date(Date.parse(`${shanghaiDate(now)}T00:00:00+08:00`));
}

type Claim = { row: OutboundRow } | { suppressed: true } | null;

/** Claims the next due row, or suppresses it (no transport, opted out, over the cap). */
async function claimNext(db: Db, transports: Transports, now: Date, dailyCap: number): Promise<Claim> {
	return withTransaction(db, async (tx) => {
		const row = await lockNextDue(tx, now);
		if (!row) return null;
		if (!transports[row.channel]) {
			await markSuppressed(tx, row.id, row.channel === 'sms' ? '未配置短信网关，仅站内消息' : '未配置邮件服务器，仅站内消息');
			return { suppressed: true as const };
		}
		if (row.user_id !== null && optedOut(row.kind, row.channel, await listOptOuts(tx, row.user_id))) {
			await markSuppressed(tx, row.id, '本人已退订此类消息');
			return { suppressed: true as const };
		}
		await lockRecipient(tx, row);
		if ((await countSentSince(tx, row, startOfShanghaiDay(now))) >= dailyCap) {
			await markSuppressed(tx, row.id, `已达每人每日 ${dailyCap} 条上限，仅站内消息`);
			return { suppressed: true as const };
		}
		await markSending(tx, row.id, new Date(now.getTime() + LEASE_MS));
		return { row: { ...row, attempts: row.attempts + 1 } };
	});
}

/** Sends due messages until none is due or `batch` were handled. */
export async function sendDueOutbound(db: Db, transports: Transports, now: () => Date, options: SendOptions): Promise<SendSummary> {
	const summary: SendSummary = { sent: 0, retried: 0, failed: 0, suppressed: 0 };
	summary.failed += await failStaleSending(db, now(), STALE_REASON);
	const batch = options.batch ?? 50;
	for (let i = 0; i < batch; i++) {
		const claim = await claimNext(db, transports, now(), options.dailyCap);
		if (!claim) break;
		if ('suppressed' in claim) {
			summary.suppressed++;
			continue;
		}
		const { row } = claim;
		try {
			await transports[row.channel]!.send({ id: row.id, channel: row.channel, address: row.address, subject: row.subject, body: row.body, kind: row.kind, idempotencyKey: row.idempotency_key });
		} catch (err) {
			const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
			const retry = row.attempts < MAX_ATTEMPTS;
			await markAttemptFailed(db, row.id, message, retry ? new Date(now().getTime() + backoffMs(row.attempts)) : null);
			if (retry) summary.retried++;
			else summary.failed++;
			continue;
		}
		await markSent(db, row.id, now());
		summary.sent++;
	}
	return summary;
}

/** Queues the sender job when something is due; a job already waiting absorbs the request. */
export async function ensureOutboundJob(db: Db, now: Date): Promise<void> {
	if (await hasDueOutbound(db, now)) await enqueueJob(db, { kind: 'outbound-send', dedupeKey: 'due', runAfter: now, now });
}
