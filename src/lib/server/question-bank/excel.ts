import ExcelJS from 'exceljs';
import { writeXlsxBuffer } from '../excel/safe-cells.ts';
import { EMPTY, MAX_LISTED_ERRORS, cellText, columnLetter, progressPause, readCell, readImportSheet, snippet, unnamedColumns, type Cell, type RowError } from '../excel/sheet.ts';
import { OPTION_KEYS, QUESTION_TYPE_LABELS, caseSchema, normaliseStem, questionSchema, type OptionKey, type Question, type QuestionType, type StoredQuestion } from '../../question-bank/schema.ts';

// Excel (.xlsx) template, export and import of questions. Server-only, no database access:
// the caller decides what to do with the parsed questions (bank membership, knowledge points,
// sources and duplicates against the database are checked elsewhere).
//
// One question per row on the sheet “题目”; row 1 is the header, columns are matched by header
// text (order does not matter). Export writes exactly the format the importer reads, so
// export → import round-trips.
//
// Case-analysis groups (案例分析): every member row carries the case code (案例组) and the case's
// title and scenario (案例标题, 案例材料); a hand-written file may give them on one row of the group
// only, but rows that give them must agree. 同一事实组 (same_fact) and 记忆题理由 (trivia_ok) are
// per question. All five columns are optional: a file without them imports as before.

/** Header texts of the question sheet, in the order the template and export write them. */
export const QUESTION_COLUMNS = ['题号', '题型', '题干', '选项A', '选项B', '选项C', '选项D', '选项E', '选项F', '答案', '解析', '依据', '知识点', '难度', '知识点名称', '案例组', '案例标题', '案例材料', '同一事实组', '记忆题理由'] as const;
export type QuestionColumn = (typeof QUESTION_COLUMNS)[number];

/** Columns that must be present in the header row. Option columns are optional. */
export const REQUIRED_COLUMNS: readonly QuestionColumn[] = ['题号', '题型', '题干', '答案', '解析', '依据', '知识点', '难度'];

export const QUESTION_SHEET = '题目';
export const EXAMPLE_SHEET = '示例';
export const INSTRUCTIONS_SHEET = '填写说明';
export const BANK_INFO_SHEET = '题库信息';

export const DEFAULT_MAX_ROWS = 10_000;
export const DEFAULT_MAX_CELL_CHARS = 5_000;
export { MAX_LISTED_ERRORS };
const PROGRESS_EVERY = 500;

export type { RowError };
/** `knowledgeNames` (code → name, from the optional 知识点名称 column) is present when that column has any name. */
/**
 * `rows[i]` is the Excel row of `questions[i]`. A case member carries its case's title and
 * scenario (`case_title`, `case_scenario`), as stored. `columns` lists the optional issue-14 columns
 * the header has: an import into an existing bank keeps a field whose column is absent.
 */
export type ParseResult =
	| { ok: true; questions: StoredQuestion[]; rows: number[]; columns: GroupColumn[]; knowledgeNames?: Record<string, string> }
	| { ok: false; errors: RowError[] };
/** The optional columns of case groups, duplicate groups and accepted trivia. */
export const GROUP_COLUMNS = ['案例组', '案例标题', '案例材料', '同一事实组', '记忆题理由'] as const satisfies readonly QuestionColumn[];
export type GroupColumn = (typeof GROUP_COLUMNS)[number];
/** Fewest questions a case group may have: a “case” of one question is not a group. */
export const MIN_CASE_QUESTIONS = 2;
export type ParseOptions = {
	/** Maximum number of (non-blank) data rows; default 10000. */
	maxRows?: number;
	/** Maximum characters in one cell; default 5000. */
	maxCellChars?: number;
	/** Called after every 500 data rows and once at the end with (done, total). */
	onProgress?: (done: number, total: number) => void;
};

const optionColumn = (k: OptionKey) => `选项${k}` as QuestionColumn;

