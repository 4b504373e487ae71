import nodemailer from 'nodemailer';

// The transports that carry an outbound message out of Anxun: e-mail over SMTP (nodemailer) and an
// HTTP SMS gateway. Configured from the environment; a channel without configuration has no
// transport, and its messages stay in-app only (the sender marks them suppressed).

export type Envelope = { id: number; channel: 'sms' | 'email'; address: string; subject: string | null; body: string; kind: string; idempotencyKey: string };

export type Transport = {
	/** Resolves once the server / gateway accepted the message; throws when it did not. */
	send(message: Envelope): Promise<void>;
	close(): void;
};

export type Transports = { sms: Transport | null; email: Transport | null };

export type TransportConfig = {
	smtpUrl: string | null;
	smtpFrom: string;
	smsGatewayUrl: string | null;
	smsTemplate: string;
};

export function transportConfigFromEnv(env: Record<string, string | undefined>): TransportConfig {
	return {
		smtpUrl: env.ANXUN_SMTP_URL?.trim() || null,
		smtpFrom: env.ANXUN_SMTP_FROM?.trim() || '安训 <noreply@anxun.local>',
		smsGatewayUrl: env.ANXUN_SMS_GATEWAY_URL?.trim() || null,
		smsTemplate: env.ANXUN_SMS_TEMPLATE?.trim() || '【安训】{text}'
	};
}

export function dailyCapFromEnv(env: Record<string, string | undefined>): number {
	const n = Number(env.ANXUN_OUTBOUND_DAILY_CAP ?? '');
	return Number.isInteger(n) && n >= 0 && env.ANXUN_OUTBOUND_DAILY_CAP?.trim() ? n : 20;
}

export function openTransports(config: TransportConfig): Transports {
	return {
		email: config.smtpUrl ? smtpTransport(config.smtpUrl, config.smtpFrom) : null,
		sms: config.smsGatewayUrl ? httpSmsTransport(config.smsGatewayUrl, config.smsTemplate) : null
	};
}

/**
 * E-mail through an SMTP server (smtp://user:pass@host:587, smtps://… for TLS). The idempotency key
 * becomes the Message-ID, so a receiving system can recognise the same message.
 */
export function smtpTransport(url: string, from: string): Transport {
	// short timeouts: a server that is down fails this attempt fast and the row is retried later
	const transporter = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }, { from });
	return {
		async send(m) {
			await transporter.sendMail({
				from,
				to: m.address,
				subject: m.subject ?? '安训通知',
				text: m.body,
				messageId: `<${m.idempotencyKey.replace(/[^A-Za-z0-9._-]/g, '.')}@anxun>`,
				headers: { 'X-Anxun-Idempotency-Key': m.idempotencyKey }
			});
		},
		close() {
			transporter.close();
		}
	};
}

/** Fills the SMS template: {text} is the message. */
export function renderSms(template: string, text: string): string {
	return template.includes('{text}') ? template.replace('{text}', () => text) : `${template}${text}`;
}

/**
 * SMS through an HTTP gateway: POST {to, text, id} as JSON, with the idempotency key as `id` and in
 * the Idempotency-Key header, so a gateway that dedupes never sends one message twice. Any 2xx is success.
 */
export function httpSmsTransport(url: string, template: string): Transport {
	return {
		async send(m) {
			const res = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'idempotency-key': m.idempotencyKey },
				body: JSON.stringify({ to: m.address, text: renderSms(template, m.body), id: m.idempotencyKey }),
				signal: AbortSignal.timeout(15_000)
			});
			await res.body?.cancel();
			if (!res.ok) throw new Error(`SMS gateway answered HTTP ${res.status}`);
		},
		close() {}
	};
}
