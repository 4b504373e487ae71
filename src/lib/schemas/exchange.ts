import { z } from 'zod';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

/** The export's date range (Shanghai calendar dates, inclusive), at most a year. */
export const exportPeriodSchema = z
	.object({ from: day, to: day })
	.refine((p) => p.from <= p.to, { message: '结束日期不能早于开始日期', path: ['to'] })
	.refine((p) => (Date.parse(p.to) - Date.parse(p.from)) / 86_400_000 <= 366, { message: '一次最多导出一年的数据', path: ['to'] });
