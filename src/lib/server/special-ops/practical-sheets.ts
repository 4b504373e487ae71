// 实操 scoring sheets as data: subjects (科目) → items (题目) with deduction rules and 否决项.
// Source: /work/shared/sources/tezhong-zuoye-kaohe-biaozhun-diya-diangong-ronghua-hanjie-partial.md
//   (C) 《熔化焊接与热切割作业安全技术实际操作考试标准》3.1–3.4: subjects K1–K4 and their items,
//   subject weights 20/40/20/20, 80 to pass, a failed 否决项 fails the exam, one question per subject.
//   (A) 低压电工 大纲: only "百分制, 80分及以上合格" and "实际操作考核方式包括操作和口试"; its subjects,
//   items and weights were NOT found, so the 低压电工 sheet mirrors the K1–K4 structure and marks
//   every weight and item 未核实 (configurable: a new sheet version replaces it).
// Per-item deduction points and the concrete 否决项 of both sheets were not in the copies read
// (C stops at "4.1.1.4评分标…"), so they are 未核实 and configurable too.
import { z } from 'zod';

export type Verification = 'source' | 'unverified';

export type Deduction = { code: string; text: string; points: number; status: Verification };
export type SheetItem = { code: string; text: string; deductions: Deduction[]; veto: { code: string; text: string; status: Verification }[]; status: Verification };
export type SheetSubject = { code: string; title: string; points: number; pointsStatus: Verification; items: SheetItem[] };
export type SheetDefinition = {
	passMark: number;
	/** examiners who score each candidate independently (两名考评员) */
	examinersRequired: number;
	/** the two totals may differ by at most this many points before a third review is required (未核实, configurable) */
	tolerance: number;
	durationMinutes: number | null;
	subjects: SheetSubject[];
};
const verificationSchema = z.enum(['source', 'unverified']);
const sheetDefinitionSchema: z.ZodType<SheetDefinition> = z.object({
	passMark: z.number(),
	examinersRequired: z.number(),
	tolerance: z.number(),
	durationMinutes: z.number().nullable(),
	subjects: z.array(
		z.object({
			code: z.string(),
			title: z.string(),
			points: z.number(),
			pointsStatus: verificationSchema,
			items: z.array(
				z.object({
					code: z.string(),
					text: z.string(),
					deductions: z.array(z.object({ code: z.string(), text: z.string(), points: z.number(), status: verificationSchema })),
					veto: z.array(z.object({ code: z.string(), text: z.string(), status: verificationSchema })),
					status: verificationSchema
				})
			)
		})
	)
});

/** practical_sheets.definition (jsonb) read back; a malformed stored sheet throws naming the column. */
export function parseSheetDefinition(value: unknown): SheetDefinition {
	const parsed = sheetDefinitionSchema.safeParse(typeof value === 'string' ? JSON.parse(value) : value);
	if (!parsed.success) throw new Error(`practical_sheets.definition 格式不符：${parsed.error.message}`);
	return parsed.data;
}

export type SheetSeed = { code: string; version: number; specialOperationCode: string; title: string; definition: SheetDefinition; sources: { id: string; section: string; note: string }[] };

const SOURCE_ID = 'tezhong-zuoye-kaohe-biaozhun-diya-diangong-ronghua-hanjie-partial';

/** Generic deductions used where the source gives none: configurable, 未核实. */
function genericDeductions(prefix: string): Deduction[] {
	return [
		{ code: `${prefix}-D1`, text: '操作步骤遗漏或顺序错误（每处）', points: 5, status: 'unverified' },
		{ code: `${prefix}-D2`, text: '操作不规范或口述不完整（每处）', points: 2, status: 'unverified' },
		{ code: `${prefix}-D3`, text: '超出规定时间未完成', points: 10, status: 'unverified' }
	];
}

function item(code: string, text: string, status: Verification, veto: string[]): SheetItem {
	return {
		code,
		text,
		status,
		deductions: genericDeductions(code),
		veto: veto.map((v, i) => ({ code: `${code}-V${i + 1}`, text: v, status: 'unverified' as const }))
	};
}

const WELDING: SheetSeed = {
	code: 'SO-2.1-PRACTICAL',
	version: 1,
	specialOperationCode: '2.1',
	title: '熔化焊接与热切割作业 实际操作考试评分表',
	definition: {
		passMark: 80,
		examinersRequired: 2,
		tolerance: 5,
		durationMinutes: 60,
		subjects: [
			{
				code: 'K1',
				title: '安全用具使用',
				points: 20,
				pointsStatus: 'source',
				items: [
					item('K11', '焊条电弧焊劳动防护用品的选用', 'source', ['未正确穿戴防护用品即进行操作']),
					item('K12', '二氧化碳焊劳动防护用品的选用', 'source', ['未正确穿戴防护用品即进行操作']),
					item('K13', '氩弧焊劳动防护用品的选用', 'source', ['未正确穿戴防护用品即进行操作']),
					item('K14', '气焊(割)劳动防护用品的选用', 'source', ['未正确穿戴防护用品即进行操作'])
				]
			},
			{
				code: 'K2',
				title: '安全操作技术',
				points: 40,
				pointsStatus: 'source',
				items: [
					item('K21', '焊条电弧焊安全操作技术', 'source', ['操作中发生触电、火灾或人身伤害等危险行为']),
					item('K22', '二氧化碳焊安全操作技术', 'source', ['操作中发生触电、火灾或人身伤害等危险行为']),
					item('K23', '氩弧焊安全操作技术', 'source', ['操作中发生触电、火灾或人身伤害等危险行为']),
					item('K24', '气焊(割)安全操作技术', 'source', ['气瓶、回火防止器使用错误造成危险'])
				]
			},
			{
				code: 'K3',
				title: '作业现场安全隐患排除',
				points: 20,
				pointsStatus: 'source',
				items: [item('K31', '根据设置作业现场、图片或视频判断作业现场存在的安全风险、职业危害', 'source', [])]
			},
			{
				code: 'K4',
				title: '作业现场应急处置',
				points: 20,
				pointsStatus: 'source',
				items: [
					item('K41', '单人徒手心肺复苏操作', 'source', ['心肺复苏操作未能成功']),
					item('K42', '灭火器的选择和使用', 'source', ['灭火器选择错误'])
				]
			}
		]
	},
	sources: [
		{ id: SOURCE_ID, section: '(C) 3.1–3.4', note: '科目K1–K4及其题目、分值权重20%/40%/20%/20%、80分合格、否决项未通过即不合格、考试时间60分钟。' },
		{ id: SOURCE_ID, section: '(C) 4.1.1.4', note: '评分标准原文截断：各题扣分细则与具体否决项未核实（可配置）；两名考评员及评分差额容差未核实（可配置）。' }
	]
};

