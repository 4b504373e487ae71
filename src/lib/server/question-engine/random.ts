import { createHash } from 'node:crypto';

// Papers are reproducible from their seed: the same seed, pool and code give the same paper.
// The seed is a random string stored on the attempt when it starts (e.g. crypto.randomUUID()).
// Changing this generator, or the order in which drawPaper consumes it, changes the paper of every
// stored seed — so store the drawn slots as well; the seed is for audit and reproduction.

/** A generator of numbers in [0, 1). */
export type Rng = () => number;

/** xoshiro128** (Blackman & Vigna), its 128-bit state taken from SHA-256 of the seed. */
export function createRng(seed: string): Rng {
	const digest = createHash('sha256').update(seed, 'utf8').digest();
	let a = digest.readUInt32LE(0);
	let b = digest.readUInt32LE(4);
	let c = digest.readUInt32LE(8);
	let d = digest.readUInt32LE(12);
	// The all-zero state would only ever produce zeros.
	if ((a | b | c | d) === 0) a = 1;
	return () => {
		const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
		const t = b << 9;
		c ^= a;
		d ^= b;
		b ^= c;
		a ^= d;
		c ^= t;
		d = rotl(d, 11);
		return result / 4294967296;
	};
}

function rotl(x: number, k: number): number {
	return (x << k) | (x >>> (32 - k));
}

/** An integer in 0 … n − 1 (the bias of 32 bits over n is negligible for paper sizes). */
export function randomInt(rng: Rng, n: number): number {
	if (!Number.isInteger(n) || n < 1) throw new RangeError(`randomInt: n must be a positive integer, got ${n}`);
	return Math.floor(rng() * n);
}

/** A shuffled copy (Fisher–Yates); the input is left as it was. */
export function shuffle<T>(items: readonly T[], rng: Rng): T[] {
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = randomInt(rng, i + 1);
		const tmp = out[i] as T;
		out[i] = out[j] as T;
		out[j] = tmp;
	}
	return out;
}

/**
 * The items in random order, drawn lazily (Fisher–Yates from the front), so taking k of n costs k
 * steps of the generator rather than n. The input is left as it was.
 */
export function* randomOrder<T>(items: readonly T[], rng: Rng): Generator<T, void, undefined> {
	const rest = [...items];
	for (let i = 0; i < rest.length; i++) {
		const j = i + randomInt(rng, rest.length - i);
		const picked = rest[j] as T;
		rest[j] = rest[i] as T;
		rest[i] = picked;
		yield picked;
	}
}
