import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import type { JobHandler } from '../jobs/queue.ts';
import { ensureOutboundJob, sendDueOutbound } from './outbound.ts';
import { notifyCertificatesExpiring, notifyStudyDeadlines } from './producers.ts';
import { dailyCapFromEnv, openTransports, transportConfigFromEnv } from './sender.ts';

// The notification jobs the background worker runs: the daily reminders (queued once per China
// calendar day across all instances, run from 08:00 so nobody's phone buzzes at midnight) and the sender.

const REMINDER_HOUR = 8;

export const notificationJobHandlers: Record<string, JobHandler> = {
	'notify-study-deadlines': async (db, _payload, now) => {
		await withTransaction(db, (tx) => notifyStudyDeadlines(tx, now));
	},
	'notify-certificates-expiring': async (db, _payload, now) => {
		await withTransaction(db, (tx) => notifyCertificatesExpiring(tx, now));
	},
	'outbound-send': async (db) => {
		const transports = openTransports(transportConfigFromEnv(process.env));
		try {
			await sendDueOutbound(db, transports, () => new Date(), { dailyCap: dailyCapFromEnv(process.env) });
		} finally {
			transports.email?.close();
			transports.sms?.close();
		}
	}
};

/** 08:00 China time of the day of `now`. */
export function reminderTime(now: Date): Date {
	const day = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
	return new Date(Date.parse(`${day}T${String(REMINDER_HOUR).padStart(2, '0')}:00:00+08:00`));
}

export async function queueNotificationJobs(db: Db, now: Date, ensureDailyJob: (db: Db, kind: string, now: Date, runAfter?: Date) => Promise<void>): Promise<void> {
	const at = reminderTime(now);
	await ensureDailyJob(db, 'notify-study-deadlines', now, at);
	await ensureDailyJob(db, 'notify-certificates-expiring', now, at);
	await ensureOutboundJob(db, now);
}
