// Public verification: rate-limited per IP (the lookups table is the limiter's memory, so it holds
// across instances), every lookup logged, status from rules.ts, signatures checked against the
// published keys exactly as the offline verifier does.
import { timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { shanghaiDate } from '../../domain/dates.ts';
import { parseCertificateNumber } from './number.ts';
import { certificateKind } from '../../schemas/certificate-types.ts';
import { CERTIFICATE_KIND_LABELS, PUBLIC_STATUS_LABELS, publicStatusOn, type PublicStatus } from './rules.ts';
import { checkSignedCertificate, SIGNATURE_CHECK_LABELS, type SignatureCheck, type SignedCertificate } from './signature.ts';
import { listPublishedKeys } from './keys.ts';
import { signedFromRow } from './issue-service.ts';
import { countRecentLookups, findCertificatePhotoRef, findPublicCertificate, insertLookup, lookupCounts } from './verify.repository.ts';
import { loadCertificatePhoto } from './certificates.query.ts';

export const LOOKUP_WINDOW_MS = 60_000;

/** 孙海涛 → 孙*涛, 赵敏 → 赵*, 欧阳娜娜 → 欧**娜 */
export function maskName(name: string): string {
	const chars = [...name];
	if (chars.length <= 1) return name;
	if (chars.length === 2) return `${chars[0]}*`;
	return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
}

export type VerifyResult =
	| { kind: 'rate_limited'; retryAfterSeconds: number; message: string }
	| { kind: 'invalid'; query: string; message: string }
	| { kind: 'not_found'; number: string; status: 'not_found'; statusLabel: string; asOf: string }
	| {
			kind: 'found';
			number: string;
			status: PublicStatus;
			statusLabel: string;
			note: string | null;
			type: string;
			typeName: string;
			holderNameMasked: string;
			idNumberMasked: string;
			operationName: string | null;
			issuerName: string;
			issuedOn: string;
			validUntil: string;
			nextReviewDue: string | null;
			revokedAt: string | null;
			revokeReason: string | null;
			replacedBy: string | null;
			signature: { ok: boolean; ed25519: SignatureCheck; sm2: SignatureCheck; label: string; keyNote: string | null; kid: string };
			/** Only when the caller presented the certificate's signature (QR): whether it matches; null when none given. */
			presentedSignatureMatches: boolean | null;
			/** The signed payload, only to a caller who presented the matching signature (the holder's QR / PDF). */
			signed: SignedCertificate | null;
			/** A holder photo is signed into the certificate and the caller presented the signature: /verify/photo may show it. */
			photoAvailable: boolean;
			asOf: string;
	  };

const MAX_QUERY = 64;
const checkCache = new Map<string, ReturnType<typeof checkSignedCertificate>>();

async function recentLookups(db: Db, ip: string, now: Date, limit: number): Promise<number> {
	return countRecentLookups(db, ip, new Date(now.getTime() - LOOKUP_WINDOW_MS), limit);
}

async function logLookup(db: Db, row: { at: Date; ip: string; query: string; certificate_id: number | null; outcome: string }) {
	await insertLookup(db, { ...row, query: row.query.slice(0, MAX_QUERY) });
}

function sameSignature(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

export async function lookupCertificate(db: Db, input: { query: string; signature?: string | null; ip: string; now: Date; limitPerMinute: number }): Promise<VerifyResult> {
	const { now, ip } = input;
	// control characters (NUL above all) are dropped: PostgreSQL text cannot hold NUL
	const query = String(input.query ?? '').slice(0, 200)
		.split('')
		.filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f)
		.join('');
	if ((await recentLookups(db, ip, now, input.limitPerMinute)) >= input.limitPerMinute) {
		await logLookup(db, { at: now, ip, query, certificate_id: null, outcome: 'rate_limited' });
		return { kind: 'rate_limited', retryAfterSeconds: LOOKUP_WINDOW_MS / 1000, message: '查询过于频繁，请一分钟后再试' };
	}
	const parsed = parseCertificateNumber(query);
	if (!parsed.ok) {
		await logLookup(db, { at: now, ip, query, certificate_id: null, outcome: 'invalid' });
		return { kind: 'invalid', query: query.slice(0, MAX_QUERY), message: parsed.message };
	}
	const row = await findPublicCertificate(db, parsed.number);
	const asOf = now.toISOString();
	if (!row) {
		await logLookup(db, { at: now, ip, query: parsed.number, certificate_id: null, outcome: 'not_found' });
		return { kind: 'not_found', number: parsed.number, status: 'not_found', statusLabel: PUBLIC_STATUS_LABELS.not_found, asOf };
	}
	await logLookup(db, { at: now, ip, query: parsed.number, certificate_id: row.id, outcome: 'found' });
	const signed = signedFromRow(row)!;
	const kids = [signed.proof.ed25519.kid, ...(signed.proof.sm2 ? [signed.proof.sm2.kid] : [])];
	const keys = await listPublishedKeys(db, now, kids);
	// the check is a pure function of the signed row and the keys' states: cache it
	const cacheKey = `${row.id}|${row.signature}|${row.sm2_signature}|${keys.keys.map((k) => `${k.kid}:${k.retired}:${k.revoked}`).join(',')}`;
	let check = checkCache.get(cacheKey);
	if (!check) {
		check = checkSignedCertificate(signed, keys);
		if (checkCache.size >= 20_000) checkCache.clear();
		checkCache.set(cacheKey, check);
	}
	const status = publicStatusOn({ status: row.status, issuedOn: row.issued_on, validUntil: row.valid_until, nextReviewDue: row.next_review_due, revokeReason: row.revoke_reason }, shanghaiDate(now));
	const presented = input.signature ? sameSignature(input.signature, row.signature!) : null;
	const labels = [`Ed25519：${SIGNATURE_CHECK_LABELS[check.ed25519]}`, `SM2：${SIGNATURE_CHECK_LABELS[check.sm2]}`];
	return {
		kind: 'found',
		number: parsed.number,
		status: status.status,
		statusLabel: PUBLIC_STATUS_LABELS[status.status],
		note: status.note,
		type: row.type,
		typeName: CERTIFICATE_KIND_LABELS[certificateKind(row.type)],
		holderNameMasked: maskName(signed.payload.holderName),
		idNumberMasked: signed.payload.idNumberMasked,
		operationName: signed.payload.operationName,
		issuerName: row.issuer_name ?? signed.payload.issuer.name,
		issuedOn: row.issued_on!,
		validUntil: row.valid_until!,
		nextReviewDue: row.next_review_due,
		revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
		revokeReason: row.status === 'revoked' ? row.revoke_reason : null,
		replacedBy: row.replaced_by,
		signature: { ok: check.ok, ed25519: check.ed25519, sm2: check.sm2, label: labels.join('；'), keyNote: check.keyNote, kid: signed.proof.ed25519.kid },
		presentedSignatureMatches: presented,
		signed: presented ? signed : null,
		photoAvailable: presented === true && typeof signed.payload.photoSha256 === 'string',
		asOf
	};
}

/** For regulators: lookup volume and IPs repeatedly asking for numbers that do not exist (probing). */
export async function lookupStats(db: Db, now: Date) {
	const since = new Date(now.getTime() - 7 * 86_400_000);
	const { byOutcome, probing } = await lookupCounts(db, since, new Date(now.getTime() - 86_400_000));
	return {
		byOutcome: Object.fromEntries(byOutcome.map((r) => [r.outcome, Number(r.n)])) as Record<string, number>,
		probing: probing.map((p) => ({ ip: p.ip, misses: Number(p.misses), lastAt: new Date(p.last_at as Date) }))
	};
}

/**
 * The holder's photo for a verifier holding the certificate's signed URL (the QR code): only when the
 * presented signature is the certificate's and the stored photo still hashes to the signed value.
 */
export async function findVerifiedPhoto(db: Db, number: string, signature: string): Promise<{ bytes: Buffer; mime: string } | null> {
	const parsed = parseCertificateNumber(number);
	if (!parsed.ok || !/^[\w-]{1,200}$/.test(signature)) return null;
	const row = await findCertificatePhotoRef(db, parsed.number);
	if (!row?.signature || !row.photo_sha256 || !row.photo_file_id || !sameSignature(signature, row.signature)) return null;
	const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as { photoSha256?: string } | null;
	if (payload?.photoSha256 !== row.photo_sha256) return null;
	const bytes = await loadCertificatePhoto(db, row.photo_file_id, row.photo_sha256);
	if (!bytes) return null;
	return { bytes, mime: bytes[0] === 0x89 ? 'image/png' : 'image/jpeg' };
}
