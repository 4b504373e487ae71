// Issuers' signing keys: one Ed25519 and one SM2 key pair per issuer (regulator or institution;
// issuer null = the platform, which signs the status list). Private keys are stored encrypted
// (AES-256-GCM) under ANXUN_KEY_ENCRYPTION_KEY. Rotation retires a key — its public half stays
// published so what it signed remains checkable.
import { createCipheriv, createDecipheriv, createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sm2 } from 'sm-crypto-v2';
import type { Db } from '../db/index.ts';
import { withTransaction, type Tx } from '../db/transaction.ts';
import { findActiveKey, insertSigningKey, listKeysWithIssuer, lockIssuerKeys, markKeyRevoked, retireActiveKeys, type KeyAlg } from './signing-keys.repository.ts';
import type { PublishedKey, PublishedKeys } from './signature.ts';

let cachedKek: Buffer | null = null;

function parseKek(raw: string): Buffer {
	const trimmed = raw.trim();
	const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
	if (key.length !== 32) throw new Error('ANXUN_KEY_ENCRYPTION_KEY 应为 32 字节（64 位十六进制或 base64）');
	return key;
}

/**
 * The key-encryption key. From ANXUN_KEY_ENCRYPTION_KEY; when unset (development only) one is
 * generated on first use into <ANXUN_DATA_DIR>/key-encryption-key (mode 600) and logged as such.
 * Several instances or a PostgreSQL deployment must all set the same variable.
 */
export function keyEncryptionKey(): Buffer {
	if (cachedKek) return cachedKek;
	const raw = process.env.ANXUN_KEY_ENCRYPTION_KEY;
	if (raw) return (cachedKek = parseKek(raw));
	if (process.env.ANXUN_REQUIRE_KEY_ENV === '1') throw new Error('未设置 ANXUN_KEY_ENCRYPTION_KEY（生产环境必须设置，见 docs/CERTIFICATES.md）');
	const dir = process.env.ANXUN_DATA_DIR ?? './data';
	const file = join(dir, 'key-encryption-key');
	if (existsSync(file)) return (cachedKek = parseKek(readFileSync(file, 'utf8')));
	mkdirSync(dir, { recursive: true });
	const key = randomBytes(32);
	writeFileSync(file, key.toString('hex'), { mode: 0o600 });
	chmodSync(file, 0o600);
	console.warn(`[certificates] ANXUN_KEY_ENCRYPTION_KEY 未设置：已生成开发用密钥加密密钥 ${file}。生产环境请设置该环境变量（32 字节，64 位十六进制）。`);
	return (cachedKek = key);
}

export function encryptSecret(plain: Buffer): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', keyEncryptionKey(), iv);
	const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
	return [iv, cipher.getAuthTag(), ct].map((b) => b.toString('base64url')).join('.');
}

export function decryptSecret(enc: string): Buffer {
	const [iv, tag, ct] = enc.split('.').map((p) => Buffer.from(p, 'base64url'));
	if (!iv || !tag || !ct) throw new Error('加密私钥格式不正确');
	const decipher = createDecipheriv('aes-256-gcm', keyEncryptionKey(), iv);
	decipher.setAuthTag(tag);
	return Buffer.concat([decipher.update(ct), decipher.final()]);
}

export type SigningKey = { kid: string; alg: 'Ed25519' | 'SM2'; issuerOrgId: number | null; publicKey: string };
export type IssuerKeys = { ed25519: SigningKey & { privateKey: KeyObject }; sm2: SigningKey & { privateKeyHex: string } };

const privateCache = new Map<string, KeyObject | string>();

function newKid(alg: string, issuer: number | null, now: Date): string {
	const day = now.toISOString().slice(0, 10).replaceAll('-', '');
	return `${alg.toLowerCase()}-${issuer ?? 'platform'}-${day}-${randomBytes(3).toString('hex')}`;
}

