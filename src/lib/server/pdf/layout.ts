import QRCode from 'qrcode';

// The drawing pieces the official documents share (certificates, admission tickets): colours, the
// QR code, a column of labelled values with rules, and the 5:7 photo frame.

export const A4 = { width: 595.28, height: 841.89 } as const;
export const INK = '#1f2d3d';
export const ACCENT = '#8a1c1c';
export const GREY = '#5b6570';
const RULE = '#c9ced4';

/**
 * A QR code drawn as vector squares (sharp at any zoom and in print), with a 2-module quiet zone on
 * white; `link` also makes the area a link to the text.
 */
export function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number, link = false): void {
	const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
	const n = qr.modules.size;
	const quiet = 2;
	const cell = size / (n + quiet * 2);
	doc.save();
	doc.rect(x, y, size, size).fill('#ffffff');
	for (let r = 0; r < n; r++) {
		for (let c = 0; c < n; c++) {
			if (qr.modules.get(r, c)) doc.rect(x + (c + quiet) * cell, y + (r + quiet) * cell, cell + 0.05, cell + 0.05);
		}
	}
	doc.fill('#000000');
	doc.restore();
	if (link) doc.link(x, y, size, size, text);
}

export type RowsLayout = { x: number; labelWidth: number; valueX: number; valueWidth: number; right: number; valueSize: number; step: number };

/** Label (grey) and value (ink) per row from `y`, each value underlined to `right`; returns the y after the last row. */
export function labelledRows(doc: PDFKit.PDFDocument, rows: readonly (readonly [string, string])[], y: number, l: RowsLayout): number {
	for (const [label, value] of rows) {
		doc.fillColor(GREY).fontSize(12).text(label, l.x, y, { width: l.labelWidth });
		doc.fillColor(INK).fontSize(l.valueSize).text(value, l.valueX, y - 2, { width: l.valueWidth });
		doc.moveTo(l.valueX, y + l.valueSize + 5).lineTo(l.right, y + l.valueSize + 5).lineWidth(0.4).strokeColor(RULE).stroke();
		y += l.step;
	}
	return y;
}

/** The 85 × 119 pt photo frame (5:7, the 证件照 aspect) at (x, y): the photo, or `emptyText` in an empty frame. */
export function photoFrame(doc: PDFKit.PDFDocument, x: number, y: number, photo: Buffer | null, emptyText: string): void {
	doc.lineWidth(0.6).strokeColor(RULE).rect(x, y, 85, 119).stroke();
	if (photo) doc.image(photo, x + 1, y + 1, { fit: [83, 117], align: 'center', valign: 'center' });
	else doc.fillColor('#9aa3ad').fontSize(10).text(emptyText, x, y + 52, { width: 85, align: 'center' });
}
