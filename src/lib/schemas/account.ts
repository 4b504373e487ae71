import { z } from 'zod';
import { ROLES, type Role } from '../domain/labels.ts';
import { loginSchema, newPasswordSchema } from './auth.ts';
import { idField } from './params.ts';
import { mobileSchema, personNameSchema } from './person.ts';

const roleSchema = z.enum(ROLES as unknown as [Role, ...Role[]], { error: '请选择角色' });

export const createAccountSchema = z.object({ name: personNameSchema, mobile: mobileSchema, role: roleSchema });

export const accountRefSchema = z.object({ userId: idField('账号编号无效') });
export const accountRoleSchema = z.object({ userId: idField('账号编号无效'), role: roleSchema });

export const forgotSchema = z.object({ mobile: mobileSchema });

export const resetSchema = z
	.object({
		account: loginSchema.shape.account,
		code: z
			.string({ error: '请输入重置码' })
			.trim()
			.min(1, '请输入重置码')
			.max(20, '重置码格式不正确'),
		next: newPasswordSchema,
		confirm: z.string()
	})
	.refine((v) => v.next === v.confirm, { message: '两次输入的新密码不一致', path: ['confirm'] });

/** A form's fields as strings (missing → ''), for safeParse and for refilling the form. */
export function formStrings<K extends string>(form: FormData, keys: readonly K[]): Record<K, string> {
	const out = {} as Record<K, string>;
	for (const k of keys) {
		const v = form.get(k);
		out[k] = typeof v === 'string' ? v : '';
	}
	return out;
}
