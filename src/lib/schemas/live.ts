import { z } from 'zod';
import { ROLE_CATEGORIES } from '../domain/labels.ts';
import { idField } from './params.ts';
import { base64Image } from './face.ts';

const text = (label: string, max: number) =>
	z
		.string({ error: `请填写${label}` })
		.trim()
		.min(1, `请填写${label}`)
		.max(max, `${label}不能超过 ${max} 个字`);

// <input type="datetime-local"> gives Beijing wall-clock time without a zone
const beijingTime = (label: string) =>
	z
		.string({ error: `请填写${label}` })
		.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, `${label}格式不正确`)
		.transform((v, ctx) => {
			const d = new Date(`${v}:00+08:00`);
			if (Number.isNaN(d.getTime())) {
				ctx.addIssue({ code: 'custom', message: `${label}格式不正确` });
				return z.NEVER;
			}
			return d;
		});

const minutes = (label: string, max: number) => z.coerce.number({ error: `${label}必须是整数` }).int(`${label}必须是整数`).min(0, `${label}不能为负数`).max(max, `${label}不能超过 ${max} 分钟`);

export const scheduleLiveSchema = z.object({
	title: text('直播标题', 100),
	lecturer: idField('请选择主讲人'),
	starts_at: beijingTime('开始时间'),
	ends_at: beijingTime('结束时间'),
	org_ids: z.array(idField('参训企业无效')).max(500, '参训企业最多 500 家'),
	role_categories: z.array(z.enum(ROLE_CATEGORIES, { error: '人员类别无效' })).max(20),
	person_ids: z.array(idField('指定人员编号无效')).max(2000, '指定人员最多 2000 人'),
	credit_hours: z.coerce.number({ error: '可计学时必须是数字' }).min(0, '可计学时不能为负数').max(24, '可计学时不能超过 24'),
	signin_before: minutes('提前入场时间', 240),
	signin_after: minutes('签到截止时间', 600),
	replay_rule: z.enum(['live_only', 'replay_allowed'], { error: '请选择回放是否计学时' }),
	rollcall: z.enum(['off', '2-4', '4-6'], { error: '请选择随机点名的频率' }),
	/** optional: the organiser's course whose 直播回放 module gets the replay lesson */
	course_id: idField('所属课程无效').nullable()
});

export function scheduleFromForm(form: FormData) {
	const ids = (name: string) =>
		String(form.get(name) ?? '')
			.split(/[\s,，、]+/)
			.filter(Boolean);
	return {
		title: form.get('title'),
		lecturer: form.get('lecturer'),
		starts_at: form.get('starts_at'),
		ends_at: form.get('ends_at'),
		org_ids: form.getAll('org_ids').map(String),
		role_categories: form.getAll('role_categories').map(String),
		person_ids: ids('person_ids'),
		credit_hours: form.get('credit_hours'),
		signin_before: form.get('signin_before'),
		signin_after: form.get('signin_after'),
		replay_rule: form.get('replay_rule'),
		rollcall: form.get('rollcall'),
		course_id: form.get('course_id') || null
	};
}

export const liveBeatSchema = z.object({
	tabId: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/),
	mode: z.enum(['live', 'replay']),
	state: z.enum(['playing', 'paused', 'hidden']),
	intent: z.enum(['beat', 'takeover', 'release']).optional(),
	position: z.number().min(0).max(86400).nullable().optional()
});

export const rollCallAnswerSchema = z.object({ rollCallId: idField() });

const liveFaceBase = {
	tabId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, '页面标识 tabId 格式不正确'),
	/** absent or null: the face check of the session; a number: the 点名 being answered */
	rollCallId: z.number({ error: '点名编号 rollCallId 须为数字' }).int().positive().nullable().optional()
};
/** A live page's photo for a face check (issue 16's rules, as in study). */
export const liveFaceSchema = z.union([
	z.object({ ...liveFaceBase, image: base64Image('抓拍照片 image') }),
	z.object({ ...liveFaceBase, camera: z.literal('unavailable', { error: '摄像头状态 camera 须为 unavailable' }) })
]);

export const questionSchema = z.object({ body: text('问题', 500) });

export const answerSchema = z.object({
	question: idField(),
	answer: z.string().trim().max(2000, '回答不能超过 2000 个字').optional(),
	on_air: z.enum(['1']).optional()
});
