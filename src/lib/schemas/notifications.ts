import { z } from 'zod';

// The message-centre settings form: an optional e-mail address and the kinds received per channel.

export const emailField = z
	.string()
	.trim()
	.max(254, '电子邮箱过长（最多 254 个字符）')
	.refine((v) => v === '' || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v), '电子邮箱格式不正确，例如 name@example.com')
	.transform((v) => (v === '' ? null : v.toLowerCase()));

export const notificationSettingsSchema = z.object({
	email: emailField,
	/** "kind:channel" of every checked box */
	receive: z.array(z.string().max(60)).max(100)
});

export const messagesPageSchema = z.coerce.number().int().min(1).max(100_000).catch(1);
