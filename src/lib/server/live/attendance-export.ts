import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { writeXlsxBuffer } from '../excel/safe-cells.ts';
import { resolvePdfFont } from '../pdf/fonts.ts';
import { maskIdNumber } from '../../domain/identifiers.ts';
import { roleCategoryLabel } from '../../domain/labels.ts';
import { formatDateTime } from '../../domain/dates.ts';
import { REPLAY_RULE_LABELS } from '../../domain/live.ts';
import type { ConsoleView } from './console.ts';
import type { LiveClassRow } from './live.repository.ts';

// The attendance sheet of one live class for the 培训档案: who was invited, when they signed in,
// live and replay minutes apart, 点名 answered, and the 学时 credited under the class's rules.

const HEADERS = ['序号', '姓名', '身份证号', '单位', '人员类别', '签到时间', '迟到', '直播（分钟）', '回放（分钟）', '点名应答', '计学时'];

function rowsOf(view: ConsoleView): (string | number)[][] {
	return view.attendance.map((a, i) => [
		i + 1,
		a.name,
		maskIdNumber(a.idNumber),
		a.orgName,
		roleCategoryLabel(a.roleCategory),
		a.signedInAt ? formatDateTime(a.signedInAt) : '未签到',
		a.late ? '是' : '',
		a.liveMinutes,
		a.replayMinutes,
		`${a.rollCallsAnswered}/${view.rollCalls}`,
		a.creditedHours
	]);
}

function heading(cls: LiveClassRow, view: ConsoleView): string[] {
	return [
		`直播培训考勤表：${cls.title}`,
		`时间：${formatDateTime(cls.starts_at)} – ${formatDateTime(cls.ends_at).slice(11)}  主讲：${cls.lecturer_name}`,
		`可计学时：最多 ${view.capHours} 学时；${REPLAY_RULE_LABELS[cls.replay_rule]}；推流累计 ${view.streamMinutes} 分钟；点名 ${view.rollCalls} 次`
	];
}

export async function attendanceXlsx(cls: LiveClassRow, view: ConsoleView): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	const ws = wb.addWorksheet('考勤');
	for (const line of heading(cls, view)) ws.addRow([line]);
	ws.addRow([]);
	ws.addRow(HEADERS).font = { bold: true };
	for (const r of rowsOf(view)) ws.addRow(r);
	ws.columns.forEach((c, i) => (c.width = [6, 12, 21, 28, 16, 18, 6, 12, 12, 10, 8][i]));
	return writeXlsxBuffer(wb);
}

export async function attendancePdf(cls: LiveClassRow, view: ConsoleView, generatedAt: Date): Promise<Buffer> {
	const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36 });
	doc.registerFont('cn', resolvePdfFont());
	doc.font('cn');
	const chunks: Buffer[] = [];
	doc.on('data', (c: Buffer) => chunks.push(c));
	const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
	const [title, ...rest] = heading(cls, view);
	doc.fontSize(16).text(title!);
	doc.fontSize(10);
	for (const line of rest) doc.text(line);
	doc.moveDown(0.5);
	const widths = [28, 56, 110, 130, 80, 92, 28, 56, 56, 48, 44];
	const x0 = doc.page.margins.left;
	const drawRow = (cells: (string | number)[], bold = false) => {
		if (doc.y > doc.page.height - doc.page.margins.bottom - 30) doc.addPage();
		const y = doc.y;
		let x = x0;
		let h = 0;
		cells.forEach((cell, i) => {
			const text = String(cell);
			const opts = { width: widths[i]! - 4 };
			h = Math.max(h, doc.heightOfString(text, opts));
			doc.text(text, x + 2, y, opts);
			x += widths[i]!;
		});
		doc.y = y + h + 4;
		if (bold) doc.moveTo(x0, doc.y - 2).lineTo(x, doc.y - 2).stroke();
	};
	drawRow(HEADERS, true);
	for (const r of rowsOf(view)) drawRow(r);
	doc.moveDown();
	doc.text(`生成时间：${formatDateTime(generatedAt)}  （只计播放中、页面在前台、直播信号正常的时间；同一时间只计一处）`, x0);
	doc.end();
	return done;
}
