import PDFDocument from 'pdfkit';
import { Readable } from 'node:stream';
import { formatXueshi } from './hours.ts';
import { formatChinaTime, pdfFontData } from '../pdf/fonts.ts';
import { ARCHIVE_STATUS_LABELS, type PersonArchive } from './archive.query.ts';

// The printable 安全生产教育和培训档案: one person per page (a long record continues on the next
// page, never over the footer). Layout is done by hand — every block is measured before it is
// drawn — because pdfkit would otherwise add pages on its own, without our footer.

export type ArchivePdfMeta = {
	generatedAt: Date;
	/** Shown on the only page when `archives` is empty. */
	emptyNote?: string;
	/** Organisation shown on the empty page. */
	orgName?: string;
};

const LAW = '《安全生产法》第二十八条第四款';

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { top: 46, bottom: 58, left: 46, right: 46 };
const CONTENT_W = PAGE.width - MARGIN.left - MARGIN.right;
const BOTTOM = PAGE.height - MARGIN.bottom;
const GREY = '#555555';
const LINE = '#999999';
const HEAD_FILL = '#e8edf2';

type Column = { header: string; width: number; align?: 'left' | 'right' | 'center' };

type Ctx = {
	doc: PDFKit.PDFDocument;
	y: number;
	pageNo: number;
	generatedAt: Date;
	/** the running header of continuation pages */
	continuation: string | null;
};

function drawFooter(ctx: Ctx): void {
	const { doc } = ctx;
	const y = PAGE.height - 46;
	// Writing inside the bottom margin must not make pdfkit start a page of its own.
	const bottom = doc.page.margins.bottom;
	doc.page.margins.bottom = 0;
	doc.moveTo(MARGIN.left, y - 6).lineTo(PAGE.width - MARGIN.right, y - 6).lineWidth(0.5).strokeColor(LINE).stroke();
	doc.font('cjk').fontSize(7.5).fillColor(GREY);
	doc.text(`本档案依据${LAW}建立，如实记录安全生产教育和培训的时间、内容、参加人员以及考核结果。`, MARGIN.left, y, { lineBreak: false });
	doc.text(`生成时间：${formatChinaTime(ctx.generatedAt)}（北京时间）\u3000安训安全生产培训平台`, MARGIN.left, y + 11, { lineBreak: false });
	doc.text(`第${ctx.pageNo}页`, PAGE.width - MARGIN.right - 60, y, { width: 60, align: 'right', lineBreak: false });
	doc.page.margins.bottom = bottom;
	doc.fillColor('black');
}

function newPage(ctx: Ctx): void {
	ctx.doc.addPage({ size: 'A4', margins: MARGIN });
	ctx.pageNo++;
	drawFooter(ctx);
	ctx.y = MARGIN.top;
	if (ctx.continuation) {
		ctx.doc.font('cjk').fontSize(9).fillColor(GREY).text(ctx.continuation, MARGIN.left, ctx.y, { width: CONTENT_W });
		ctx.doc.fillColor('black');
		ctx.y += 18;
	}
}

/** Starts a continuation page when `height` does not fit; returns true if it did. */
function ensureSpace(ctx: Ctx, height: number): boolean {
	if (ctx.y + height <= BOTTOM) return false;
	newPage(ctx);
	return true;
}

function textHeight(ctx: Ctx, text: string, size: number, width: number): number {
	return ctx.doc.font('cjk').fontSize(size).heightOfString(text, { width });
}

function paragraph(ctx: Ctx, text: string, opts: { size?: number; color?: string; gap?: number; indent?: number } = {}): void {
	const size = opts.size ?? 9.5;
	const indent = opts.indent ?? 0;
	const width = CONTENT_W - indent;
	const h = textHeight(ctx, text, size, width);
	ensureSpace(ctx, h);
	ctx.doc.font('cjk').fontSize(size).fillColor(opts.color ?? 'black').text(text, MARGIN.left + indent, ctx.y, { width });
	ctx.doc.fillColor('black');
	ctx.y += h + (opts.gap ?? 3);
}

function heading(ctx: Ctx, text: string): void {
	// keep a heading together with at least two lines of what follows
	ensureSpace(ctx, 16 + 34);
	ctx.y += 6;
	ctx.doc.font('cjk').fontSize(11.5).fillColor('#0b3d6e').text(text, MARGIN.left, ctx.y, { width: CONTENT_W });
	ctx.doc.fillColor('black');
	ctx.y += 16;
	ctx.doc.moveTo(MARGIN.left, ctx.y).lineTo(MARGIN.left + CONTENT_W, ctx.y).lineWidth(0.6).strokeColor('#0b3d6e').stroke();
	ctx.y += 4;
}

