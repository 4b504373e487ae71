import { z } from 'zod';

// What a lesson page may say in a heartbeat. There is deliberately no time field: the
// server's clock is the only clock, so a forged timestamp has nowhere to go.
export const heartbeatSchema = z.object({
	enrolmentId: z.number().int().positive(),
	lessonId: z.number().int().positive(),
	tabId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, '页面标识格式不正确'),
	state: z.enum(['active', 'idle', 'hidden']),
	// takeover: "在此页面学习" pressed; release: the page is closing (see credit.ts BeatIntent)
	intent: z.enum(['beat', 'takeover', 'release']).default('beat'),
	position: z.number().finite().min(0).max(86_400).nullable().default(null),
	rate: z.number().finite().min(0).max(16).nullable().default(null)
});

export const checkAnswerSchema = z.object({ checkId: z.number().int().positive() });
