import { z } from 'zod';
import { idField, idSchema } from './params.ts';
import { parseShanghaiLocal } from './exam-admin.ts';

// Forms of 考试点 (exam centres and rooms), 特种作业 scheduling (theory / practical sessions,
// assigning accepted applications) and 培训班 (cohorts and their teachers).

const text = (label: string, max: number) => z.string({ error: `请填写${label}` }).trim().min(1, `请填写${label}`).max(max, `${label}最多${max}个字符`);
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());
const localDateTime = (label: string) =>
	z
		.string({ error: `请填写${label}` })
		.refine((v) => parseShanghaiLocal(v) !== null, `${label}格式不正确，应为“年-月-日 时:分”`)
		.transform((v) => parseShanghaiLocal(v) as Date);
const isoDate = (label: string) =>
	z
		.string({ error: `请填写${label}` })
		.regex(/^\d{4}-\d{2}-\d{2}$/, `${label}格式不正确，应为“年-月-日”`)
		.refine((v) => !Number.isNaN(new Date(`${v}T00:00:00Z`).getTime()) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), `${label}不是有效日期`);

export const ROOM_KIND_LABELS = { computer: '机考室（座位）', practical: '实操室（工位）' } as const;

export const centreSchema = z.object({
	name: text('考试点名称', 100),
	address: text('地址', 200),
	regionCode: z.string({ error: '请选择所在区域' }).trim().regex(/^\d{6,12}$/, '请选择所在区域'),
	videoRecording: checkbox
});
export type CentreForm = z.infer<typeof centreSchema>;

export const roomSchema = z
	.object({
		kind: z.enum(['computer', 'practical'], { error: '请选择考场类型' }),
		name: text('考场名称', 50),
		capacity: z.preprocess(
			(v) => (v === '' || v === null || v === undefined ? undefined : Number(v)),
			z.number({ error: '请填写座位/工位数' }).int('座位/工位数必须是整数').min(1, '座位/工位数至少为1').max(500, '座位/工位数最多500')
		),
		specialOperationCode: z.string().trim().max(40).optional().default('')
	})
	.superRefine((v, ctx) => {
		if (v.kind === 'practical' && !v.specialOperationCode) ctx.addIssue({ code: 'custom', path: ['specialOperationCode'], message: '实操室须选择操作项目' });
	});
export type RoomForm = z.infer<typeof roomSchema>;

const interval = {
	opensAt: localDateTime('开考时间'),
	closesAt: localDateTime('结束时间')
};
const closesAfterOpens = (v: { opensAt: Date; closesAt: Date }, ctx: z.RefinementCtx) => {
	// zod runs the refinement even when a field failed: a malformed time is not a Date here
	if (!(v.opensAt instanceof Date) || !(v.closesAt instanceof Date)) return;
	if (v.closesAt.getTime() <= v.opensAt.getTime()) ctx.addIssue({ code: 'custom', path: ['closesAt'], message: '结束时间必须晚于开考时间' });
};

export const theorySessionSchema = z
	.object({
		name: text('场次名称', 100),
		blueprintId: idField('请选择组卷策略'),
		roomId: idField('请选择机考室'),
		...interval,
		examinerIds: z.array(idSchema).max(50, '最多指定50名考评员').default([])
	})
	.superRefine(closesAfterOpens);
export type TheorySessionForm = z.infer<typeof theorySessionSchema>;

export const practicalSessionSchema = z
	.object({
		name: text('场次名称', 100),
		roomId: idField('请选择实操室'),
		sheet: z.string({ error: '请选择评分表' }).trim().regex(/^[A-Za-z0-9_.-]{1,60}@\d{1,6}$/, '请选择评分表'),
		...interval,
		examinerIds: z.array(idSchema, { error: '请至少指定一名考评员' }).min(1, '请至少指定一名考评员').max(20, '最多指定20名考评员')
	})
	.superRefine(closesAfterOpens);
export type PracticalSessionForm = z.infer<typeof practicalSessionSchema>;

export const examinerIdsSchema = z.object({ examinerIds: z.array(idSchema).min(1, '请至少指定一名考评员').max(20, '最多指定20名考评员') });

export const assignSchema = z.object({ applicationIds: z.array(idSchema, { error: '请选择要安排的报名' }).min(1, '请选择要安排的报名').max(500, '一次最多安排500人') });

export const cohortSchema = z
	.object({
		name: text('培训班名称', 100),
		specialOperationCode: z.string({ error: '请选择操作项目' }).trim().min(1, '请选择操作项目').max(40),
		startsOn: isoDate('开班日期'),
		endsOn: isoDate('结业日期')
	})
	.superRefine((v, ctx) => {
		if (typeof v.endsOn !== 'string' || typeof v.startsOn !== 'string') return;
		if (v.endsOn < v.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: '结业日期不能早于开班日期' });
	});
export type CohortForm = z.infer<typeof cohortSchema>;

export const cohortTeacherSchema = z.object({ cohortId: idField('培训班不存在'), userId: idField('请选择授课教师') });
export const cohortAttachSchema = z.object({ cohortId: idField('培训班不存在'), applicationIds: z.array(idSchema, { error: '请选择报名' }).min(1, '请选择报名').max(500, '一次最多500人') });

/** Form fields to a plain object for zod, multi-valued fields as arrays. */
export function formObject(form: FormData, multi: readonly string[] = []): Record<string, unknown> {
	const o: Record<string, unknown> = {};
	for (const [key, value] of form.entries()) if (typeof value === 'string' && !multi.includes(key)) o[key] = value;
	for (const key of multi) o[key] = form.getAll(key).filter((v) => typeof v === 'string');
	return o;
}
