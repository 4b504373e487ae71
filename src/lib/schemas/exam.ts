import { z } from 'zod';
import { CLIENT_EVENT_KINDS } from '#lib/server/proctoring/integrity.ts';

// The exam HTTP contract's bodies (docs: /api/exam/…). Server-only: it names the proctoring event
// kinds the engine knows. Every message names the field, so a 400 says what was wrong.

export const clientIdSchema = z.string({ error: '浏览器标识 clientId 缺失' }).regex(/^[A-Za-z0-9_-]{8,64}$/, '浏览器标识 clientId 格式不正确（8–64 位字母、数字、- 或 _）');

const isoTime = (field: string) => z.iso.datetime({ offset: true, error: `${field} 须为 ISO 8601 时间` });

/** Base64 of a JPEG (no data: prefix); the length allows a 300 KB photo. */
const base64Jpeg = (field: string) =>
	z
		.string({ error: `${field} 缺失` })
		.max(420_000, `${field} 过大（照片最大 300 KB）`)
		.regex(/^[A-Za-z0-9+/]+={0,2}$/, `${field} 须为 Base64 编码的 JPEG（不含 data: 前缀）`);

export const startSchema = z.object({
	clientId: clientIdSchema,
	accessCode: z.string({ error: '考场口令 accessCode 须为文字' }).trim().max(32, '考场口令 accessCode 过长').optional(),
	identityPhoto: base64Jpeg('身份照片 identityPhoto').optional()
});

export const responseSchema = z.union(
	[z.string().max(16), z.array(z.string().max(16)).max(6), z.boolean(), z.null()],
	{ error: '作答 response 须为选项字母、选项字母数组、true/false 或 null' }
);

export const answerSchema = z.object({
	seq: z.number({ error: '作答序号 seq 须为正整数' }).int('作答序号 seq 须为正整数').positive('作答序号 seq 须为正整数').max(2_147_483_647, '作答序号 seq 过大'),
	slot: z.number({ error: '题号 slot 须为正整数' }).int('题号 slot 须为正整数').positive('题号 slot 须为正整数').max(1000, '题号 slot 过大'),
	response: responseSchema,
	at: isoTime('作答时间 at').optional()
});

export const clientEventSchema = z.object({
	kind: z.enum(CLIENT_EVENT_KINDS, { error: `事件类型 kind 须为 ${CLIENT_EVENT_KINDS.join('、')} 之一` }),
	at: isoTime('事件时间 at'),
	detail: z
		.record(z.string(), z.unknown(), { error: '事件详情 detail 须为对象' })
		.refine((d) => JSON.stringify(d).length <= 1000, '事件详情 detail 过大（最多 1000 字符）')
		.optional()
});

const answers = z.array(answerSchema, { error: '作答列表 answers 须为数组' }).max(200, '作答列表 answers 一次最多 200 条').default([]);
const events = z.array(clientEventSchema, { error: '事件列表 events 须为数组' }).max(500, '事件列表 events 一次最多 500 条').default([]);

export const syncSchema = z.object({
	clientId: clientIdSchema,
	answers,
	events,
	ack: z.array(z.number().int().positive(), { error: '已读警告 ack 须为编号数组' }).max(50, '已读警告 ack 一次最多 50 条').default([])
});

export const submitSchema = z.object({ clientId: clientIdSchema, answers, events });

export const snapshotSchema = z.object({
	clientId: clientIdSchema,
	image: base64Jpeg('抓拍照片 image'),
	kind: z.literal('random', { error: '照片类型 kind 须为 random' })
});

/** One line for the 400 body: the first problem, with the field's path when zod's message lacks it. */
export function describeIssues(error: z.ZodError): string {
	const issue = error.issues[0];
	if (!issue) return '请求格式不正确';
	const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
	return path ? `${path}：${issue.message}` : issue.message;
}
