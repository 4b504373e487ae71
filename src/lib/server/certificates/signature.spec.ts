import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { sm2, sm3 } from 'sm-crypto-v2';
import {
	bitAt,
	canonicalPayload,
	checkSignedCertificate,
	encodeBitstring,
	hashIdNumber,
	MIN_STATUS_BITS,
	parseSignedCertificate,
	signEd25519,
	signSm2,
	SM2_USER_ID,
	verifySm2,
	type CertificatePayload,
	type PublishedKeys,
	type SignedCertificate
} from './signature.ts';

describe('SM2/SM3 against the standards’ published examples', () => {
	it('SM3("abc") is the GM/T 0004 (GB/T 32905) example digest', () => {
		expect(sm3('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
		// second example: "abcd" × 16
		expect(sm3('abcd'.repeat(16))).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
	});

	// GM/T 0003.5-2012 (GB/T 32918.5) 附录A 数字签名示例, recommended curve sm2p256v1, ID "1234567812345678", message "message digest"
	const d = '3945208f7b2144b13f36e38ac6d39f9588939369' + '2860b51a42fb81ef4df7c5b8';
	const pub = '04' + '09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020' + 'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13';
	const r = 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3';
	const s = 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa';
	const msg = Buffer.from('message digest');

	it('verifies the standard’s example signature with its public key', () => {
		expect(SM2_USER_ID).toBe('1234567812345678');
		expect(verifySm2(pub, msg, r + s)).toBe(true);
		expect(sm2.getPublicKeyFromPrivateKey(d)).toBe(pub);
		// one bit changed in s, or another message: refused
		expect(verifySm2(pub, msg, r + s.slice(0, -1) + 'b')).toBe(false);
		expect(verifySm2(pub, Buffer.from('message digesT'), r + s)).toBe(false);
	});

	it('signs with the example private key so that the example public key verifies', () => {
		const sig = signSm2(d, msg);
		expect(sig).toMatch(/^[0-9a-f]{128}$/);
		expect(verifySm2(pub, msg, sig)).toBe(true);
	});
});

function fixture() {
	const ed = generateKeyPairSync('ed25519');
	const smPair = sm2.generateKeyPairHex();
	const payload: CertificatePayload = {
		v: 1,
		number: 'TZ-2026-500112-000042-K',
		type: 'special_work',
		typeName: '中华人民共和国特种作业操作证',
		holderName: '孙海涛',
		idNumberMasked: '5001**********001X',
		idNumberHash: hashIdNumber('salt', '50011219900101001X'),
		idNumberSalt: 'salt',
		operationCode: '1.2',
		operationName: '电工作业 · 低压电工作业',
		issuer: { id: 3, name: '重庆市渝北区应急管理局' },
		issuedOn: '2026-12-01',
		validUntil: '2032-11-30',
		kid: 'ed25519-3-a',
		statusIndex: 17
	};
	const bytes = canonicalPayload(payload);
	const doc: SignedCertificate = { payload, proof: { ed25519: { kid: 'ed25519-3-a', sig: signEd25519(ed.privateKey, bytes) }, sm2: { kid: 'sm2-3-a', sig: signSm2(smPair.privateKey, bytes) } } };
	const keys: PublishedKeys = {
		issuer: '安训平台',
		generated: '2026-12-01T00:00:00Z',
		keys: [
			{ kid: 'ed25519-3-a', alg: 'Ed25519', issuer: { id: 3, name: 'x' }, publicKey: ed.publicKey.export({ format: 'jwk' }).x!, created: '2026-01-01T00:00:00Z', retired: null, revoked: null },
			{ kid: 'sm2-3-a', alg: 'SM2', issuer: { id: 3, name: 'x' }, publicKey: smPair.publicKey, created: '2026-01-01T00:00:00Z', retired: null, revoked: null }
		]
	};
	return { doc, keys };
}

describe('signed certificate payload', () => {
	it('verifies, and canonical JSON does not depend on key order', () => {
		const { doc, keys } = fixture();
		expect(checkSignedCertificate(doc, keys)).toMatchObject({ ok: true, ed25519: 'valid', sm2: 'valid' });
		const reordered = Object.fromEntries(Object.entries(doc.payload).reverse()) as CertificatePayload;
		expect(checkSignedCertificate({ ...doc, payload: reordered }, keys).ok).toBe(true);
	});

	it('fails when any single field of the payload changes', () => {
		const { doc, keys } = fixture();
		const changes: Partial<Record<keyof CertificatePayload, unknown>> = {
			v: 2,
			number: 'TZ-2026-500112-000043-K',
			type: 'training',
			typeName: '培训合格证明',
			holderName: '孙海滔',
			idNumberMasked: '5001**********002X',
			idNumberHash: hashIdNumber('salt', '500112199001010028'),
			idNumberSalt: 'salt2',
			operationCode: '1.1',
			operationName: '电工作业 · 高压电工作业',
			issuer: { id: 4, name: '重庆市渝北区应急管理局' },
			issuedOn: '2026-12-02',
			validUntil: '2033-11-30',
			kid: 'ed25519-3-b',
			statusIndex: 18
		};
		expect(Object.keys(changes).sort()).toEqual(Object.keys(doc.payload).sort());
		for (const [field, value] of Object.entries(changes)) {
			const tampered = { ...doc, payload: { ...doc.payload, [field]: value } as CertificatePayload };
			const check = checkSignedCertificate(tampered, keys);
			expect(check.ok, field).toBe(false);
			if (field !== 'kid' && field !== 'issuer') expect(check.ed25519, field).toBe('invalid');
			if (field !== 'issuer') expect(check.sm2, field).toBe('invalid');
		}
		// the issuer name alone (same id) changed: still caught by both signatures
		const renamed = { ...doc, payload: { ...doc.payload, issuer: { id: 3, name: '伪造应急管理局' } } };
		expect(checkSignedCertificate(renamed, keys)).toMatchObject({ ok: false, ed25519: 'invalid', sm2: 'invalid' });
	});

	it('reports unknown, revoked, retired-before-issue and foreign keys as such', () => {
		const { doc, keys } = fixture();
		const without = { ...keys, keys: keys.keys.filter((k) => k.alg !== 'Ed25519') };
		expect(checkSignedCertificate(doc, without)).toMatchObject({ ok: false, ed25519: 'unknown_key' });
		const revoked = { ...keys, keys: keys.keys.map((k) => ({ ...k, revoked: '2026-12-05T00:00:00Z' })) };
		expect(checkSignedCertificate(doc, revoked)).toMatchObject({ ok: false, ed25519: 'revoked_key', sm2: 'revoked_key' });
		const retiredBefore = { ...keys, keys: keys.keys.map((k) => ({ ...k, retired: '2026-11-30T00:00:00Z' })) };
		expect(checkSignedCertificate(doc, retiredBefore)).toMatchObject({ ok: false, ed25519: 'retired_key' });
		const retiredAfter = { ...keys, keys: keys.keys.map((k) => ({ ...k, retired: '2027-01-01T00:00:00Z' })) };
		const after = checkSignedCertificate(doc, retiredAfter);
		expect(after).toMatchObject({ ok: true, ed25519: 'valid' });
		expect(after.keyNote).toContain('已于 2027-01-01 轮换停用');
		const foreign = { ...keys, keys: keys.keys.map((k) => ({ ...k, issuer: { id: 99, name: 'x' } })) };
		expect(checkSignedCertificate(doc, foreign)).toMatchObject({ ok: false, ed25519: 'wrong_issuer' });
		// a valid signature by another key of the same issuer is not this payload's
		const other = generateKeyPairSync('ed25519');
		const forged = { ...doc, proof: { ...doc.proof, ed25519: { kid: 'ed25519-3-a', sig: signEd25519(other.privateKey, canonicalPayload(doc.payload)) } } };
		expect(checkSignedCertificate(forged, keys).ed25519).toBe('invalid');
	});

	it('rejects malformed input with the field named', () => {
		const { doc } = fixture();
		expect(() => parseSignedCertificate(null)).toThrow('缺少 payload');
		expect(() => parseSignedCertificate({ ...doc, payload: { ...doc.payload, holderName: 1 } })).toThrow('payload.holderName');
		expect(() => parseSignedCertificate({ ...doc, payload: { ...doc.payload, extra: 'x' } })).toThrow('未知字段');
		expect(() => parseSignedCertificate({ payload: doc.payload, proof: {} })).toThrow('Ed25519');
		expect(parseSignedCertificate(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
	});
});

describe('revocation bitstring', () => {
	it('sets exactly the revoked positions, MSB first, at least 16 KB', () => {
		const { bitLength, encodedList } = encodeBitstring([0, 9, 131_071]);
		expect(bitLength).toBe(MIN_STATUS_BITS);
		expect([0, 9, 131_071].map((i) => bitAt(encodedList, i))).toEqual([true, true, true]);
		expect([1, 8, 10, 131_070].map((i) => bitAt(encodedList, i))).toEqual([false, false, false, false]);
		expect(encodeBitstring([131_072]).bitLength).toBe(2 * MIN_STATUS_BITS);
		expect(() => bitAt(encodedList, MIN_STATUS_BITS)).toThrow();
	});
});
