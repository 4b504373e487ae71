import { randomInt } from 'node:crypto';

// Without look-alikes (0/O, 1/l/I) so it can be read aloud or copied from paper.
const LETTERS = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';

/**
 * A one-time password shown once to whoever creates the account; the account must change it at
 * first login (users.must_change_password). Letters and digits, so it meets newPasswordSchema.
 */
export function generateOneTimePassword(length = 12): string {
	const all = LETTERS + DIGITS;
	const chars = [LETTERS[randomInt(LETTERS.length)]!, DIGITS[randomInt(DIGITS.length)]!];
	while (chars.length < length) chars.push(all[randomInt(all.length)]!);
	for (let i = chars.length - 1; i > 0; i--) {
		const j = randomInt(i + 1);
		[chars[i], chars[j]] = [chars[j]!, chars[i]!];
	}
	return chars.join('');
}
