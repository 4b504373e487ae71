// Generates emergency-card.pdf: a one-page A4 sample 岗位应急处置卡 for 有限空间作业,
// used by the course seeds/courses/two-lists-two-cards.
// Run from anywhere inside the repository (needs node_modules):
//   node seeds/courses/media/make-emergency-card.mjs
// Output: seeds/courses/media/emergency-card.pdf (next to this script).
import PDFDocument from 'pdfkit';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const REGULAR = require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
const BOLD = require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf');
const OUT = join(here, 'emergency-card.pdf');

const NAVY = '#0b3d66';
const ORANGE = '#d9822b';
const RED = '#b3261e';
const GREY = '#555555';
const LIGHT = '#eef3f8';

const doc = new PDFDocument({
	size: 'A4',
	margin: 0,
	// fixed dates so that re-running the script gives the same document information
	info: {
		Title: '岗位应急处置卡（示例）：有限空间作业',
		Author: '安训 Anxun 示例课程',
		Subject: '一线岗位“两单两卡”应知应会',
		CreationDate: new Date('2026-01-01T00:00:00Z'),
		ModDate: new Date('2026-01-01T00:00:00Z'),
	},
});
doc.registerFont('R', REGULAR);
doc.registerFont('B', BOLD);
doc.pipe(createWriteStream(OUT));

const W = doc.page.width; // 595.28
const M = 36; // page margin
const CW = W - 2 * M; // content width

// ---- header band -------------------------------------------------------------------------
doc.rect(0, 0, W, 92).fill(NAVY);
doc.rect(0, 92, W, 5).fill(ORANGE);
doc.fillColor('white').font('B').fontSize(26).text('岗位应急处置卡', M, 20, { width: CW, lineBreak: false });
doc.font('R').fontSize(12).fillColor('#dfe9f3').text('（示例）', M + 190, 33, { lineBreak: false });
doc.font('R').fontSize(12).fillColor('white')
	.text('岗位：污水处理站 有限空间作业（清淤、检修）', M, 60, { width: CW, lineBreak: false });
doc.font('R').fontSize(10).fillColor('#dfe9f3')
	.text('知风险 · 明职责 · 会操作 · 能应急', M, 62, { width: CW, align: 'right', lineBreak: false });

let y = 108;
doc.font('R').fontSize(10).fillColor(GREY)
	.text('单位：____________________    编制日期：__________    版本：____    审定人：__________', M, y, { width: CW, lineBreak: false });
y += 22;

// ---- helpers -----------------------------------------------------------------------------
function sectionTitle(label, color = NAVY) {
	doc.rect(M, y, 4, 16).fill(color);
	doc.fillColor(color).font('B').fontSize(13).text(label, M + 10, y - 1, { lineBreak: false });
	y += 22;
}

function bullets(items, { size = 10.5, indent = 14, gap = 3 } = {}) {
	for (const item of items) {
		doc.font('R').fontSize(size).fillColor('#222222');
		doc.text('•', M + 4, y, { lineBreak: false });
		const h = doc.heightOfString(item, { width: CW - indent - 4 });
		doc.text(item, M + indent + 4, y, { width: CW - indent - 4 });
		y += h + gap;
	}
}

// ---- 主要险情 ----------------------------------------------------------------------------
sectionTitle('可能遇到的险情');
bullets([
	'池内、井内存在硫化氢、一氧化碳等有毒气体，或者氧气不足，作业人员中毒、窒息；',
	'作业人员突然头晕、倒地，呼叫无回应；气体检测报警仪报警；通风设备突然停止。',
]);
y += 6;