async function createKey(db: Db, issuerOrgId: number | null, alg: KeyAlg, now: Date): Promise<void> {
	let publicKey: string;
	let secret: Buffer;
	if (alg === 'Ed25519') {
		const pair = generateKeyPairSync('ed25519');
		publicKey = pair.publicKey.export({ format: 'jwk' }).x!;
		secret = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
	} else {
		const pair = sm2.generateKeyPairHex();
		publicKey = pair.publicKey;
		secret = Buffer.from(pair.privateKey, 'utf8');
	}
	await insertSigningKey(db, { kid: newKid(alg, issuerOrgId, now), issuerOrgId, alg, publicKey, privateKeyEnc: encryptSecret(secret), now });
}

function unlock(row: { kid: string; alg: string; private_key_enc: string }): KeyObject | string {
	const hit = privateCache.get(row.kid);
	if (hit) return hit;
	const plain = decryptSecret(row.private_key_enc);
	const key = row.alg === 'Ed25519' ? createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' }) : plain.toString('utf8');
	privateCache.set(row.kid, key);
	return key;
}

async function createMissingKeys(tx: Tx, issuerOrgId: number | null, now: Date): Promise<void> {
	await lockIssuerKeys(tx, issuerOrgId);
	for (const alg of ['Ed25519', 'SM2'] as const) if (!(await findActiveKey(tx, issuerOrgId, alg))) await createKey(tx, issuerOrgId, alg, now);
}

/**
 * Creates the issuer's key pairs if it has none, without decrypting any private key: run at every
 * start so the keys are published before anything is signed, also by an instance that could not
 * (yet) decrypt them.
 */
export async function ensureIssuerKeysExist(db: Db, issuerOrgId: number | null, now: Date): Promise<void> {
	await withTransaction(db, (tx) => createMissingKeys(tx, issuerOrgId, now));
}

/** The issuer's active key pairs, created on first use (serialised per issuer so two requests agree). */
export async function ensureIssuerKeys(db: Db, issuerOrgId: number | null, now: Date): Promise<IssuerKeys> {
	return withTransaction(db, async (tx) => {
		await createMissingKeys(tx, issuerOrgId, now);
		const ed = (await findActiveKey(tx, issuerOrgId, 'Ed25519'))!;
		const sm = (await findActiveKey(tx, issuerOrgId, 'SM2'))!;
		return {
			ed25519: { kid: ed.kid, alg: 'Ed25519' as const, issuerOrgId, publicKey: ed.public_key, privateKey: unlock(ed) as KeyObject },
			sm2: { kid: sm.kid, alg: 'SM2' as const, issuerOrgId, publicKey: sm.public_key, privateKeyHex: unlock(sm) as string }
		};
	});
}

/** Retires the issuer's active keys (still published, still verifying) and creates new ones. */
export async function rotateIssuerKeys(db: Db, issuerOrgId: number | null, now: Date): Promise<IssuerKeys> {
	return withTransaction(db, async (tx) => {
		await lockIssuerKeys(tx, issuerOrgId);
		await retireActiveKeys(tx, issuerOrgId, now);
		return ensureIssuerKeys(tx, issuerOrgId, now);
	});
}

/** Marks a key compromised: what it signed no longer verifies. */
export async function revokeKey(db: Db, kid: string, now: Date): Promise<void> {
	await markKeyRevoked(db, kid, now);
}

export const PLATFORM_ISSUER_NAME = '安训平台';

/** The document served at /.well-known/anxun-keys.json (only the given key ids when `kids` is set). */
export async function listPublishedKeys(db: Db, now: Date, kids?: string[]): Promise<PublishedKeys> {
	const rows = await listKeysWithIssuer(db, kids);
	const keys: PublishedKey[] = rows.map((r) => ({
		kid: r.kid,
		alg: r.alg,
		issuer: { id: r.issuer_org_id, name: r.issuer_name ?? PLATFORM_ISSUER_NAME },
		publicKey: r.public_key,
		created: new Date(r.created_at).toISOString(),
		retired: r.retired_at ? new Date(r.retired_at).toISOString() : null,
		revoked: r.revoked_at ? new Date(r.revoked_at).toISOString() : null
	}));
	return { issuer: PLATFORM_ISSUER_NAME, generated: now.toISOString(), keys };
}
