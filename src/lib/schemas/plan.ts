import { z } from 'zod';
import { idField } from './params.ts';

const year = z.coerce.number({ error: '年度必须是数字' }).int('年度必须是整数').min(2020, '年度不能早于 2020').max(2100, '年度不正确');
const dueOn = z
	.string()
	.trim()
	.transform((v) => (v === '' ? null : v))
	.pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '截止日期格式应为 YYYY-MM-DD').nullable());
const id = (label: string) => idField(`${label}不正确`);

export const generateSchema = z.object({ year, dueOn: dueOn.default(null) });

export const assignSchema = z.object({
	year,
	courseId: id('课程'),
	dueOn: dueOn.default(null),
	personIds: z.array(id('人员')).min(1, '请至少选择一名人员').max(20_000, '一次最多安排 20000 人')
});

export const withdrawSchema = z.object({ enrolmentId: id('培训安排') });
export const dueSchema = z.object({ enrolmentId: id('培训安排'), dueOn: dueOn.default(null) });
