// The printable certificate: A4, one certificate per page, Noto Sans SC (from npm), a QR code whose
// URL carries the number and the Ed25519 signature, and the signed payloads embedded twice — as PDF
// attachments (for people, in a viewer's attachment panel) and as the document-info entry
// AnxunCertificates (base64url JSON, read by the offline verifier scripts/cert-verify via embedded-signed.ts) — so the file checks offline.
import PDFDocument from 'pdfkit';
import { readFileSync } from 'node:fs';
import { resolvePdfFont } from '../pdf/fonts.ts';
import { A4, ACCENT, drawQr, GREY, INK, labelledRows, photoFrame } from '../pdf/layout.ts';
import type { SignedCertificate } from './signature.ts';
import { PDF_INFO_KEY, PDF_PHOTOS_KEY } from './embedded-signed.ts';

// re-exported: callers import the PDF helpers from here; the offline verifier imports embedded-signed.ts (no pdfkit)
export { PDF_INFO_KEY, extractSignedFromPdf, extractPhotosFromPdf } from './embedded-signed.ts';

export type CertificatePrint = {
	signed: SignedCertificate;
	/** Full names for the paper (the payload carries the masked ID number only). */
	institutionName: string;
	nextReviewDue: string | null;
	status: string;
	/** The holder's photo (JPEG/PNG bytes) whose sha256 is payload.photoSha256; null prints an empty frame. */
	photo?: Buffer | null;
};

let fontFile: Buffer | null = null;
// The parsed font (fontkit object) is shared by every document: parsing the 10 MB TTF and shaping
// CJK text from cold costs ~30 ms a PDF; each document still makes its own subset.
let parsedFont: unknown = null;

function useFont(doc: PDFKit.PDFDocument) {
	doc.registerFont('cjk', (parsedFont ?? (fontFile ??= readFileSync(resolvePdfFont()))) as Buffer);
	doc.font('cjk');
	parsedFont ??= (doc as unknown as { _font: { font: unknown } })._font.font;
}

export function verifyUrl(baseUrl: string, signed: SignedCertificate): string {
	return `${baseUrl.replace(/\/+$/, '')}/verify?n=${encodeURIComponent(signed.payload.number)}&s=${signed.proof.ed25519.sig}`;
}

const W = A4.width;
const H = A4.height;


function page(doc: PDFKit.PDFDocument, item: CertificatePrint, baseUrl: string) {
	const p = item.signed.payload;
	doc.addPage({ size: 'A4', margin: 0 });
	useFont(doc);
	doc.lineWidth(3).strokeColor(ACCENT).rect(28, 28, W - 56, H - 56).stroke();
	doc.lineWidth(0.8).rect(36, 36, W - 72, H - 72).stroke();

	doc.fillColor(ACCENT).fontSize(26).text(p.typeName, 50, 90, { width: W - 100, align: 'center' });
	doc.fillColor(GREY).fontSize(11).text('安训 安全生产培训考试平台 · 电子证书', 50, 132, { width: W - 100, align: 'center' });

	const rows: [string, string][] = [
		['证书编号', p.number],
		['姓　　名', p.holderName],
		['身份证号', p.idNumberMasked],
		...(p.operationName ? ([['作业类别/操作项目', p.operationName]] as [string, string][]) : []),
		['发证机关', p.issuer.name],
		['培训考核机构', item.institutionName],
		['发证日期', p.issuedOn],
		['有效期至', p.validUntil],
		...(item.nextReviewDue ? ([['应复审日期', item.nextReviewDue]] as [string, string][]) : [])
	];
	const y = labelledRows(doc, rows, 190, { x: 80, labelWidth: 120, valueX: 205, valueWidth: 300, right: 515, valueSize: 15, step: 38 });

	// photo frame (5:7): the holder's photo, signed by hash (payload.photoSha256), or an empty frame
	photoFrame(doc, 430, 190, item.photo ?? null, '照片');

	const url = verifyUrl(baseUrl, item.signed);
	const qrSize = 150;
	const qrY = Math.max(y + 20, 560);
	drawQr(doc, url, W - 80 - qrSize, qrY, qrSize, true);
	doc.fillColor(INK).fontSize(12).text('扫描二维码核验证书真伪', 80, qrY + 10, { width: 280 });
	doc.fillColor(GREY).fontSize(9).text(`或访问 ${baseUrl.replace(/\/+$/, '')}/verify 输入证书编号。`, 80, qrY + 32, { width: 280 });
	doc.text(`本证书带有发证机关的数字签名，签名数据嵌在本 PDF 中。不联网也可用平台发布的离线核验工具检查本文件，获取和使用方法见 ${baseUrl.replace(/\/+$/, '')}/help/verify 。`, 80, qrY + 52, { width: 280 });
	doc.fontSize(8).text(`签名密钥：${item.signed.proof.ed25519.kid}${item.signed.proof.sm2 ? ` / ${item.signed.proof.sm2.kid}` : ''}`, 80, qrY + 112, { width: 280 });
	if (item.status === 'revoked') {
		doc.save().rotate(-30, { origin: [W / 2, H / 2] }).fillColor('#c62828').opacity(0.35).fontSize(80).text('已撤销', 0, H / 2 - 50, { width: W, align: 'center' }).restore();
	}
	doc.fillColor(GREY).fontSize(8).text('本证书在全国安全生产考试相关平台之外的效力以发证机关公布为准。', 50, H - 62, { width: W - 100, align: 'center' });
}

/** One PDF, one page per certificate. */
export function renderCertificatesPdf(items: CertificatePrint[], baseUrl: string, now: Date): Promise<Buffer> {
	if (items.length === 0) throw new Error('没有可打印的证书');
	const doc = new PDFDocument({ autoFirstPage: false, size: 'A4', margin: 0, info: { Title: items.length === 1 ? `${items[0]!.signed.payload.typeName} ${items[0]!.signed.payload.number}` : `证书 ${items.length} 份`, Author: '安训', Subject: '安全生产证书', CreationDate: now } });
	for (const item of items) page(doc, item, baseUrl);
	for (const item of items) doc.file(Buffer.from(JSON.stringify(item.signed, null, 2), 'utf8'), { name: `${item.signed.payload.number}.json`, type: 'application/json', description: '签名的证书数据（离线核验用）' });
	(doc.info as Record<string, unknown>)[PDF_INFO_KEY] = Buffer.from(JSON.stringify(items.map((i) => i.signed)), 'utf8').toString('base64url');
	// the printed photos travel with the file too, so the offline verifier can check them against the signed hash
	const photos = Object.fromEntries(items.filter((i) => i.photo).map((i) => [i.signed.payload.number, i.photo!.toString('base64')]));
	if (Object.keys(photos).length) (doc.info as Record<string, unknown>)[PDF_PHOTOS_KEY] = Buffer.from(JSON.stringify(photos), 'utf8').toString('base64url');
	const chunks: Buffer[] = [];
	return new Promise((resolve, reject) => {
		doc.on('data', (c: Buffer) => chunks.push(c));
		doc.on('end', () => resolve(Buffer.concat(chunks)));
		doc.on('error', reject);
		doc.end();
	});
}
