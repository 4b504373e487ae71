import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

// 激活码: a one-time code the person must type besides 身份证号 + 手机号, so a co-worker who knows
// both cannot claim the account. The enterprise admin prints it (or, when an SMS channel is
// configured, it is sent to the person's 手机号). Only a hash is stored; it expires, is used
// once, and issuing a new one revokes the previous one.

export const ACTIVATION_CODE_TTL_MS = 7 * 24 * 3600 * 1000;
// No 0/O, 1/I/L: the code is read off paper.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const ACTIVATION_CODE_LENGTH = 8;

export function generateActivationCode(): string {
	let code = '';
	for (let i = 0; i < ACTIVATION_CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
	return code;
}

/** Upper-case, without spaces or dashes, as people type a printed code. */
export function normaliseActivationCode(raw: string): string {
	return raw.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
}

export function hashActivationCode(personId: number, code: string): string {
	return createHash('sha256').update(`anxun-activation-code\n${personId}\n${normaliseActivationCode(code)}`).digest('hex');
}

export function activationCodeMatches(storedHash: string, personId: number, code: string): boolean {
	const a = Buffer.from(storedHash, 'hex');
	const b = Buffer.from(hashActivationCode(personId, code), 'hex');
	return a.length === b.length && timingSafeEqual(a, b);
}

/** How a code reaches the person: printed by the admin, or sent by a configured SMS webhook. */
export type ActivationCodeChannel = { kind: 'print' } | { kind: 'sms'; send: (message: { mobile: string; text: string }) => Promise<void> };

/** ANXUN_SMS_WEBHOOK (a URL that takes POST {mobile, text}) when set, else printed codes. */
export function activationChannelFromEnv(env: Record<string, string | undefined>): ActivationCodeChannel {
	const url = env.ANXUN_SMS_WEBHOOK?.trim();
	if (!url) return { kind: 'print' };
	return {
		kind: 'sms',
		send: async ({ mobile, text }) => {
			const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mobile, text }), signal: AbortSignal.timeout(10_000) });
			if (!r.ok) throw new Error(`短信网关返回 HTTP ${r.status}`);
		}
	};
}

export function activationCodeText(code: string, expiresAt: Date): string {
	const day = new Date(expiresAt.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
	return `【安训】您的账号激活码为 ${code}，${day} 前有效，仅可使用一次。请在登录页“激活账号”输入身份证号、手机号和激活码。请勿告诉他人。`;
}
