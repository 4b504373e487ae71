import { z } from 'zod';

export const loginSchema = z.object({
	account: z
		.string({ error: '请输入手机号或身份证号' })
		.trim()
		.min(1, '请输入手机号或身份证号')
		.max(32, '账号过长：请输入11位手机号或18位身份证号')
		.transform((s) => s.toUpperCase())
		.refine((s) => /^1[3-9]\d{9}$/.test(s) || /^\d{17}[\dX]$/.test(s), '账号格式不正确：请输入11位手机号或18位身份证号'),
	password: z
		.string({ error: '请输入密码' })
		.min(1, '请输入密码')
		.max(128, '密码过长（最多128个字符）')
});

export const newPasswordSchema = z
	.string()
	.min(8, '新密码至少8位')
	.max(128, '新密码最多128个字符')
	.refine((s) => /[A-Za-z]/.test(s) && /\d/.test(s), '新密码须同时包含字母和数字');

export const changePasswordSchema = z
	.object({
		current: z.string().min(1, '请输入当前密码').max(128, '当前密码过长'),
		next: newPasswordSchema,
		confirm: z.string()
	})
	.refine((v) => v.next === v.confirm, { message: '两次输入的新密码不一致', path: ['confirm'] });

