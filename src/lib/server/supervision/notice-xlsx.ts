import ExcelJS from 'exceljs';
import { writeXlsxBuffer } from '../excel/safe-cells.ts';
import { formatDateTime } from '../../domain/dates.ts';
import { describeRoles, formatRate, GAP_STATE_LABELS } from './notice.ts';
import type { NoticeRow } from './notices.repository.ts';
import type { RecipientStatus } from './notice-service.ts';

// The regulator's follow-up table of one notice, laid out to print on A4 landscape.

const COLUMNS = [
	{ header: '序号', key: 'n', width: 6 },
	{ header: '单位', key: 'org', width: 30 },
	{ header: '发送时覆盖率', key: 'then', width: 16 },
	{ header: '发送时未达标类别', key: 'thenRoles', width: 36 },
	{ header: '当前覆盖率', key: 'now', width: 16 },
	{ header: '整改情况', key: 'state', width: 12 },
	{ header: '签收', key: 'ack', width: 12 },
	{ header: '签收人', key: 'by', width: 12 },
	{ header: '签收时间', key: 'at', width: 18 },
	{ header: '签收说明', key: 'note', width: 36 }
];

export async function buildNoticeXlsx(notice: NoticeRow, recipients: RecipientStatus[]): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	wb.creator = '安训';
	wb.title = notice.title;
	const ws = wb.addWorksheet('督办情况', {
		pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '4:4' }
	});
	ws.columns = COLUMNS.map((c) => ({ key: c.key, width: c.width }));
	ws.mergeCells(1, 1, 1, COLUMNS.length);
	ws.getCell(1, 1).value = notice.title;
	ws.getCell(1, 1).font = { bold: true, size: 14 };
	ws.mergeCells(2, 1, 2, COLUMNS.length);
	ws.getCell(2, 1).value = `${notice.regulator_name} · ${notice.region_name} · 目标：${notice.target_title}（${notice.goal_percent}%） · 发送 ${formatDateTime(notice.created_at)} · 整改期限 ${notice.deadline}`;
	const acked = recipients.filter((r) => r.acknowledgedAt).length;
	const closed = recipients.filter((r) => r.state === 'closed').length;
	ws.mergeCells(3, 1, 3, COLUMNS.length);
	ws.getCell(3, 1).value = `共 ${recipients.length} 家：已签收 ${acked} 家，已整改 ${closed} 家`;
	const header = ws.addRow(COLUMNS.map((c) => c.header));
	header.font = { bold: true };
	recipients.forEach((r, i) => {
		const row = ws.addRow({
			n: i + 1,
			org: r.orgName,
			then: formatRate(r.atSending.covered, r.atSending.required),
			thenRoles: describeRoles(r.atSending, notice.goal_percent),
			now: formatRate(r.now.covered, r.now.required),
			state: GAP_STATE_LABELS[r.state],
			ack: r.acknowledgedAt ? '已签收' : r.readAt ? '已读未签收' : '未读',
			by: r.acknowledgedBy ?? '',
			at: r.acknowledgedAt ? formatDateTime(r.acknowledgedAt) : '',
			note: r.ackNote ?? ''
		});
		row.alignment = { wrapText: true, vertical: 'top' };
	});
	return writeXlsxBuffer(wb);
}
