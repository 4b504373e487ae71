import { z } from 'zod';

// Photos travel as Base64 (no data: prefix) inside JSON, like the exam snapshots.
export const base64Image = (field: string) =>
	z
		.string({ error: `${field} 缺失` })
		.max(820_000, `${field} 过大（照片最大 600 KB）`)
		.regex(/^[A-Za-z0-9+/]+={0,2}$/, `${field} 须为 Base64 编码的 JPEG 或 PNG（不含 data: 前缀）`);

/** A study face check: a photo, or the page's report that the camera is unavailable. */
export const studyFaceSchema = z.union([
	z.object({
		checkId: z.number({ error: '核验编号 checkId 须为数字' }).int().positive(),
		tabId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, '页面标识 tabId 格式不正确'),
		image: base64Image('抓拍照片 image')
	}),
	z.object({
		checkId: z.number({ error: '核验编号 checkId 须为数字' }).int().positive(),
		tabId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, '页面标识 tabId 格式不正确'),
		camera: z.literal('unavailable', { error: '摄像头状态 camera 须为 unavailable' })
	})
]);

export const reviewSchema = z.object({
	checkId: z.coerce.number({ error: '核验编号 checkId 须为数字' }).int().positive(),
	decision: z.enum(['self', 'other', 'unsure'], { error: '结论 decision 须为 本人 / 非本人 / 无法判断' }),
	note: z.string().trim().max(500, '备注 note 最多 500 字').optional().transform((v) => (v ? v : null))
});
