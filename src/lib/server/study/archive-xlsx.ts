import ExcelJS from 'exceljs';
import { writeXlsxBuffer } from '../excel/safe-cells.ts';
import { ARCHIVE_STATUS_LABELS, type EnterpriseArchive, type PersonArchive } from './archive.query.ts';
import { toXueshi } from './hours.ts';

// The enterprise's training archive as a workbook: 人员汇总 (one row per person) and 学习明细
// (one row per person and course). ID numbers arrive masked from the query and stay masked.

export const SUMMARY_SHEET = '人员汇总';
export const DETAIL_SHEET = '学习明细';
export const LIVE_SHEET = '直播培训';

type Col = { header: string; key: string; width: number; numFmt?: string };

const SUMMARY_COLUMNS: Col[] = [
	{ header: '序号', key: 'n', width: 6 },
	{ header: '姓名', key: 'name', width: 12 },
	{ header: '身份证号', key: 'id', width: 21, numFmt: '@' },
	{ header: '人员类别', key: 'role', width: 16 },
	{ header: '岗位', key: 'position', width: 14 },
	{ header: '学时要求', key: 'requirement', width: 34 },
	{ header: '要求学时', key: 'required', width: 10, numFmt: '0.0' },
	{ header: '已获学时', key: 'credited', width: 10, numFmt: '0.0' },
	{ header: '已完成课程', key: 'completed', width: 11 },
	{ header: '已分配课程', key: 'assigned', width: 11 },
	{ header: '最近学习日期', key: 'last', width: 13, numFmt: '@' },
	{ header: '状态', key: 'status', width: 9 },
	{ header: '其中直播学时', key: 'live', width: 12, numFmt: '0.0' },
	{ header: '其中回放学时', key: 'replay', width: 12, numFmt: '0.0' }
];

const LIVE_COLUMNS: Col[] = [
	{ header: '姓名', key: 'name', width: 12 },
	{ header: '身份证号', key: 'id', width: 21, numFmt: '@' },
	{ header: '直播名称', key: 'title', width: 36 },
	{ header: '日期', key: 'day', width: 12, numFmt: '@' },
	{ header: '直播分钟', key: 'liveMin', width: 10 },
	{ header: '回放分钟', key: 'replayMin', width: 10 },
	{ header: '回放规则', key: 'rule', width: 14 },
	{ header: '计入学时', key: 'credited', width: 10, numFmt: '0.0' }
];

const DETAIL_COLUMNS: Col[] = [
	{ header: '姓名', key: 'name', width: 12 },
	{ header: '身份证号', key: 'id', width: 21, numFmt: '@' },
	{ header: '人员类别', key: 'role', width: 16 },
	{ header: '课程名称', key: 'course', width: 36 },
	{ header: '培训类型', key: 'type', width: 12 },
	{ header: '计划年度', key: 'year', width: 9 },
	{ header: '截止日期', key: 'due', width: 12, numFmt: '@' },
	{ header: '已完成课时', key: 'done', width: 11 },
	{ header: '总课时', key: 'total', width: 8 },
	{ header: '已获学时', key: 'credited', width: 10, numFmt: '0.0' },
	{ header: '课程学时', key: 'courseHours', width: 10, numFmt: '0.0' },
	{ header: '首次学习日期', key: 'first', width: 13, numFmt: '@' },
	{ header: '最近学习日期', key: 'last', width: 13, numFmt: '@' },
	{ header: '完成日期', key: 'completed', width: 12, numFmt: '@' },
	{ header: '选课状态', key: 'status', width: 9 }
];

function addSheet(wb: ExcelJS.Workbook, name: string, columns: Col[]): ExcelJS.Worksheet {
	const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
	ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
	const header = ws.getRow(1);
	header.font = { bold: true };
	header.alignment = { vertical: 'middle', horizontal: 'center' };
	header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
	ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
	return ws;
}

export async function buildArchiveXlsx(summary: EnterpriseArchive, details: PersonArchive[], meta: { generatedAt: Date }): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	wb.creator = '安训';
	wb.created = meta.generatedAt;
	wb.title = `${summary.org.name} ${summary.year}年度安全生产教育和培训档案`;
	wb.subject = '依据《安全生产法》第二十八条第四款建立的安全生产教育和培训档案';

	const ws = addSheet(wb, SUMMARY_SHEET, SUMMARY_COLUMNS);
	summary.rows.forEach((r, i) =>
		ws.addRow({
			n: i + 1,
			name: r.name,
			id: r.idNumberMasked,
			role: r.roleCategoryLabel,
			position: r.position ?? '',
			requirement: r.requirementTitle ?? '无规定学时要求',
			required: r.requiredXueshi,
			credited: r.creditedXueshi,
			completed: r.coursesCompleted,
			assigned: r.coursesAssigned,
			last: r.lastStudyOn ?? '',
			status: ARCHIVE_STATUS_LABELS[r.status],
			live: toXueshi(r.liveSeconds, summary.xueshiMinutes),
			replay: toXueshi(r.replaySeconds, summary.xueshiMinutes)
		})
	);

	const wd = addSheet(wb, DETAIL_SHEET, DETAIL_COLUMNS);
	for (const a of details) {
		for (const c of a.courses) {
			wd.addRow({
				name: a.person.name,
				id: a.person.idNumberMasked,
				role: a.person.roleCategoryLabel,
				course: c.title,
				type: c.trainingTypeLabel,
				year: c.planYear,
				due: c.dueOn ?? '',
				done: c.lessonsDone,
				total: c.lessonsTotal,
				credited: c.creditedXueshi,
				courseHours: c.courseXueshi,
				first: c.firstStudyOn ?? '',
				last: c.lastStudyOn ?? '',
				completed: c.completedOn ?? '',
				status: c.enrolmentStatus === 'withdrawn' ? '已撤销' : c.completedAt ? '已完成' : '学习中'
			});
		}
	}
	const wl = addSheet(wb, LIVE_SHEET, LIVE_COLUMNS);
	for (const a of details) {
		for (const c of a.live) {
			wl.addRow({
				name: a.person.name,
				id: a.person.idNumberMasked,
				title: c.title,
				day: c.day,
				liveMin: Math.floor(c.liveSeconds / 60),
				replayMin: Math.floor(c.replaySeconds / 60),
				rule: c.replayRule === 'replay_allowed' ? '回放计学时' : '仅直播计学时',
				credited: c.creditedXueshi
			});
		}
	}
	return writeXlsxBuffer(wb);
}
