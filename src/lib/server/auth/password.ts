import { hash, verify } from '@node-rs/argon2';

// @node-rs/argon2 defaults to Argon2id; the parameters are OWASP's minimum for argon2id
// (19 MiB, 2 passes) — about 50 ms a hash on this hardware.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
	return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

// Verifying against this keeps an unknown account as slow as a known one.
// Computed at start, so the first unknown account is not slower by one hash.
const dummyHash: Promise<string> = hashPassword('anxun-dummy-password');
export async function verifyDummyPassword(password: string): Promise<void> {
	await verifyPassword(await dummyHash, password);
}
