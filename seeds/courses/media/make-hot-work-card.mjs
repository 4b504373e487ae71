// Generates hot-work-card.pdf: a one-page A4 动火作业分级与作业前检查卡, used by the course
// seeds/courses/special-work-gb30871. Only clauses of GB 30871—2022 found verbatim in the source
// pack are printed (5.1.1–5.1.5, 5.2.1, 5.2.2); nothing else is added.
// Run from the repository root (needs node_modules):
//   node seeds/courses/media/make-hot-work-card.mjs
import PDFDocument from 'pdfkit';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const REGULAR = require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
const BOLD = require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf');
const OUT = join(here, 'hot-work-card.pdf');
const NAVY = '#0b3d66';
const ORANGE = '#d9822b';

const doc = new PDFDocument({
	size: 'A4',
	margin: 0,
	info: {
		Title: '动火作业分级与作业前检查卡（示例）',
		Author: '安训 Anxun 示例课程',
		Subject: 'GB 30871—2022 危险化学品企业特殊作业安全规范',
		CreationDate: new Date('2026-01-01T00:00:00Z'),
		ModDate: new Date('2026-01-01T00:00:00Z')
	}
});
doc.registerFont('R', REGULAR);
doc.registerFont('B', BOLD);
doc.pipe(createWriteStream(OUT));
const W = doc.page.width;
const M = 36;
const CW = W - 2 * M;

doc.rect(0, 0, W, 84).fill(NAVY);
doc.rect(0, 84, W, 5).fill(ORANGE);
doc.fillColor('white').font('B').fontSize(24).text('动火作业分级与作业前检查卡', M, 20, { width: CW, lineBreak: false });
doc.font('R').fontSize(11).fillColor('#dfe9f3').text('依据 GB 30871—2022《危险化学品企业特殊作业安全规范》（示例，企业按本单位制度补充）', M, 56, { width: CW, lineBreak: false });
let y = 104;

function title(label) {
	doc.rect(M, y, 4, 16).fill(NAVY);
	doc.fillColor(NAVY).font('B').fontSize(13).text(label, M + 10, y - 1, { lineBreak: false });
	y += 24;
}
function row(cells, widths, { bold = false, fill = null } = {}) {
	const h = Math.max(...cells.map((c, i) => doc.font(bold ? 'B' : 'R').fontSize(10).heightOfString(c, { width: widths[i] - 10 }))) + 10;
	let x = M;
	cells.forEach((c, i) => {
		if (fill) doc.rect(x, y, widths[i], h).fill(fill);
		doc.rect(x, y, widths[i], h).lineWidth(0.5).stroke('#8899aa');
		doc.fillColor('#222222').font(bold ? 'B' : 'R').fontSize(10).text(c, x + 5, y + 5, { width: widths[i] - 10 });
		x += widths[i];
	});
	y += h;
}

title('一、动火作业分级（固定动火区外）');
const w = [72, CW - 72 - 110, 110];
row(['级别', '适用情形', '作业票有效期'], w, { bold: true, fill: '#eef3f8' });
row(['特级动火', '在火灾爆炸危险场所处于运行状态下的生产装置设备、管道、储罐、容器等部位上进行的动火作业（包括带压不置换动火作业）；存有易燃易爆介质的重大危险源罐区防火堤内的动火作业（5.1.2）', '不应超过 8h（5.1.5）'], w);
row(['一级动火', '在火灾爆炸危险场所进行的除特级动火作业以外的动火作业；管廊上的动火作业按一级动火作业管理（5.1.3）', '不应超过 8h（5.1.5）'], w);
row(['二级动火', '除特级动火作业和一级动火作业以外的动火作业（5.1.4）', '不应超过 72h（5.1.5）'], w);
y += 6;
doc.font('R').fontSize(10).fillColor('#222222').text('遇节假日、公休日、夜间或其他特殊情况，动火作业应升级管理（5.1.1）。生产装置或系统全部停车，装置经清洗、置换、分析合格并采取安全隔离措施后，根据其火灾、爆炸危险性大小，经危险化学品企业生产负责人或安全管理负责人批准，动火作业可按二级动火作业管理（5.1.4）。', M, y, { width: CW });
y = doc.y + 14;

title('二、动火前逐项确认（打 √）');
const checks = [
	'动火级别已按上表确定；节假日、公休日、夜间已升级管理',
	'动火安全作业票已办理，在有效期内',
	'已指定专人监护，监护人在现场（5.2.1）',
	'动火现场及周围的易燃物品已清除，或已采取其他有效安全防火措施（5.2.1）',
	'已配备消防器材，满足作业现场应急需求（5.2.1）',
	'盛有或盛装过助燃或易燃易爆危险化学品的设备、管道已与生产系统彻底断开或隔离；没有以水封或仅关闭阀门代替盲板（5.2.2）'
];
for (const c of checks) {
	doc.rect(M, y + 1, 11, 11).lineWidth(0.8).stroke(NAVY);
	doc.font('R').fontSize(10.5).fillColor('#222222').text(c, M + 20, y, { width: CW - 20 });
	y = doc.y + 6;
}
y += 6;
title('三、任何一项不满足');
doc.font('B').fontSize(12).fillColor('#b3261e').text('不动火。报告作业负责人，条件满足、重新确认后再作业。', M, y, { width: CW });
y = doc.y + 18;
doc.font('R').fontSize(10).fillColor('#555555').text('作业人：__________  监护人：__________  作业负责人：__________  日期：__________', M, y, { width: CW, lineBreak: false });
doc.font('R').fontSize(8.5).fillColor('#777777').text('说明：本卡只摘录 GB 30871—2022 中已核对原文的条款（5.1.1—5.1.5、5.2.1、5.2.2）。动火分析、作业票样式等其他要求以标准全文和本单位制度为准。', M, 800, { width: CW });
doc.end();