const COLUMN_WIDTHS: Record<QuestionColumn, number> = {
	题号: 14,
	题型: 8,
	题干: 50,
	选项A: 24,
	选项B: 24,
	选项C: 24,
	选项D: 24,
	选项E: 24,
	选项F: 24,
	答案: 9,
	解析: 50,
	依据: 34,
	知识点: 16,
	难度: 7,
	知识点名称: 24,
	案例组: 16,
	案例标题: 24,
	案例材料: 50,
	同一事实组: 18,
	记忆题理由: 30
};

const TYPE_ALIASES: Record<string, QuestionType> = {
	单选: 'single',
	单选题: 'single',
	单项选择: 'single',
	单项选择题: 'single',
	single: 'single',
	多选: 'multiple',
	多选题: 'multiple',
	多项选择: 'multiple',
	多项选择题: 'multiple',
	multiple: 'multiple',
	判断: 'judge',
	判断题: 'judge',
	judge: 'judge'
};

const JUDGE_ALIASES: Record<string, boolean> = {
	正确: true,
	对: true,
	是: true,
	'√': true,
	'✓': true,
	'✔': true,
	true: true,
	t: true,
	yes: true,
	y: true,
	错误: false,
	错: false,
	否: false,
	'×': false,
	'✗': false,
	'✘': false,
	x: false,
	false: false,
	f: false,
	no: false,
	n: false
};

const JUDGE_LABELS = { true: '正确', false: '错误' } as const;

// ---------------------------------------------------------------------------------------------
// Writing

function formatAnswer(q: Question): string {
	if (typeof q.answer === 'boolean') return JUDGE_LABELS[`${q.answer}`];
	return Array.isArray(q.answer) ? q.answer.join('') : q.answer;
}

function formatBasis(q: Question): string {
	return q.basis.map((b) => `${b.source} ${b.ref}`).join('\n');
}

function questionRow(q: StoredQuestion, knowledgeNames: ReadonlyMap<string, string> = new Map()): (string | number | null)[] {
	return [
		q.id,
		QUESTION_TYPE_LABELS[q.type],
		q.stem,
		...OPTION_KEYS.map((k) => q.options?.[k] ?? null),
		formatAnswer(q),
		q.explanation,
		formatBasis(q),
		q.knowledge,
		q.difficulty,
		knowledgeNames.get(q.knowledge) ?? null,
		q.case ?? null,
		q.case ? (q.case_title ?? null) : null,
		q.case ? (q.case_scenario ?? null) : null,
		q.same_fact ?? null,
		q.trivia_ok ?? null
	];
}

/** Adds a sheet with the styled header row (bold, frozen, widths, text format, wrapping). */
function addQuestionSheet(wb: ExcelJS.Workbook, name: string, validations: boolean): ExcelJS.Worksheet {
	const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
	ws.columns = QUESTION_COLUMNS.map((header) => ({
		header,
		width: COLUMN_WIDTHS[header],
		style: {
			// Text format stops Excel turning ids such as 0001 or knowledge points such as 1.10 into numbers.
			numFmt: header === '难度' ? 'General' : '@',
			alignment: { vertical: 'top', wrapText: true }
		}
	}));
	const header = ws.getRow(1);
	header.font = { bold: true };
	header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
	header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
	ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: QUESTION_COLUMNS.length } };
	if (validations) {
		const letter = (c: QuestionColumn) => columnLetter(QUESTION_COLUMNS.indexOf(c) + 1);
		const last = DEFAULT_MAX_ROWS + 1;
		// Worksheet.dataValidations is missing from exceljs' type declarations.
		const dv = (ws as unknown as { dataValidations: { add(address: string, v: ExcelJS.DataValidation): void } }).dataValidations;
		dv.add(`${letter('题型')}2:${letter('题型')}${last}`, {
			type: 'list',
			allowBlank: true,
			formulae: ['"单选,多选,判断"'],
			showErrorMessage: true,
			errorTitle: '题型',
			error: '请选择 单选、多选 或 判断'
		});
		dv.add(`${letter('难度')}2:${letter('难度')}${last}`, {
			type: 'whole',
			operator: 'between',
			allowBlank: true,
			formulae: [1, 5],
			showErrorMessage: true,
			errorTitle: '难度',
			error: '难度为 1–5 的整数'
		});
	}
	return ws;
}

