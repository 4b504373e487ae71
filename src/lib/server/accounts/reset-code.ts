import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { generateActivationCode, normaliseActivationCode } from '../people/activation-code.ts';

// 密码重置码: one-time, 24 hours, only a hash is stored (bound to the account, so a code is
// worthless for any other). An admin's code is read off a screen or paper like an 激活码 (same
// alphabet); a self-service code goes by SMS and is 6 digits.

export const RESET_CODE_TTL_MS = 24 * 3600 * 1000;

export function generateAdminResetCode(): string {
	return generateActivationCode();
}

export function generateSelfResetCode(): string {
	return String(randomInt(1_000_000)).padStart(6, '0');
}

export function hashResetCode(userId: number, code: string): string {
	return createHash('sha256').update(`anxun-password-reset\n${userId}\n${normaliseActivationCode(code)}`).digest('hex');
}

export function resetCodeMatches(storedHash: string, userId: number, code: string): boolean {
	const a = Buffer.from(storedHash, 'hex');
	const b = Buffer.from(hashResetCode(userId, code), 'hex');
	return a.length === b.length && timingSafeEqual(a, b);
}
