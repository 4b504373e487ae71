import { z } from 'zod';
import { idField } from './params.ts';

// Forms and JSON bodies of the practical exam (实操) pages.

export const MAX_STEPS_PER_SYNC = 200;

export const practicalStepSchema = z.object({
	seq: z.number({ error: '序号应为整数' }).int('序号应为整数').min(1, '序号应从 1 开始').max(100_000, '序号过大'),
	code: z.string().min(1, '评分项不能为空').max(40, '评分项编码过长'),
	kind: z.enum(['deduct', 'veto', 'undo'], { error: '评分动作应为扣分、否决或撤销' }),
	undoSeq: z.number().int().min(1).max(100_000).nullish(),
	note: z.string().max(300, '备注最多 300 字').nullish(),
	at: z.iso.datetime({ offset: true, error: '时间格式不正确' }).optional()
});

export const practicalSyncSchema = z.object({
	steps: z.array(practicalStepSchema).max(MAX_STEPS_PER_SYNC, `一次最多同步 ${MAX_STEPS_PER_SYNC} 步`)
});

export const admissionCodeSchema = z.object({ code: z.string().trim().min(1, '请扫描或输入准考证号').max(60, '准考证号过长') });
export const attemptRefSchema = z.object({ attempt_id: idField('考生记录无效') });

export const correctionSchema = z.object({
	score: z.coerce.number({ error: '更正后分数应为数字' }).min(0, '更正后分数应在 0–100 之间').max(100, '更正后分数应在 0–100 之间'),
	veto: z.preprocess((v) => v === 'on' || v === 'true', z.boolean()),
	reason: z.string().trim().min(2, '更正理由：请填写 2–300 个字').max(300, '更正理由：请填写 2–300 个字')
});