const CELL_PAD = 3;
const TABLE_SIZE = 8;

function tableRow(ctx: Ctx, columns: Column[], cells: string[], header: boolean): number {
	const heights = columns.map((c, i) => textHeight(ctx, cells[i] ?? '', TABLE_SIZE, c.width - 2 * CELL_PAD));
	return Math.max(...heights) + 2 * CELL_PAD + (header ? 1 : 0);
}

function drawRow(ctx: Ctx, columns: Column[], cells: string[], header: boolean, height: number): void {
	const { doc } = ctx;
	if (header) doc.rect(MARGIN.left, ctx.y, CONTENT_W, height).fillColor(HEAD_FILL).fill();
	let x = MARGIN.left;
	doc.font('cjk').fontSize(TABLE_SIZE).fillColor(header ? '#1a1f24' : 'black');
	columns.forEach((c, i) => {
		doc.text(cells[i] ?? '', x + CELL_PAD, ctx.y + CELL_PAD, { width: c.width - 2 * CELL_PAD, align: header ? 'left' : (c.align ?? 'left') });
		x += c.width;
	});
	ctx.y += height;
	doc.moveTo(MARGIN.left, ctx.y).lineTo(MARGIN.left + CONTENT_W, ctx.y).lineWidth(0.4).strokeColor(LINE).stroke();
	doc.fillColor('black');
}

/** A table whose rows flow onto continuation pages, repeating the header row there. */
function table(ctx: Ctx, columns: Column[], rows: string[][]): void {
	const headers = columns.map((c) => c.header);
	const headerH = tableRow(ctx, columns, headers, true);
	const firstH = rows.length ? tableRow(ctx, columns, rows[0]!, false) : 0;
	ensureSpace(ctx, headerH + firstH);
	drawRow(ctx, columns, headers, true, headerH);
	for (const row of rows) {
		const h = tableRow(ctx, columns, row, false);
		if (ensureSpace(ctx, h)) drawRow(ctx, columns, headers, true, headerH);
		drawRow(ctx, columns, row, false, h);
	}
	ctx.y += 4;
}

/** Fills `width` with the last column so a table always spans the content width. */
function fitColumns(columns: Column[], stretch: number): Column[] {
	const used = columns.reduce((s, c, i) => (i === stretch ? s : s + c.width), 0);
	return columns.map((c, i) => (i === stretch ? { ...c, width: CONTENT_W - used } : c));
}

const COURSE_COLUMNS = fitColumns(
	[
		{ header: '课程名称', width: 0 },
		{ header: '培训类型', width: 50 },
		{ header: '年度', width: 32, align: 'center' },
		{ header: '课时', width: 36, align: 'center' },
		{ header: '已获学时', width: 38, align: 'right' },
		{ header: '课程学时', width: 38, align: 'right' },
		{ header: '首次学习', width: 52 },
		{ header: '最近学习', width: 52 },
		{ header: '完成日期', width: 52 }
	],
	0
);

const EXAM_COLUMNS = fitColumns(
	[
		{ header: '考试名称', width: 0 },
		{ header: '考试日期', width: 70 },
		{ header: '成绩', width: 60, align: 'right' },
		{ header: '结果', width: 60 }
	],
	0
);

const CERT_COLUMNS = fitColumns(
	[
		{ header: '证书名称', width: 0 },
		{ header: '证书编号', width: 120 },
		{ header: '发证日期', width: 70 },
		{ header: '有效期至', width: 70 }
	],
	0
);

const LIVE_COLUMNS = fitColumns(
	[
		{ header: '直播名称', width: 0 },
		{ header: '日期', width: 60 },
		{ header: '直播分钟', width: 46, align: 'right' },
		{ header: '回放分钟', width: 46, align: 'right' },
		{ header: '回放规则', width: 70 },
		{ header: '计入学时', width: 46, align: 'right' }
	],
	0
);

const num = (n: number) => n.toFixed(1);
const liveMinutes = (s: number) => String(Math.floor(s / 60));

