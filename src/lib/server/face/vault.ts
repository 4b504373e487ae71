// Biometric data at rest: reference images, embeddings and snapshots are stored encrypted with
// AES-256-GCM (node:crypto). The key comes from ANXUN_FACE_KEY (64 hex digits, or any passphrase,
// hashed with SHA-256); without it a fixed development key is used and a warning is logged once.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const DEV_FACE_KEY = 'anxun-dev-face-key-change-me';
let warned = false;

export function faceKey(env: Record<string, string | undefined> = process.env): Buffer {
	const raw = env.ANXUN_FACE_KEY;
	if (!raw) {
		if (!warned && env.NODE_ENV === 'production') console.warn('ANXUN_FACE_KEY 未设置：人脸数据正使用开发密钥加密');
		warned = true;
		return createHash('sha256').update(DEV_FACE_KEY).digest();
	}
	if (/^[0-9a-f]{64}$/i.test(raw)) return Buffer.from(raw, 'hex');
	return createHash('sha256').update(raw).digest();
}

/** version byte 1 | 12-byte IV | 16-byte tag | ciphertext */
export function seal(plain: Uint8Array, key: Buffer = faceKey()): Buffer {
	const iv = randomBytes(12);
	const c = createCipheriv('aes-256-gcm', key, iv);
	const body = Buffer.concat([c.update(plain), c.final()]);
	return Buffer.concat([Buffer.from([1]), iv, c.getAuthTag(), body]);
}

export function open(sealed: Uint8Array, key: Buffer = faceKey()): Buffer {
	const b = Buffer.from(sealed);
	if (b[0] !== 1 || b.length < 29) throw new Error('人脸数据格式不正确');
	const d = createDecipheriv('aes-256-gcm', key, b.subarray(1, 13));
	d.setAuthTag(b.subarray(13, 29));
	return Buffer.concat([d.update(b.subarray(29)), d.final()]);
}

export const sealEmbedding = (e: readonly number[]) => seal(Buffer.from(new Float32Array(e).buffer));
export function openEmbedding(sealed: Uint8Array): number[] {
	const b = open(sealed);
	return Array.from(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4));
}
