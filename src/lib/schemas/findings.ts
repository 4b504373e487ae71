import { z } from 'zod';
import { isCalendarDate } from './person.ts';

// Control characters (NUL cannot even be stored) are refused with the field's name.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const text = (label: string, max: number) =>
	z
		.string()
		.max(max, `${label}不能超过 ${max} 个字`)
		.refine((s) => !CONTROL.test(s), `${label}含有不可见的控制字符`);
const findingKey = z.string().min(1, '请求不完整，请刷新页面后重试').max(300, '请求不完整，请刷新页面后重试').refine((s) => !CONTROL.test(s), '请求不完整，请刷新页面后重试');

/** A regulator's decision on one finding (key) or on the 待处理 findings of a group (group). */
export const decideFindingSchema = z
	.object({
		status: z.enum(['handled', 'dismissed', 'supervised'], { error: '请选择处理方式' }),
		note: text('说明', 1000).default(''),
		due_on: z
			.string()
			.refine((s) => s === '' || isCalendarDate(s), '整改期限格式不正确，应为 YYYY-MM-DD 的有效日期')
			.default(''),
		key: findingKey.optional(),
		group: findingKey.optional()
	})
	.refine((v) => (v.key === undefined) !== (v.group === undefined), { message: '请求不完整，请刷新页面后重试', path: ['form'] });

export const replySupervisionSchema = z.object({ key: findingKey, reply: text('整改情况', 1000) });

/** FormData → plain object, leaving out fields that were not sent (zod defaults apply). */
export function formFields(form: FormData, names: string[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const n of names) {
		const v = form.get(n);
		if (typeof v === 'string') out[n] = v;
	}
	return out;
}