function drawPerson(ctx: Ctx, a: PersonArchive): void {
	const { doc } = ctx;
	const p = a.person;
	const yearText = a.year === null ? '全部年度' : `${a.year}年度`;
	ctx.continuation = null;
	newPage(ctx);
	ctx.continuation = `安全生产教育和培训档案（续）\u3000${p.name}\u3000${p.idNumberMasked}\u3000${yearText}`;

	doc.font('cjk').fontSize(18).fillColor('black').text('安全生产教育和培训档案', MARGIN.left, ctx.y, { width: CONTENT_W, align: 'center' });
	ctx.y += 28;
	doc.fontSize(10).fillColor(GREY).text(`${p.orgName}\u3000${yearText}`, MARGIN.left, ctx.y, { width: CONTENT_W, align: 'center' });
	doc.fillColor('black');
	ctx.y += 20;

	heading(ctx, '人员信息');
	const facts: [string, string][] = [
		['姓名', p.name],
		['身份证号', p.idNumberMasked],
		['人员类别', p.roleCategoryLabel],
		['岗位', p.position ?? '—'],
		['上岗日期', p.hiredOn ?? '—'],
		['在岗状态', p.active ? '在岗' : '已停用'],
		['所属单位', p.orgName]
	];
	const colW = CONTENT_W / 2;
	for (let i = 0; i < facts.length; i += 2) {
		const pair = facts.slice(i, i + 2).map(([k, v]) => `${k}：${v}`);
		const full = pair.length === 1; // the last fact (单位) may be long: give it the whole line
		const w = full ? CONTENT_W : colW - 8;
		const h = Math.max(...pair.map((t) => textHeight(ctx, t, 9.5, w)));
		ensureSpace(ctx, h);
		pair.forEach((t, j) => doc.font('cjk').fontSize(9.5).text(t, MARGIN.left + j * colW, ctx.y, { width: w }));
		ctx.y += h + 3;
	}

	heading(ctx, '学时要求');
	const credited = formatXueshi(a.totals.creditedXueshi);
	if (a.year === null) {
		paragraph(ctx, `全部年度累计已获学时：${credited}。`);
	} else if (a.requirement) {
		const r = a.requirement;
		paragraph(ctx, `${a.year}年度要求：${r.title}，不少于 ${formatXueshi(r.hours)}；已获 ${credited}；结论：${ARCHIVE_STATUS_LABELS[a.status]}。`);
		paragraph(ctx, `依据：${r.basis}`, { size: 8.5, color: GREY });
	} else {
		paragraph(ctx, `${a.year}年度要求：该人员类别没有规定的年度学时要求（${ARCHIVE_STATUS_LABELS.none}）；已获 ${credited}。`);
	}
	paragraph(ctx, `学时按平台记录的有效学习时长计算，1 学时按 ${a.xueshiMinutes} 分钟计，向下取整到 0.1 学时。`, { size: 8.5, color: GREY });

	heading(ctx, '培训课程（时间、内容）');
	if (a.courses.length === 0) {
		paragraph(ctx, '暂无培训课程');
	} else {
		table(
			ctx,
			COURSE_COLUMNS,
			a.courses.map((c) => [
				c.enrolmentStatus === 'withdrawn' ? `${c.title}（已撤销）` : c.title,
				c.trainingTypeLabel,
				String(c.planYear),
				`${c.lessonsDone}/${c.lessonsTotal}`,
				num(c.creditedXueshi),
				num(c.courseXueshi),
				c.firstStudyOn ?? '—',
				c.lastStudyOn ?? '—',
				c.completedOn ?? '未完成'
			])
		);
		paragraph(ctx, `合计：已分配课程 ${a.totals.coursesAssigned} 门，已完成 ${a.totals.coursesCompleted} 门，已获 ${credited}。`, { size: 9 });
	}

	if (a.live.length > 0) {
		heading(ctx, '直播培训（直播 / 回放）');
		table(
			ctx,
			LIVE_COLUMNS,
			a.live.map((c) => [
				c.title,
				c.day,
				liveMinutes(c.liveSeconds),
				liveMinutes(c.replaySeconds),
				c.replayRule === 'replay_allowed' ? '回放计学时' : '仅直播计学时',
				num(c.creditedXueshi)
			])
		);
		paragraph(ctx, `合计：直播 ${formatXueshi(a.totals.liveXueshi)}，回放 ${formatXueshi(a.totals.replayXueshi)}（已计入已获学时）。`, { size: 9 });
	}

	heading(ctx, '学习记录（按日）');
	if (a.daily.length === 0) {
		paragraph(ctx, '暂无学习记录');
	} else {
		const first = a.daily[0]!.date;
		const last = a.daily[a.daily.length - 1]!.date;
		paragraph(ctx, `共 ${a.daily.length} 天有学习记录（${first} 至 ${last}），每日已获学时如下：`, { size: 9 });
		const perRow = 4;
		const cellW = CONTENT_W / perRow;
		for (let i = 0; i < a.daily.length; i += perRow) {
			ensureSpace(ctx, 13);
			a.daily.slice(i, i + perRow).forEach((d, j) => {
				doc.font('cjk').fontSize(8.5).text(`${d.date}\u3000${num(d.xueshi)} 学时`, MARGIN.left + j * cellW, ctx.y, { width: cellW - 6, lineBreak: false });
			});
			ctx.y += 13;
		}
		ctx.y += 3;
	}

	heading(ctx, '考试记录（考核结果）');
	if (a.exams.length === 0) paragraph(ctx, '暂无考试记录');
	else
		table(
			ctx,
			EXAM_COLUMNS,
			a.exams.map((e) => [e.title, e.takenOn, e.score === null ? '—' : String(e.score), e.passed ? '合格' : '不合格'])
		);

	heading(ctx, '证书');
	if (a.certificates.length === 0) paragraph(ctx, '暂无证书');
	else table(ctx, CERT_COLUMNS, a.certificates.map((c) => [c.title, c.number, c.issuedOn, c.validUntil ?? '长期']));

	ensureSpace(ctx, 40);
	ctx.y += 18;
	const blank = '\u3000'.repeat(8);
	doc.font('cjk').fontSize(9.5).text(`单位（盖章）：${blank}${blank.slice(2)}记录人：${blank}审核人：${blank}日期：`, MARGIN.left, ctx.y, {
		width: CONTENT_W,
		lineBreak: false
	});
	ctx.y += 16;
}