const LOW_VOLTAGE: SheetSeed = {
	code: 'SO-1.2-PRACTICAL',
	version: 1,
	specialOperationCode: '1.2',
	title: '低压电工作业 实际操作考试评分表',
	definition: {
		passMark: 80,
		examinersRequired: 2,
		tolerance: 5,
		durationMinutes: null,
		subjects: [
			{ code: 'K1', title: '安全用具使用', points: 20, pointsStatus: 'unverified', items: [item('K11', '电工安全用具（绝缘手套、验电器等）的检查与使用', 'unverified', ['带电作业未使用绝缘安全用具'])] },
			{
				code: 'K2',
				title: '安全操作技术',
				points: 40,
				pointsStatus: 'unverified',
				items: [item('K21', '低压电气线路及设备的安装接线与通电试验', 'unverified', ['通电试验前未检查、造成短路或触电危险'])]
			},
			{ code: 'K3', title: '作业现场安全隐患排除', points: 20, pointsStatus: 'unverified', items: [item('K31', '判断作业现场存在的电气安全隐患', 'unverified', [])] },
			{ code: 'K4', title: '作业现场应急处置', points: 20, pointsStatus: 'unverified', items: [item('K41', '触电事故现场的应急处置（含单人徒手心肺复苏）', 'unverified', ['未先使触电者脱离电源即施救'])] }
		]
	},
	sources: [
		{ id: SOURCE_ID, section: '(A) A2 考核', note: '实际操作考核采用百分制，80分及以上合格；方式包括操作和口试。' },
		{ id: SOURCE_ID, section: '(A) 未见', note: '低压电工实操科目、题目、分值权重、扣分细则与否决项均未在来源中找到：本表按K1–K4结构设置，全部标记未核实（可配置）。' }
	]
};

export const PRACTICAL_SHEETS: readonly SheetSeed[] = [LOW_VOLTAGE, WELDING];

/** Every item of a sheet by its code, with its subject. */
export function sheetItems(def: SheetDefinition): Map<string, { subject: SheetSubject; item: SheetItem }> {
	const out = new Map<string, { subject: SheetSubject; item: SheetItem }>();
	for (const subject of def.subjects) for (const it of subject.items) out.set(it.code, { subject, item: it });
	return out;
}

/** A definition's invariants: subject points add up to 100, codes unique. Returns problems in Chinese. */
export function checkSheet(def: SheetDefinition): string[] {
	const problems: string[] = [];
	const total = def.subjects.reduce((s, x) => s + x.points, 0);
	if (total !== 100) problems.push(`各科目分值合计为 ${total}，应为 100`);
	if (def.passMark <= 0 || def.passMark > 100) problems.push('合格分数线应在 1–100 之间');
	if (def.examinersRequired < 1 || def.examinersRequired > 2) problems.push('考评员人数应为 1 或 2');
	const codes = new Set<string>();
	for (const s of def.subjects)
		for (const it of s.items)
			for (const c of [it.code, ...it.deductions.map((d) => d.code), ...it.veto.map((v) => v.code)]) {
				if (codes.has(c)) problems.push(`编码 ${c} 重复`);
				codes.add(c);
			}
	return problems;
}

/** One line per sheet for the platform operator's rules page: its values and what is unverified. */
export function describeSheet(s: SheetSeed): { value: string; unverified: string[] } {
	const d = s.definition;
	const unverified: string[] = [];
	for (const sub of d.subjects) {
		if (sub.pointsStatus === 'unverified') unverified.push(`${sub.code}分值`);
		for (const it of sub.items) {
			if (it.status === 'unverified') unverified.push(`${it.code}题目`);
			if (it.deductions.some((x) => x.status === 'unverified')) unverified.push(`${it.code}扣分细则`);
			if (it.veto.some((x) => x.status === 'unverified')) unverified.push(`${it.code}否决项`);
		}
	}
	unverified.push('考评员人数', '评分差额容差');
	const subjects = d.subjects.map((x) => `${x.code} ${x.title} ${x.points} 分`).join('；');
	return { value: `${subjects}。${d.passMark} 分合格，否决项未通过即不合格；每名考生 ${d.examinersRequired} 名考评员，评分相差超过 ${d.tolerance} 分须第三名考评员复评。`, unverified };
}
