import ExcelJS from 'exceljs';
import { writeXlsxBuffer } from '../excel/safe-cells.ts';
import type { Db } from '../db/index.ts';
import { formatDateTime } from '../../domain/dates.ts';
import { maskIdNumber } from '../../domain/identifiers.ts';
import { FINISH_REASON_LABELS, type FinishReason } from './attempt.ts';
import { DECISION_LABELS, integrityFlags, type Decision, type IntegrityFlag } from '../proctoring/integrity.ts';

// A session's results: every finished attempt with score, pass/fail, flags and the examiner's decision.

export type ResultRow = {
	attemptId: number;
	name: string;
	idNumber: string;
	org: string;
	attemptNo: number;
	startedAt: string | null;
	finishedAt: string | null;
	finishReason: FinishReason | null;
	score: number | null;
	possible: number | null;
	passed: boolean | null;
	/** Passed and not voided: what counts. */
	counts: boolean;
	flags: IntegrityFlag[];
	decision: Decision | null;
	decisionReason: string | null;
};

export async function sessionResults(db: Db, sessionId: number, options: { fullIdNumbers?: boolean } = {}): Promise<ResultRow[]> {
	const rows = await db
		.selectFrom('exam_attempts as a')
		.innerJoin('persons as p', 'p.id', 'a.person_id')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.innerJoin('exam_papers as pp', 'pp.id', 'a.paper_id')
		.select(['a.id', 'a.attempt_no', 'a.started_at', 'a.finished_at', 'a.finish_reason', 'a.score', 'a.passed', 'a.flags', 'a.decision', 'a.decision_reason', 'pp.total_points', 'p.name', 'p.id_number', 'o.name as org'])
		.where('a.session_id', '=', sessionId)
		.where('a.status', '=', 'finished')
		.orderBy('p.name')
		.orderBy('a.attempt_no')
		.orderBy('a.id')
		.execute();
	return rows.map((r) => ({
		attemptId: r.id,
		name: r.name,
		idNumber: options.fullIdNumbers ? r.id_number : maskIdNumber(r.id_number),
		org: r.org,
		attemptNo: r.attempt_no,
		startedAt: r.started_at ? new Date(r.started_at).toISOString() : null,
		finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
		finishReason: r.finish_reason,
		score: r.score === null ? null : Number(r.score),
		possible: Number(r.total_points),
		passed: r.passed,
		counts: r.passed === true && r.decision !== 'voided',
		flags: integrityFlags(r.flags),
		decision: r.decision,
		decisionReason: r.decision_reason
	}));
}

export function summariseResults(rows: readonly ResultRow[]) {
	const graded = rows.filter((r) => r.score !== null);
	return {
		attempts: rows.length,
		passed: rows.filter((r) => r.counts).length,
		flagged: rows.filter((r) => r.flags.length > 0).length,
		undecided: rows.filter((r) => r.flags.length > 0 && !r.decision).length,
		average: graded.length ? Math.round((graded.reduce((s, r) => s + (r.score ?? 0), 0) / graded.length) * 10) / 10 : null
	};
}

export const RESULTS_SHEET = '考试成绩';

export async function buildResultsXlsx(session: { name: string; opensAt: Date; closesAt: Date }, rows: readonly ResultRow[], generatedAt: Date): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	wb.creator = '安训';
	wb.created = generatedAt;
	const ws = wb.addWorksheet(RESULTS_SHEET);
	ws.columns = [
		{ header: '序号', key: 'n', width: 6 },
		{ header: '姓名', key: 'name', width: 12 },
		{ header: '身份证号', key: 'id', width: 21, style: { numFmt: '@' } },
		{ header: '单位', key: 'org', width: 28 },
		{ header: '第几次', key: 'no', width: 7 },
		{ header: '开始时间', key: 'start', width: 17 },
		{ header: '交卷时间', key: 'end', width: 17 },
		{ header: '交卷方式', key: 'reason', width: 18 },
		{ header: '得分', key: 'score', width: 8, style: { numFmt: '0.##' } },
		{ header: '满分', key: 'possible', width: 8, style: { numFmt: '0.##' } },
		{ header: '结果', key: 'result', width: 10 },
		{ header: '诚信标记', key: 'flags', width: 36 },
		{ header: '复核结论', key: 'decision', width: 18 },
		{ header: '复核理由', key: 'decisionReason', width: 30 }
	];
	ws.getRow(1).font = { bold: true };
	rows.forEach((r, i) => {
		ws.addRow({
			n: i + 1,
			name: r.name,
			id: r.idNumber,
			org: r.org,
			no: r.attemptNo,
			start: r.startedAt ? formatDateTime(r.startedAt) : '',
			end: r.finishedAt ? formatDateTime(r.finishedAt) : '',
			reason: r.finishReason ? FINISH_REASON_LABELS[r.finishReason] ?? r.finishReason : '',
			score: r.score,
			possible: r.possible,
			result: resultLabel(r),
			flags: r.flags.map((f) => `${f.label}（${f.rule}）`).join('；'),
			decision: r.decision ? DECISION_LABELS[r.decision] : r.flags.length ? '待复核' : '',
			decisionReason: r.decisionReason ?? ''
		});
	});
	ws.addRow([]);
	ws.addRow([`场次：${session.name}（${formatDateTime(session.opensAt)} 至 ${formatDateTime(session.closesAt)}），导出时间 ${formatDateTime(generatedAt)}`]);
	return writeXlsxBuffer(wb);
}

export function resultLabel(r: Pick<ResultRow, 'score' | 'passed' | 'decision'>): string {
	if (r.score === null) return '评分中';
	if (r.decision === 'voided') return '成绩作废';
	return r.passed ? '合格' : '不合格';
}