// ---- 处置步骤 ----------------------------------------------------------------------------
sectionTitle('处置步骤（前三步必须背熟）', RED);
const steps = [
	['停', '立即停止作业，有限空间内人员马上撤出；监护人守在入口，不离开。'],
	['报', '大声呼救，立即报告班组长和单位应急值班人员：讲清地点、被困人数、情况、已采取的措施。情况紧急时直接拨打 119 / 120。'],
	['禁', '严禁盲目施救！未经培训、未佩戴本单位配备的防护装备的人员，一律不得进入有限空间。'],
	['通', '保持或加大通风；用本单位配备的救援器材在有限空间外部施救。'],
	['救', '确需进入的，由经过培训的救援人员佩戴防护装备、在专人监护下按预案进入；伤员移到通风良好处，等待医护人员。'],
	['护', '设置警戒，疏散无关人员；保护现场，移动物件要做标志、作记录，配合事故调查。'],
];
for (const [i, [key, text]] of steps.entries()) {
	const boxX = M;
	const textX = M + 52;
	const textW = CW - 60;
	doc.font('R').fontSize(11);
	const h = Math.max(34, doc.heightOfString(text, { width: textW }) + 14);
	doc.roundedRect(boxX, y, CW, h, 5).fill(i < 3 ? '#fdf1ef' : LIGHT);
	doc.roundedRect(boxX + 6, y + (h - 28) / 2, 36, 28, 4).fill(i < 3 ? RED : NAVY);
	doc.fillColor('white').font('B').fontSize(15)
		.text(`${i + 1}${key}`, boxX + 6, y + (h - 28) / 2 + 4, { width: 36, align: 'center', lineBreak: false });
	doc.fillColor('#222222').font(i === 2 ? 'B' : 'R').fontSize(11).text(text, textX, y + 7, { width: textW });
	y += h + 6;
}
y += 4;

// ---- 作业前确认 --------------------------------------------------------------------------
sectionTitle('作业前必须确认（防患于未然）');
bullets([
	'该有限空间已辨识、已列入安全管理台账，入口设有明显的安全警示标志；',
	'作业已经审批；先通风、再检测、后作业，检测合格才进入；',
	'监护人在岗，救援器材和防护装备已放在入口处。',
]);
y += 6;

// ---- 应急联系 ----------------------------------------------------------------------------
sectionTitle('应急联系');
const contacts = [
	['班组长', '姓名 ________ 电话 __________'],
	['单位应急值班', '电话 ________________'],
	['消防救援', '119'],
	['医疗急救', '120'],
];
const colW = CW / 2;
for (const [i, [k, v]] of contacts.entries()) {
	const cx = M + (i % 2) * colW;
	const cy = y + Math.floor(i / 2) * 24;
	doc.roundedRect(cx, cy, colW - 6, 20, 3).fill(LIGHT);
	doc.fillColor(NAVY).font('B').fontSize(10.5).text(k, cx + 8, cy + 4, { lineBreak: false });
	doc.fillColor('#222222').font('R').fontSize(10.5).text(v, cx + 92, cy + 4, { lineBreak: false });
}
y += 2 * 24 + 12;

// ---- 口诀 --------------------------------------------------------------------------------
doc.roundedRect(M, y, CW, 54, 6).fill(ORANGE);
doc.fillColor('white').font('B').fontSize(18)
	.text('记住：先停 · 先撤 · 先报告', M, y + 6, { width: CW, align: 'center', lineBreak: false });
doc.fillColor('white').font('R').fontSize(10.5)
	.text('有限空间出事，严禁盲目施救；紧急情况下停止作业、撤离，是法律赋予你的权利。', M, y + 33, { width: CW, align: 'center', lineBreak: false });
y += 54 + 8;

// ---- footer ------------------------------------------------------------------------------
const footerTop = doc.page.height - 92;
doc.moveTo(M, footerTop).lineTo(W - M, footerTop).lineWidth(0.6).strokeColor('#bbbbbb').stroke();
doc.font('R').fontSize(8.5).fillColor(GREY).text(
	'依据：《安全生产法》第五十五条（紧急情况下停止作业、撤离）、第八十三条（事故现场人员立即报告）；' +
		'《生产安全事故应急条例》第十七条（应急救援措施）；《生产安全事故报告和调查处理条例》第九条（报告）、第十六条（保护现场）；' +
		'《工贸企业重大事故隐患判定标准》第十三条（有限空间辨识、台账、警示标志、作业审批）；' +
		'大渡口区《2022年全区工贸行业安全生产工作要点》（先通风、再检测、后作业，严禁盲目施救）。',
	M, footerTop + 8, { width: CW, lineGap: 1.5 },
);
doc.font('R').fontSize(8.5).fillColor(GREY).text(
	'本卡为教学示例：企业应结合本单位应急预案和现场处置方案编写本岗位的应急处置卡，经审定后使用。安训 Anxun 示例课程。',
	M, doc.page.height - 30, { width: CW, lineBreak: false },
);

if (y > footerTop - 4) throw new Error(`content overflows into the footer (y=${Math.round(y)})`);
doc.end();
console.log(`wrote ${OUT}`);