const EXAMPLES: Question[] = [
	{
		id: 'demo-0001',
		type: 'single',
		stem: '根据《安全生产法》第二十一条，“保证本单位安全生产投入的有效实施”是（ ）的法定职责。',
		options: { A: '财务部门负责人', B: '安全生产管理机构', C: '工会', D: '主要负责人' },
		answer: 'D',
		explanation: '第二十一条第（四）项把“保证本单位安全生产投入的有效实施”列为生产经营单位主要负责人的职责。',
		basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第二十一条' }],
		knowledge: 'ch2.principal',
		difficulty: 2
	},
	{
		id: 'demo-0002',
		type: 'multiple',
		stem: '根据《安全生产法》第二十一条，下列属于生产经营单位主要负责人安全生产职责的有（ ）。',
		options: {
			A: '建立健全并落实本单位全员安全生产责任制，加强安全生产标准化建设',
			B: '如实记录安全生产教育和培训情况',
			C: '组织制定并实施本单位安全生产教育和培训计划',
			D: '组织制定并实施本单位的生产安全事故应急救援预案',
			E: '及时、如实报告生产安全事故'
		},
		answer: ['A', 'C', 'D', 'E'],
		explanation: 'A、C、D、E 是第二十一条规定的主要负责人职责；“如实记录安全生产教育和培训情况”是第二十五条规定的安全生产管理机构以及安全生产管理人员的职责。',
		basis: [
			{ source: 'anquan-shengchan-fa-2021', ref: '第二十一条' },
			{ source: 'anquan-shengchan-fa-2021', ref: '第二十五条' }
		],
		knowledge: 'ch2.principal',
		difficulty: 4
	},
	{
		id: 'demo-0003',
		type: 'judge',
		stem: '生产经营单位不具备安全生产条件的，不得从事生产经营活动。',
		answer: true,
		explanation: '第二十条规定，生产经营单位不具备安全生产条件的，不得从事生产经营活动。',
		basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第二十条' }],
		knowledge: 'ch2.conditions',
		difficulty: 1
	}
];

const INSTRUCTIONS: [string, string, string][] = [
	['题号', '必填', '题目的唯一编号，只能用小写字母、数字和连字符，2–40位，如 aqsc-0001。同一文件内不能重复。'],
	['题型', '必填', '单选、多选 或 判断（也可写 single / multiple / judge）。'],
	['题干', '必填', '题目内容，最多2000字。同一文件内题干不能重复（忽略标点和空格）。'],
	['选项A–选项F', '选择题必填', '单选题和多选题至少填写选项A、选项B，选项须从A起连续填写，不要跳过；每个选项最多500字。判断题的选项必须留空。'],
	['答案', '必填', '单选题填一个字母，如 B；多选题填两个或以上字母，如 ACD（也可写 A,C,D 或 A、C、D）；判断题填 正确 或 错误（也可写 对/错、√/×）。'],
	['解析', '必填', '答案的解释，最多3000字。'],
	['依据', '必填', '每行一条，格式为“来源文件名 条款”，中间用空格隔开，如 anquan-shengchan-fa-2021 第二十八条。多条依据可换行（Alt+Enter）或用“；”分隔。来源文件名为 question-banks/sources 中的文件名。'],
	['知识点', '必填', '题库中的知识点编号，如 ch2.principal。'],
	['难度', '必填', '1–5 的整数，1 最容易，5 最难。'],
	['知识点名称', '选填', '知识点的名称，如“生产经营单位主要负责人的职责”。新建题库时用它作知识点名称（不填则名称同编号）；导出的文件会自动带上。'],
	['案例组', '选填', `案例分析题的案例编号，形如 aqsc-case-01（小写字母、数字和连字符，以 -case- 加两到三位数字结尾）。同一案例的各题填写相同的编号，组卷时整组一起抽取、连续排列、先显示案例材料；一个案例组至少 ${MIN_CASE_QUESTIONS} 道题（含题库中已有的同组题目），各题按文件中的先后顺序排列。不是案例题的留空。`],
	['案例标题', '案例题必填', '案例的标题，最多100字。同一案例组的各行应相同；可只在该组的第一行填写，其余行留空。'],
	['案例材料', '案例题必填', '案例情景（考生先读的材料），最多2000字。同一案例组各行填写的内容必须完全相同；可只在该组的第一行填写，其余行留空。未填写“案例组”的行不能填写案例标题或案例材料。'],
	['同一事实组', '选填', '考查同一知识事实、只是问法不同的几道题填写相同的组名（小写字母、数字、点和连字符，2–60位，如 report.one-hour）；同一张试卷中同组的题最多抽一道。'],
	['记忆题理由', '选填', '答案是日期、文号或条款号的题目通常属于死记硬背题；如果记住这个数字确实是岗位职责（如“事故发生后1小时内报告”），在这里写明理由（最多200字）。']
];

