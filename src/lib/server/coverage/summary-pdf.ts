import PDFDocument from 'pdfkit';
import { readFileSync } from 'node:fs';
import { resolvePdfFont, formatChinaTime } from '../pdf/fonts.ts';
import type { TargetSummary } from './dashboard.ts';
import { RATE_STATUS_LABELS } from './target.ts';

// One A4 page per region for the regulator's report: every target's rate against its goal,
// with the worst child regions. Rows that do not fit are summarised in one line, never a page 2.

let font: Buffer | null = null;

export type SummaryPdfInput = {
	regionName: string;
	generatedAt: Date;
	targets: (TargetSummary & { worstChildren: { name: string; rate: number | null }[] })[];
};

export async function renderCoverageSummaryPdf(input: SummaryPdfInput): Promise<Buffer> {
	font ??= readFileSync(resolvePdfFont());
	const doc = new PDFDocument({ size: 'A4', margin: 40, autoFirstPage: true, info: { Title: `${input.regionName}全覆盖培训目标完成情况` } });
	doc.registerFont('sc', font);
	doc.font('sc');
	const chunks: Buffer[] = [];
	doc.on('data', (c: Buffer) => chunks.push(c));
	const ended = new Promise<void>((resolve, reject) => {
		doc.on('end', resolve);
		doc.on('error', reject);
	});
	const left = 40;
	const width = 515;
	const bottom = 800;
	doc.fontSize(15).text(`${input.regionName}全覆盖培训目标完成情况`, left, 40, { width, align: 'center' });
	doc.fontSize(8.5).fillColor('#555555').text(`生成时间：${formatChinaTime(input.generatedAt)}（北京时间） 数据来源：安训平台学习、考试与发证记录`, left, 64, { width, align: 'center' });
	let y = 86;
	const cols = [
		{ h: '目标', w: 200 },
		{ h: '应覆盖', w: 45 },
		{ h: '已覆盖', w: 45 },
		{ h: '覆盖率', w: 45 },
		{ h: '目标值', w: 40 },
		{ h: '时限', w: 60 },
		{ h: '进度', w: 80 }
	];
	const row = (cells: string[], bold = false) => {
		doc.fontSize(8).fillColor('#000000');
		const heights = cells.map((c, i) => doc.heightOfString(c, { width: cols[i]!.w - 4 }));
		const h = Math.max(...heights) + 5;
		if (bold) doc.rect(left, y, width, h).fill('#e8edf2').fillColor('#000000');
		let x = left;
		cells.forEach((c, i) => {
			doc.text(c, x + 2, y + 2.5, { width: cols[i]!.w - 4 });
			x += cols[i]!.w;
		});
		doc.moveTo(left, y + h).lineTo(left + width, y + h).strokeColor('#999999').lineWidth(0.4).stroke();
		y += h;
	};
	row(cols.map((c) => c.h), true);
	let omitted = 0;
	for (const t of input.targets) {
		const worst = t.worstChildren.filter((c) => c.rate !== null).map((c) => `${c.name} ${c.rate}%`).join('、');
		const title = worst ? `${t.title}\n最低：${worst}` : t.title;
		if (y + doc.heightOfString(title, { width: cols[0]!.w - 4 }) + 30 > bottom) {
			omitted++;
			continue;
		}
		row([title, String(t.required), String(t.covered), t.rate === null ? '—' : `${t.rate}%`, `${t.goalPercent}%`, t.deadline, RATE_STATUS_LABELS[t.status]]);
	}
	y += 8;
	doc.fontSize(8).fillColor('#555555');
	if (omitted) doc.text(`另有 ${omitted} 项目标未列出，请在平台查看。`, left, y, { width });
	doc.text('覆盖率 = 在目标周期内满足要求（完成培训、通过考试或持有有效证书）的人数 ÷ 应覆盖人数。', left, bottom - 10, { width });
	doc.end();
	await ended;
	return Buffer.concat(chunks);
}
