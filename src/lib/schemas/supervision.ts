import { z } from 'zod';
import { isCalendarDate } from './person.ts';
import { idParam } from './params.ts';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const text = (label: string, max: number) =>
	z
		.string({ error: `请填写${label}` })
		.max(max, `${label}不能超过 ${max} 个字`)
		.refine((s) => !CONTROL.test(s), `${label}含有不可见的控制字符`);

/** The 发送督办通知 form of the coverage dashboard. */
export const sendNoticeSchema = z.object({
	recipients: z.enum(['all', 'chosen'], { error: '请选择发送对象' }),
	orgs: z
		.array(z.string())
		.max(2000, '一次最多发送给 2000 家企业')
		.transform((values, ctx) => {
			const ids = values.map((v) => idParam(v));
			if (ids.some((id) => id === null)) {
				ctx.addIssue({ code: 'custom', message: '所选企业无效，请刷新页面后重试' });
				return z.NEVER;
			}
			return ids as number[];
		}),
	title: text('通知标题', 100),
	body: text('通知正文', 2000),
	deadline: z.string({ error: '请填写整改期限' }).refine(isCalendarDate, '整改期限格式不正确，应为 YYYY-MM-DD 的有效日期')
});

export const acknowledgeSchema = z.object({ note: text('签收说明', 500).default('') });

/** The fields of the send form, as posted (for showing them again after a refusal). */
export function sendNoticeFields(form: FormData) {
	const one = (name: string) => {
		const v = form.get(name);
		return typeof v === 'string' ? v : undefined;
	};
	return {
		recipients: one('recipients'),
		orgs: form.getAll('orgs').filter((v): v is string => typeof v === 'string'),
		title: one('title'),
		body: one('body'),
		deadline: one('deadline')
	};
}
