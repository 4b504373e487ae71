// The 准考证 (admission notice): A4, Noto Sans SC (as the certificate PDF), the applicant's photo,
// masked 身份证号, the 操作项目, the theory part (time, place, seat) and the practical part (time,
// place, station), each with a QR code the examiner scans at the door and the same text printed as 准考证号.
import PDFDocument from 'pdfkit';
import { formatChinaTime, pdfFontData } from '../pdf/fonts.ts';
import { A4, ACCENT, drawQr, GREY, INK, labelledRows, photoFrame } from '../pdf/layout.ts';
import { maskIdNumber } from '../../domain/identifiers.ts';
import { admissionCode } from './scheduling.ts';
import type { AdmissionData } from './admission.query.ts';

const W = A4.width;

const when = (a: Date, b: Date) => {
	return `${formatChinaTime(a)} 至 ${formatChinaTime(b).slice(11)}（北京时间）`;
};


function part(doc: PDFKit.PDFDocument, y: number, title: string, rows: [string, string][], code: string | null): number {
	doc.fillColor(ACCENT).fontSize(15).text(title, 60, y);
	y += 26;
	if (!code) {
		doc.fillColor(GREY).fontSize(12).text('尚未安排', 60, y);
		return y + 40;
	}
	let ry = y;
	for (const [label, value] of rows) {
		doc.fillColor(GREY).fontSize(11).text(label, 60, ry, { width: 80 });
		doc.fillColor(INK).fontSize(12).text(value, 140, ry - 1, { width: 270 });
		ry += Math.max(22, doc.heightOfString(value, { width: 270 }) + 8);
	}
	drawQr(doc, code, 430, y - 4, 105);
	doc.fillColor(INK).fontSize(9).text(`准考证号：${code}`, 405, y + 104, { width: 160, align: 'center' });
	return Math.max(ry, y + 125) + 14;
}

export function renderAdmissionPdf(a: AdmissionData, now: Date): Promise<Buffer> {
	const codes = [a.theory ? admissionCode('theory', a.theory.sessionId, a.applicationId) : null, a.practical ? admissionCode('practical', a.practical.sessionId, a.applicationId) : null].filter((c) => c !== null);
	// the 准考证号 also in the document info (ASCII), so a test or a script can read them without OCR
	const doc = new PDFDocument({ size: 'A4', margin: 0, info: { Title: `准考证 ${a.name} ${a.item}`, Author: '安训', Subject: '特种作业人员考试准考证', Keywords: codes.join(' '), CreationDate: now } });
	doc.registerFont('cjk', pdfFontData());
	doc.font('cjk');
	doc.lineWidth(1.5).strokeColor(ACCENT).rect(30, 30, W - 60, 780).stroke();
	doc.fillColor(ACCENT).fontSize(24).text('特种作业人员考试准考证', 40, 60, { width: W - 80, align: 'center' });
	doc.fillColor(GREY).fontSize(10).text(`考核机构：${a.institutionName}`, 40, 96, { width: W - 80, align: 'center' });

	const rows: [string, string][] = [
		['姓　　名', a.name],
		['身份证号', maskIdNumber(a.idNumber)],
		['作业类别', a.category],
		['操作项目', a.item],
		['报名编号', String(a.applicationId)]
	];
	let y = labelledRows(doc, rows, 140, { x: 60, labelWidth: 90, valueX: 150, valueWidth: 240, right: 390, valueSize: 14, step: 34 });
	photoFrame(doc, 430, 140, a.photo ? Buffer.from(a.photo.bytes) : null, '未上传照片');

	y = Math.max(y, 270) + 16;
	const t = a.theory;
	y = part(doc, y, '一、安全生产知识考试（理论）', t ? [['考试时间', when(t.opensAt, t.closesAt)], ['考试地点', t.place], ['考　　场', t.room], ['座 位 号', t.seatNo === null ? '现场安排' : String(t.seatNo)]] : [], t ? admissionCode('theory', t.sessionId, a.applicationId) : null);
	const p = a.practical;
	y = part(doc, y, '二、实际操作考试（实操）', p ? [['考试时间', when(p.opensAt, p.closesAt)], ['考试地点', p.place], ['实 操 室', p.room], ['工 位 号', String(p.stationNo)], ['考试次数', `第 ${p.attemptNo} 次`]] : [], p ? admissionCode('practical', p.sessionId, a.applicationId) : null);

	doc.fillColor(GREY).fontSize(9).text(
		'考生须知：凭本准考证和本人身份证原件参加考试，考前15分钟到达考场，入场时出示二维码供考评员核验身份。实际操作考试须在安全生产知识考试合格后参加。',
		60,
		Math.min(y + 6, 760),
		{ width: W - 120 }
	);
	const chunks: Buffer[] = [];
	return new Promise((resolve, reject) => {
		doc.on('data', (c: Buffer) => chunks.push(c));
		doc.on('end', () => resolve(Buffer.concat(chunks)));
		doc.on('error', reject);
		doc.end();
	});
}
