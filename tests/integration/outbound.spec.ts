// The outbound sender against real transports started by the test: a local SMTP server
// (smtp-server) and a local HTTP SMS gateway (node:http). Asserts what arrived, and that a server
// that is down loses nothing and sends nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser } from '../support/factories.ts';
import { enqueueOutbound } from '../../src/lib/server/notifications/notify.ts';
import { MAX_ATTEMPTS, STALE_REASON, backoffMs, ensureOutboundJob, sendDueOutbound } from '../../src/lib/server/notifications/outbound.ts';
import { openTransports, transportConfigFromEnv, type Transports } from '../../src/lib/server/notifications/sender.ts';
import type { Db } from '../../src/lib/server/db/index.ts';

type Mail = { from: string; to: string[]; raw: string; subject: string; text: string; key: string | null };
type Sms = { to: string; text: string; id: string; header: string | undefined };

function decodeBody(raw: string): { subject: string; text: string; key: string | null } {
	const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
	const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
	const header = (name: string) => unfolded.match(new RegExp(`^${name}:\\s*(.*)$`, 'im'))?.[1]?.trim() ?? null;
	const decodeWord = (s: string) =>
		s.replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_, enc: string, data: string) =>
			enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')
		);
	const body = rest.join('\n\n');
	const cte = (header('Content-Transfer-Encoding') ?? '7bit').toLowerCase();
	const text =
		cte === 'base64'
			? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
			: cte === 'quoted-printable'
				? Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')
				: body;
	return { subject: decodeWord(header('Subject') ?? ''), text: text.trim(), key: header('X-Anxun-Idempotency-Key') };
}

async function startSmtp(mails: Mail[]): Promise<{ server: SMTPServer; port: number }> {
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (c: Buffer) => chunks.push(c));
			stream.on('end', () => {
				const raw = Buffer.concat(chunks).toString('utf8');
				mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw, ...decodeBody(raw) });
				callback();
			});
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { server, port: (server.server.address() as AddressInfo).port };
}