const GENERAL_NOTES = [
	'在“题目”工作表中填写，每行一道题；第1行是表头，请不要修改列名。列的顺序可以调整，选项E、选项F等用不到的选项列可以删除。',
	'“示例”工作表中有单选、多选、判断各一道示例题，仅供参考，导入时不会读取。',
	`单次最多导入 ${DEFAULT_MAX_ROWS} 道题，更多请拆分成几个文件；空行会被忽略；单元格最多 ${DEFAULT_MAX_CELL_CHARS} 个字符。`,
	'题号、知识点等列请保持“文本”格式，避免 Excel 把 0001、1.10 之类的内容自动改成数字。',
	'导入时会检查每一行，文件中有任何错误都不会导入，并列出所有出错的行和列；请按提示修改后重新上传。',
	'案例组、案例标题、案例材料、同一事实组、记忆题理由 五列可以删除；向已有题库导入时，文件中没有的列保留题目原有的内容，有该列但单元格留空则清除。'
];

/** Blank import template: “题目” (header only), “示例” (one example per type), “填写说明”. */
export async function buildTemplateXlsx(): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	wb.creator = '安训';
	addQuestionSheet(wb, QUESTION_SHEET, true);

	const examples = addQuestionSheet(wb, EXAMPLE_SHEET, false);
	for (const q of EXAMPLES) examples.addRow(questionRow(q));

	const help = wb.addWorksheet(INSTRUCTIONS_SHEET);
	help.columns = [{ width: 14 }, { width: 12 }, { width: 90 }];
	help.addRow(['题目导入填写说明']).font = { bold: true, size: 14 };
	help.addRow([]);
	for (const note of GENERAL_NOTES) help.addRow(['', '', note]);
	help.addRow([]);
	const head = help.addRow(['列名', '是否必填', '填写要求']);
	head.font = { bold: true };
	for (const row of INSTRUCTIONS) help.addRow(row);
	help.eachRow((row) => {
		row.alignment = { vertical: 'top', wrapText: true };
	});
	return writeXlsxBuffer(wb);
}

/**
 * Questions of one bank in the import format (sheet “题目”), plus a “题库信息” sheet. The
 * 知识点名称 column carries each knowledge point's name, so a re-import keeps names, not codes.
 */
export async function exportQuestionsXlsx(
	bank: { code: string; name: string },
	questions: StoredQuestion[],
	knowledgeNames: ReadonlyMap<string, string> = new Map()
): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	wb.creator = '安训';
	const ws = addQuestionSheet(wb, QUESTION_SHEET, false);
	for (const q of groupCases(questions)) ws.addRow(questionRow(q, knowledgeNames));

	const info = wb.addWorksheet(BANK_INFO_SHEET);
	info.columns = [{ width: 12 }, { width: 50 }];
	info.addRows([
		['题库代码', bank.code],
		['题库名称', bank.name],
		['题目数量', questions.length]
	]);
	info.getColumn(1).font = { bold: true };
	return writeXlsxBuffer(wb);
}