function createDocument(meta: ArchivePdfMeta): PDFKit.PDFDocument {
	const doc = new PDFDocument({
		size: 'A4',
		margins: MARGIN,
		autoFirstPage: false,
		info: { Title: '安全生产教育和培训档案', Author: '安训', Creator: '安训', CreationDate: meta.generatedAt },
		lang: 'zh-CN'
	} as PDFKit.PDFDocumentOptions);
	// The font is embedded (subset) once for the whole document, whatever the number of pages.
	doc.registerFont('cjk', pdfFontData());
	return doc;
}

/** Draws every person, handing the event loop back now and then so a long run can stream. */
async function writeArchives(doc: PDFKit.PDFDocument, archives: PersonArchive[], meta: ArchivePdfMeta): Promise<void> {
	const ctx: Ctx = { doc, y: MARGIN.top, pageNo: 0, generatedAt: meta.generatedAt, continuation: null };
	if (archives.length === 0) {
		newPage(ctx);
		doc.font('cjk').fontSize(18).text('安全生产教育和培训档案', MARGIN.left, ctx.y, { width: CONTENT_W, align: 'center' });
		ctx.y += 36;
		if (meta.orgName) paragraph(ctx, meta.orgName);
		paragraph(ctx, meta.emptyNote ?? '暂无人员');
	}
	for (const [i, archive] of archives.entries()) {
		if (doc.destroyed) return; // the client went away
		drawPerson(ctx, archive);
		if (i % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
	}
	doc.end();
}

/** The archives as one A4 PDF, each person starting on a new page. */
export async function renderArchivePdf(archives: PersonArchive[], meta: ArchivePdfMeta): Promise<Buffer> {
	const doc = createDocument(meta);
	const chunks: Buffer[] = [];
	doc.on('data', (c: Buffer) => chunks.push(c));
	const ended = new Promise<void>((resolve, reject) => {
		doc.on('end', resolve);
		doc.on('error', reject);
	});
	await writeArchives(doc, archives, meta);
	await ended;
	return Buffer.concat(chunks);
}

/**
 * The same PDF as a stream, for whole enterprises (about 5 ms a page, so 20,000 persons take minutes):
 * the download starts with the first pages instead of after the last one, other requests are
 * served in between, and rendering stops when the client goes away.
 */
export function streamArchivePdf(archives: PersonArchive[], meta: ArchivePdfMeta): ReadableStream<Uint8Array> {
	const doc = createDocument(meta);
	const stream = Readable.toWeb(doc) as unknown as ReadableStream<Uint8Array>;
	writeArchives(doc, archives, meta).catch((e: unknown) => doc.destroy(e instanceof Error ? e : new Error(String(e))));
	return stream;
}