async function startGateway(received: Sms[], status: { code: number }): Promise<{ server: Server; url: string }> {
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			if (status.code < 300) received.push({ ...(JSON.parse(body) as { to: string; text: string; id: string }), header: req.headers['idempotency-key'] as string | undefined });
			res.writeHead(status.code, { 'content-type': 'application/json' }).end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms` };
}

/** A port nothing listens on (an SMTP server that is down). */
async function deadPort(): Promise<number> {
	const s = createServer();
	await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
	const port = (s.address() as AddressInfo).port;
	await new Promise((resolve) => s.close(resolve));
	return port;
}

const T0 = new Date('2026-03-01T02:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
let seq = 0;

for (const backend of BACKENDS) {
	describe(`outbound sender (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		let org: number;
		const mails: Mail[] = [];
		const sms: Sms[] = [];
		const gatewayStatus = { code: 200 };
		let smtp: { server: SMTPServer; port: number };
		let gateway: { server: Server; url: string };
		let transports: Transports;

		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			org = await makeOrg(db, 'enterprise');
			smtp = await startSmtp(mails);
			gateway = await startGateway(sms, gatewayStatus);
			transports = openTransports(transportConfigFromEnv({ ANXUN_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, ANXUN_SMTP_FROM: '安训 <noreply@anxun.test>', ANXUN_SMS_GATEWAY_URL: gateway.url, ANXUN_SMS_TEMPLATE: '【安训】{text} 退订回T' }));
		});
		afterAll(async () => {
			transports?.email?.close();
			await new Promise((resolve) => smtp?.server.close(() => resolve(null)));
			await new Promise((resolve) => gateway?.server.close(() => resolve(null)));
			await t?.close();
		});

		const queue = async (userId: number | null, channel: 'sms' | 'email', address: string, opts: { kind?: string; body?: string; now?: Date } = {}) => {
			const key = `test:${++seq}`;
			await enqueueOutbound(db, { userId, channel, address, subject: channel === 'email' ? `主题${seq}` : null, body: opts.body ?? `您好，这是第 ${seq} 条消息。`, kind: opts.kind ?? 'course_assigned', idempotencyKey: key, now: opts.now ?? T0 });
			return key;
		};
		const row = (key: string) => db.selectFrom('outbound_messages').selectAll().where('idempotency_key', '=', key).executeTakeFirstOrThrow();
		const mailsWith = (key: string) => mails.filter((m) => m.key === key);
		const smsWith = (key: string) => sms.filter((m) => m.id === key);

		it('delivers e-mail over SMTP and SMS through the gateway: what arrived is what was queued', async () => {
			const user = await makeUser(db, { role: 'learner', orgId: org });
			const mailKey = await queue(user.id, 'email', 'zhang@example.com', { body: '您的课程「安全生产法」已分配，请在 2026-06-30 前完成。' });
			const smsKey = await queue(user.id, 'sms', user.mobile, { body: '考试安排：3 月 5 日 09:00' });
			const resetKey = await queue(user.id, 'sms', user.mobile, { kind: 'password_reset', body: '验证码 482913，10 分钟内有效。' });
			const summary = await sendDueOutbound(db, transports, () => T0, { dailyCap: 20 });
			expect(summary).toEqual({ sent: 3, retried: 0, failed: 0, suppressed: 0 });

			const [mail] = mailsWith(mailKey);
			expect(mailsWith(mailKey)).toHaveLength(1);
			expect(mail!.to).toEqual(['zhang@example.com']);
			expect(mail!.from).toBe('noreply@anxun.test');
			expect(mail!.subject).toMatch(/^主题\d+$/);
			expect(mail!.text).toBe('您的课程「安全生产法」已分配，请在 2026-06-30 前完成。');
			expect(mail!.raw).toMatch(/^Message-ID: <test:\d+@anxun>|^Message-ID: <test\.\d+@anxun>/im);

			expect(smsWith(smsKey)).toEqual([{ to: user.mobile, text: '【安训】考试安排：3 月 5 日 09:00 退订回T', id: smsKey, header: smsKey }]);
			expect(smsWith(resetKey)[0]!.text).toContain('验证码 482913');
			for (const key of [mailKey, smsKey, resetKey]) expect(await row(key)).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
			expect((await row(mailKey)).sent_at).not.toBeNull();
			// nothing is due any more: running again sends nothing
			expect(await sendDueOutbound(db, transports, () => at(60_000), { dailyCap: 20 })).toEqual({ sent: 0, retried: 0, failed: 0, suppressed: 0 });
			expect(mailsWith(mailKey)).toHaveLength(1);
		});

		it('SMTP down: retried with backoff, delivered once when the server is back, none lost, none twice', async () => {
			const user = await makeUser(db, { role: 'learner', orgId: org });
			const keys = [await queue(user.id, 'email', 'li@example.com'), await queue(user.id, 'email', 'li@example.com')];
			const down = openTransports(transportConfigFromEnv({ ANXUN_SMTP_URL: `smtp://127.0.0.1:${await deadPort()}` }));
			expect(await sendDueOutbound(db, down, () => T0, { dailyCap: 20 })).toMatchObject({ sent: 0, retried: 2 });
			for (const key of keys) {
				const r = await row(key);
				expect(r).toMatchObject({ status: 'queued', attempts: 1 });
				expect(r.last_error).toMatch(/ECONNREFUSED|connect/i);
				expect(new Date(r.next_attempt_at).getTime()).toBe(T0.getTime() + backoffMs(1));
			}
			// not due yet: nothing happens before the backoff ends
			expect(await sendDueOutbound(db, transports, () => at(backoffMs(1) - 1000), { dailyCap: 20 })).toMatchObject({ sent: 0 });
			// second failure doubles the wait
			expect(await sendDueOutbound(db, down, () => at(backoffMs(1)), { dailyCap: 20 })).toMatchObject({ retried: 2 });
			expect(new Date((await row(keys[0]!)).next_attempt_at).getTime()).toBe(T0.getTime() + backoffMs(1) + backoffMs(2));
			down.email?.close();
			// the server is back
			const later = at(backoffMs(1) + backoffMs(2));
			expect(await sendDueOutbound(db, transports, () => later, { dailyCap: 20 })).toMatchObject({ sent: 2 });
			await sendDueOutbound(db, transports, () => at(3_600_000), { dailyCap: 20 });
			for (const key of keys) {
				expect(mailsWith(key)).toHaveLength(1);
				expect(await row(key)).toMatchObject({ status: 'sent', attempts: 3 });
			}
		});

		it(`gives up after ${MAX_ATTEMPTS} tries (failed, with its error), and a gateway error is retried like SMTP`, async () => {
			const user = await makeUser(db, { role: 'learner', orgId: org });
			const key = await queue(user.id, 'sms', user.mobile);
			gatewayStatus.code = 503;
			let clock = T0.getTime();
			for (let i = 1; i <= MAX_ATTEMPTS; i++) {
				await sendDueOutbound(db, transports, () => new Date(clock), { dailyCap: 20 });
				expect((await row(key)).attempts).toBe(i);
				clock += backoffMs(i);
			}
			gatewayStatus.code = 200;
			await sendDueOutbound(db, transports, () => new Date(clock + 86_400_000), { dailyCap: 20 });
			const r = await row(key);
			expect(r).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, last_error: 'SMS gateway answered HTTP 503' });
			expect(smsWith(key)).toHaveLength(0);
		});

		it('a crash after the claim never sends the message again (at most once)', async () => {
			const user = await makeUser(db, { role: 'learner', orgId: org });
			const key = await queue(user.id, 'email', 'wang@example.com');
			// the worker claimed it (status sending, lease until T0 + 5 min) and died before recording the outcome
			await db.updateTable('outbound_messages').set({ status: 'sending', attempts: 1, next_attempt_at: at(300_000) }).where('idempotency_key', '=', key).execute();
			expect(await sendDueOutbound(db, transports, () => at(60_000), { dailyCap: 20 })).toMatchObject({ sent: 0, failed: 0 });
			expect(await sendDueOutbound(db, transports, () => at(600_000), { dailyCap: 20 })).toMatchObject({ sent: 0, failed: 1 });
			expect(await row(key)).toMatchObject({ status: 'failed', last_error: STALE_REASON });
			expect(mailsWith(key)).toHaveLength(0);
		});

		it('two workers draining at once send every message exactly once', async () => {
			const user = await makeUser(db, { role: 'learner', orgId: org });
			const keys: string[] = [];
			for (let i = 0; i < 8; i++) keys.push(await queue(user.id, i % 2 ? 'sms' : 'email', i % 2 ? user.mobile : 'zhao@example.com', { now: at(2 * 86_400_000) }));
			const when = () => at(2 * 86_400_000);
			const [a, b] = await Promise.all([sendDueOutbound(db, transports, when, { dailyCap: 20 }), sendDueOutbound(db, transports, when, { dailyCap: 20 })]);
			expect(a.sent + b.sent).toBe(8);
			for (const key of keys) expect(mailsWith(key).length + smsWith(key).length).toBe(1);
		});

		it('per-person daily cap: beyond it messages stay in-app only; the next day counts afresh', async () => {
			const user = await makeUser(db, { role: 'learner', orgId: org });
			const day = at(5 * 86_400_000);
			const keys: string[] = [];
			for (let i = 0; i < 5; i++) keys.push(await queue(user.id, 'sms', user.mobile, { now: day }));
			expect(await sendDueOutbound(db, transports, () => day, { dailyCap: 3 })).toMatchObject({ sent: 3, suppressed: 2 });
			const rows = await Promise.all(keys.map(row));
			expect(rows.filter((r) => r.status === 'sent')).toHaveLength(3);
			expect(rows.filter((r) => r.status === 'suppressed').every((r) => r.last_error!.includes('每日 3 条上限'))).toBe(true);
			expect(keys.reduce((n, k) => n + smsWith(k).length, 0)).toBe(3);
			const nextDay = at(6 * 86_400_000);
			const tomorrow = await queue(user.id, 'sms', user.mobile, { now: nextDay });
			expect(await sendDueOutbound(db, transports, () => nextDay, { dailyCap: 3 })).toMatchObject({ sent: 1 });
			expect(smsWith(tomorrow)).toHaveLength(1);
		});

		it('opt-out stops that kind on that channel; a password-reset code is delivered regardless', async () => {
			const user = await makeUser(db, { role: 'learner', orgId: org });
			await db
				.insertInto('notification_opt_outs')
				.values([
					{ user_id: user.id, kind: 'course_assigned', channel: 'sms', created_at: T0 },
					{ user_id: user.id, kind: 'password_reset', channel: 'sms', created_at: T0 }
				])
				.execute();
			const when = at(7 * 86_400_000);
			const optedOut = await queue(user.id, 'sms', user.mobile, { kind: 'course_assigned', now: when });
			const stillEmail = await queue(user.id, 'email', 'opt@example.com', { kind: 'course_assigned', now: when });
			const reset = await queue(user.id, 'sms', user.mobile, { kind: 'password_reset', now: when });
			expect(await sendDueOutbound(db, transports, () => when, { dailyCap: 20 })).toMatchObject({ sent: 2, suppressed: 1 });
			expect(await row(optedOut)).toMatchObject({ status: 'suppressed', last_error: '本人已退订此类消息' });
			expect(smsWith(optedOut)).toHaveLength(0);
			expect(mailsWith(stillEmail)).toHaveLength(1);
			expect(smsWith(reset)).toHaveLength(1);
		});

		it('with no transport configured, messages are suppressed (in-app only) and the job is queued only when something is due', async () => {
			const user = await makeUser(db, { role: 'learner', orgId: org });
			const when = at(8 * 86_400_000);
			const key = await queue(user.id, 'sms', user.mobile, { now: when });
			await ensureOutboundJob(db, when);
			await ensureOutboundJob(db, when);
			expect(await db.selectFrom('jobs').select('id').where('kind', '=', 'outbound-send').where('done_at', 'is', null).execute()).toHaveLength(1);
			const none = openTransports(transportConfigFromEnv({}));
			expect(none).toEqual({ sms: null, email: null });
			expect(await sendDueOutbound(db, none, () => when, { dailyCap: 20 })).toMatchObject({ suppressed: 1, sent: 0 });
			expect(await row(key)).toMatchObject({ status: 'suppressed', last_error: '未配置短信网关，仅站内消息' });
			expect(smsWith(key)).toHaveLength(0);
		});
	});
}