/** Questions in the given order, except that the members of a case follow its first member, in their own order. */
export function groupCases<Q extends Pick<Question, 'case'>>(questions: readonly Q[]): Q[] {
	const members = new Map<string, Q[]>();
	for (const q of questions) if (q.case) members.set(q.case, [...(members.get(q.case) ?? []), q]);
	const out: Q[] = [];
	for (const q of questions) {
		if (!q.case) out.push(q);
		else if (members.has(q.case)) {
			out.push(...members.get(q.case)!);
			members.delete(q.case);
		}
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// Reading

const NO_DATA = '没有题目数据';

/** Collects errors, listing at most MAX_LISTED_ERRORS and counting the rest. */
class ErrorList {
	readonly listed: RowError[] = [];
	total = 0;
	add(row: number | null, column: string | null, message: string) {
		this.total++;
		if (this.listed.length < MAX_LISTED_ERRORS) this.listed.push({ row, column, message });
	}
	result(): RowError[] {
		const rest = this.total - this.listed.length;
		return rest > 0 ? [...this.listed, { row: null, column: null, message: `还有 ${rest} 处错误未列出` }] : this.listed;
	}
}

const PATH_COLUMNS: Record<string, QuestionColumn> = {
	id: '题号',
	type: '题型',
	stem: '题干',
	answer: '答案',
	explanation: '解析',
	basis: '依据',
	knowledge: '知识点',
	difficulty: '难度',
	case: '案例组',
	same_fact: '同一事实组',
	trivia_ok: '记忆题理由'
};

/** Stand-ins for fields that failed, so the cross-field checks (superRefine) still run. */
const PLACEHOLDERS: Record<string, unknown> = {
	id: 'xx',
	stem: 'x',
	explanation: 'x',
	basis: [{ source: 'x', ref: 'x' }],
	knowledge: 'x',
	difficulty: 1
};

type RowResult = { question: Question | null; id: string | null; stem: string | null; knowledgeName?: string; caseTitle?: string; caseScenario?: string };

class RowParser {
	constructor(
		private readonly header: Map<QuestionColumn, number>,
		private readonly maxCellChars: number,
		private readonly errors: ErrorList
	) {}

	parse(rowNumber: number, values: unknown[]): RowResult {
		const bad = new Set<QuestionColumn>();
		const fail = (col: QuestionColumn, message: string) => {
			bad.add(col);
			this.errors.add(rowNumber, col, `第${rowNumber}行“${col}”${message}`);
		};
		const cells = new Map<QuestionColumn, Cell>();
		for (const [col, c] of this.header) {
			const cell = readCell(values[c]);
			if (cell.kind === 'text' && cell.text.length > this.maxCellChars) fail(col, `超过${this.maxCellChars}个字符`);
			else cells.set(col, cell);
		}
		/** Text of a cell; undefined when empty or unusable (then reported, unless merely empty and optional). */
		const text = (col: QuestionColumn, opts: { required: boolean; numbers?: boolean }): string | undefined => {
			if (bad.has(col)) return undefined;
			const read = cellText(cells.get(col) ?? EMPTY, opts.numbers ? 'any' : 'none');
			if ('error' in read) fail(col, read.error);
			else if (read.text) return read.text;
			else if (opts.required) fail(col, '不能为空');
			return undefined;
		};

		const id = text('题号', { required: true });

		let type: QuestionType | undefined;
		const typeText = text('题型', { required: true });
		if (typeText !== undefined) {
			type = TYPE_ALIASES[typeText.normalize('NFKC').replace(/\s/g, '').toLowerCase()];
			if (!type) fail('题型', `应为“单选”、“多选”或“判断”，当前是“${snippet(typeText)}”`);
		}

		const stem = text('题干', { required: true });

		let options: Partial<Record<OptionKey, string>> | undefined;
		for (const k of OPTION_KEYS) {
			const col = optionColumn(k);
			if (!this.header.has(col)) continue;
			const v = text(col, { required: false, numbers: true });
			if (v !== undefined) (options ??= {})[k] = v;
		}

		let answer: Question['answer'] | undefined;
		const answerCell = bad.has('答案') ? EMPTY : (cells.get('答案') ?? EMPTY);
		if (type === 'judge' && answerCell.kind === 'boolean') {
			answer = answerCell.value;
		} else {
			const a = text('答案', { required: true });
			if (a !== undefined) {
				if (type === 'judge') {
					answer = JUDGE_ALIASES[a.normalize('NFKC').replace(/\s/g, '').toLowerCase()];
					if (answer === undefined) fail('答案', `：判断题的答案应为“正确”或“错误”，当前是“${snippet(a)}”`);
				} else if (type) {
					const letters = a.normalize('NFKC').toUpperCase().replace(/[\s,，、;；/|]+/g, '');
					if (!/^[A-Z]+$/.test(letters)) {
						fail('答案', `：选择题的答案应为选项字母（如 B 或 ACD），当前是“${snippet(a)}”`);
					} else {
						const keys = [...letters];
						answer = type === 'single' && keys.length === 1 ? keys[0] : keys;
					}
				} else {
					answer = a; // type unknown: reported on 题型 already
				}
			}
		}

		const explanation = text('解析', { required: true });

		let basis: { source: string; ref: string }[] | undefined;
		const basisText = text('依据', { required: true });
		if (basisText !== undefined) {
			const lines = basisText
				.split(/[\n；;]+/)
				.map((l) => l.trim())
				.filter(Boolean);
			basis = [];
			for (const [i, line] of lines.entries()) {
				const m = /^(\S+)\s+(.+)$/.exec(line);
				if (m) basis.push({ source: m[1]!, ref: m[2]!.trim() });
				else {
					const which = lines.length > 1 ? `第${i + 1}条` : '';
					fail('依据', `：${which}“${snippet(line, 40)}”格式不正确，应为“来源文件名 条款”（中间用空格隔开），如“anquan-shengchan-fa-2021 第二十八条”`);
				}
			}
			if (lines.length === 0) fail('依据', '不能为空');
		}

		const knowledge = text('知识点', { required: true });
		const knowledgeName = this.header.has('知识点名称') ? text('知识点名称', { required: false, numbers: true })?.trim() : undefined;

		let difficulty: number | undefined;
		const diffCell = bad.has('难度') ? EMPTY : (cells.get('难度') ?? EMPTY);
		if (diffCell.kind === 'number') difficulty = diffCell.value;
		else {
			const d = text('难度', { required: true });
			if (d !== undefined) {
				const n = d.normalize('NFKC').trim();
				if (/^[+-]?\d+(\.\d+)?$/.test(n)) difficulty = Number(n);
				else fail('难度', `必须是 1–5 的整数，当前是“${snippet(d)}”`);
			}
		}

		const caseCode = text('案例组', { required: false });
		const caseTitle = text('案例标题', { required: false, numbers: true });
		const caseScenario = text('案例材料', { required: false, numbers: true });
		if (caseCode === undefined && !bad.has('案例组')) {
			if (caseTitle !== undefined) fail('案例标题', '：填写了案例标题，但没有填写“案例组”');
			if (caseScenario !== undefined) fail('案例材料', '：填写了案例材料，但没有填写“案例组”');
		}
		const sameFact = text('同一事实组', { required: false });
		const triviaOk = text('记忆题理由', { required: false, numbers: true });

		const candidate: Record<string, unknown> = { id, type, stem };
		if (options) candidate.options = options;
		Object.assign(candidate, { answer, explanation, basis, knowledge, difficulty });
		if (caseCode !== undefined) candidate.case = caseCode;
		if (sameFact !== undefined) candidate.same_fact = sameFact;
		if (triviaOk !== undefined) candidate.trivia_ok = triviaOk;

		const parsed = questionSchema.safeParse(candidate);
		if (parsed.success) {
			return bad.size ? { question: null, id: id ?? null, stem: stem ?? null } : { question: parsed.data, id: id ?? null, stem: stem ?? null, knowledgeName, caseTitle, caseScenario };
		}

		let issues = parsed.error.issues;
		// zod skips the cross-field checks (options vs answer vs type) when any field fails;
		// run them again with stand-ins for the failed fields so every problem is reported at once.
		const failedKeys = new Set<string>([...issues.map((i) => String(i.path[0])), ...[...bad].map((c) => keyOfColumn(c))]);
		if (type && !failedKeys.has('type') && !issues.some((i) => i.code === 'custom')) {
			const retry: Record<string, unknown> = { ...candidate };
			for (const key of failedKeys) {
				if (key in PLACEHOLDERS) retry[key] = PLACEHOLDERS[key];
				else if (key === 'answer') retry.answer = type === 'judge' ? true : type === 'single' ? 'A' : ['A', 'B'];
				else if (key === 'options' && options) {
					const o: Record<string, string> = { ...options };
					for (const i of issues) if (i.path[0] === 'options' && typeof i.path[1] === 'string') o[i.path[1]] = 'x';
					retry.options = o;
				}
			}
			const again = questionSchema.safeParse(retry);
			if (!again.success) issues = [...issues, ...again.error.issues.filter((i) => i.code === 'custom')];
		}

		const optionsBad = OPTION_KEYS.some((k) => bad.has(optionColumn(k)));
		for (const issue of issues) {
			const [key, sub] = issue.path;
			let col: QuestionColumn | undefined;
			let prefix = '';
			if (key === 'options') {
				if (typeof sub === 'string') col = optionColumn(sub as OptionKey);
				else {
					if (optionsBad) continue; // an option cell was already reported
					col = optionsIssueColumn(type, options);
				}
			} else {
				col = PATH_COLUMNS[String(key)];
				if (key === 'answer' && optionsBad) continue;
				if (key === 'basis' && typeof sub === 'number' && basis && basis.length > 1) prefix = `第${sub + 1}条`;
			}
			if (!col || bad.has(col)) continue;
			this.errors.add(rowNumber, col, `第${rowNumber}行“${col}”：${prefix}${issue.message}`);
		}
		return { question: null, id: id ?? null, stem: stem ?? null };
	}
}

function keyOfColumn(col: QuestionColumn): string {
	if (col.startsWith('选项')) return 'options';
	return Object.keys(PATH_COLUMNS).find((k) => PATH_COLUMNS[k] === col) ?? col;
}

/** The option cell to blame for a problem with the options as a whole. */
function optionsIssueColumn(type: QuestionType | undefined, options: Partial<Record<OptionKey, string>> | undefined): QuestionColumn {
	const filled = OPTION_KEYS.filter((k) => options?.[k] !== undefined);
	if (type === 'judge') return optionColumn(filled[0] ?? 'A');
	const last = Math.max(1, OPTION_KEYS.indexOf(filled[filled.length - 1] ?? 'A'));
	const gap = OPTION_KEYS.slice(0, last + 1).find((k) => options?.[k] === undefined);
	return optionColumn(gap ?? 'A');
}

/**
 * Reads questions from an .xlsx file (sheet “题目”, else the first sheet). Never throws for bad
 * input: returns every problem found (at most 500 listed), with Excel row numbers (header = 1)
 * and Chinese column names, or all questions when the whole file is valid.
 */
export async function parseQuestionsXlsx(data: Uint8Array | Buffer, options: ParseOptions = {}): Promise<ParseResult> {
	const maxCellChars = options.maxCellChars ?? DEFAULT_MAX_CELL_CHARS;
	const sheet = await readImportSheet(data, {
		pickSheet: (sheets) => sheets.find((s) => s.name.trim() === QUESTION_SHEET) ?? sheets[0]!,
		header: { names: QUESTION_COLUMNS.map((c) => [c, c]), required: REQUIRED_COLUMNS },
		noData: NO_DATA,
		maxRows: options.maxRows ?? DEFAULT_MAX_ROWS,
		rowsOf: '题目',
		split: '请拆分后导入'
	});
	if (!sheet.ok) return sheet;
	const { header, rows } = sheet;

	const errors = new ErrorList();
	const parser = new RowParser(header, maxCellChars, errors);
	const unnamed = unnamedColumns(sheet.ws);
	const ids = new Map<string, number>();
	const stems = new Map<string, number>();
	const questions: Question[] = [];
	const questionRows: number[] = [];
	const knowledgeNames: Record<string, string> = {};
	const cases = new CaseGroups(errors);

	for (const [i, { n, values }] of rows.entries()) {
		for (const message of unnamed(n, values)) errors.add(n, null, message);
		const before = errors.total;
		const r = parser.parse(n, values);
		const rowOk = errors.total === before;
		if (r.id !== null) {
			const first = ids.get(r.id);
			if (first !== undefined) errors.add(n, '题号', `第${n}行“题号”“${snippet(r.id, 40)}”与第${first}行重复`);
			else ids.set(r.id, n);
		}
		if (r.stem !== null) {
			const key = normaliseStem(r.stem);
			const first = key ? stems.get(key) : undefined;
			if (first !== undefined) errors.add(n, '题干', `第${n}行“题干”与第${first}行重复`);
			else if (key) stems.set(key, n);
		}
		if (rowOk && r.question) {
			questions.push(r.question);
			questionRows.push(n);
			if (r.question.case) cases.add(r.question.case, n, r.caseTitle, r.caseScenario);
			if (r.knowledgeName) {
				const first = knowledgeNames[r.question.knowledge];
				if (first !== undefined && first !== r.knowledgeName) {
					errors.add(n, '知识点名称', `第${n}行“知识点名称”：知识点“${r.question.knowledge}”在前面的行中名为“${snippet(first, 40)}”，同一知识点只能有一个名称`);
				} else knowledgeNames[r.question.knowledge] = r.knowledgeName;
			}
		}

		await progressPause(i + 1, rows.length, PROGRESS_EVERY, options.onProgress);
	}
	options.onProgress?.(rows.length, rows.length);

	const declared = cases.check();
	if (errors.total > 0) return { ok: false, errors: errors.result() };
	const stored: StoredQuestion[] = questions.map((q) => {
		const c = q.case ? declared.get(q.case) : undefined;
		return c ? { ...q, case_title: c.title, case_scenario: c.scenario } : q;
	});
	const columns = GROUP_COLUMNS.filter((c) => header.has(c));
	return Object.keys(knowledgeNames).length ? { ok: true, questions: stored, rows: questionRows, columns, knowledgeNames } : { ok: true, questions: stored, rows: questionRows, columns };
}

/**
 * The case groups of a file: each needs one title and one scenario, given on at least one of
 * its rows; rows that give them must agree. Checked with the YAML loader's case schema.
 */
class CaseGroups {
	private readonly groups = new Map<string, { rows: number[]; title?: { text: string; row: number }; scenario?: { text: string; row: number } }>();
	constructor(private readonly errors: ErrorList) {}

	add(code: string, row: number, title: string | undefined, scenario: string | undefined) {
		let g = this.groups.get(code);
		if (!g) this.groups.set(code, (g = { rows: [] }));
		g.rows.push(row);
		for (const [field, col, value] of [['title', '案例标题', title], ['scenario', '案例材料', scenario]] as const) {
			if (value === undefined) continue;
			const first = g[field];
			if (!first) g[field] = { text: value, row };
			else if (first.text !== value) {
				this.errors.add(row, col, `第${row}行“${col}”与第${first.row}行不一致：同一案例组“${snippet(code, 40)}”的各行${col}必须相同（可只在该组第一行填写，其余行留空）`);
			}
		}
	}

	/** Reports incomplete groups; returns the complete, valid ones by code. */
	check(): Map<string, { title: string; scenario: string }> {
		const out = new Map<string, { title: string; scenario: string }>();
		for (const [code, g] of this.groups) {
			const first = g.rows[0]!;
			if (!g.title) this.errors.add(first, '案例标题', `第${first}行“案例标题”：案例组“${snippet(code, 40)}”没有填写案例标题（至少在该组的一行中填写）`);
			if (!g.scenario) this.errors.add(first, '案例材料', `第${first}行“案例材料”：案例组“${snippet(code, 40)}”没有填写案例材料（至少在该组的一行中填写）`);
			if (!g.title || !g.scenario) continue;
			const parsed = caseSchema.safeParse({ id: code, title: g.title.text, scenario: g.scenario.text });
			if (!parsed.success) {
				for (const issue of parsed.error.issues) {
					const at = issue.path[0] === 'title' ? g.title : g.scenario;
					const col = issue.path[0] === 'title' ? '案例标题' : '案例材料';
					this.errors.add(at.row, col, `第${at.row}行“${col}”：${issue.message}`);
				}
				continue;
			}
			out.set(code, { title: parsed.data.title, scenario: parsed.data.scenario });
		}
		return out;
	}
}
