// Reading the signed certificates back out of a certificate PDF. Kept apart from certificate-pdf.ts
// (pdfkit, qrcode, fonts) so the offline verifier bundle (scripts/build-verifier.mjs) stays small and
// imports nothing but node built-ins and signature.ts.

/** The document-info entry holding the signed certificates (base64url JSON array). */
export const PDF_INFO_KEY = 'AnxunCertificates';

/** The document-info entry holding the printed holder photos: base64url JSON {number: base64 photo bytes}. */
export const PDF_PHOTOS_KEY = 'AnxunPhotos';

function infoBlob(text: string, key: string): string | undefined {
	let blob = new RegExp(`/${key}\\s*\\(([A-Za-z0-9_-]+)\\)`).exec(text)?.[1];
	const ref = new RegExp(`/${key}\\s+(\\d+)\\s+(\\d+)\\s+R`).exec(text);
	if (!blob && ref) blob = new RegExp(`(?:^|\\s)${ref[1]}\\s+${ref[2]}\\s+obj\\s*\\(([A-Za-z0-9_-]+)\\)\\s*endobj`).exec(text)?.[1];
	return blob;
}

/** The holder photos printed in a certificate PDF, by certificate number ({} when none). */
export function extractPhotosFromPdf(pdf: Buffer): Record<string, Buffer> {
	const blob = infoBlob(pdf.toString('latin1'), PDF_PHOTOS_KEY);
	if (!blob) return {};
	const parsed = JSON.parse(Buffer.from(blob, 'base64url').toString('utf8')) as Record<string, unknown>;
	const out: Record<string, Buffer> = {};
	for (const [number, b64] of Object.entries(parsed ?? {})) if (typeof b64 === 'string') out[number] = Buffer.from(b64, 'base64');
	return out;
}

/** The signed certificates embedded in a PDF made by renderCertificatesPdf (no database, no network). */
export function extractSignedFromPdf(pdf: Buffer): unknown[] {
	// pdfkit writes each info entry as an indirect object: /AnxunCertificates 12 0 R … 12 0 obj (…) endobj
	const blob = infoBlob(pdf.toString('latin1'), PDF_INFO_KEY);
	if (!blob) throw new Error('该 PDF 中没有安训证书签名数据');
	const parsed: unknown = JSON.parse(Buffer.from(blob, 'base64url').toString('utf8'));
	if (!Array.isArray(parsed)) throw new Error('证书签名数据格式不正确');
	return parsed;
}
