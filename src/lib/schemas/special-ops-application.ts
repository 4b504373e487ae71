import { z } from 'zod';
import { idField } from './params.ts';

// Forms of 特种作业 报名 and 资格审查. Files are read separately (they are not strings).

const code = z.string({ error: '请选择操作项目' }).trim().regex(/^\d+(\.\d+)?$/, '请选择目录中的操作项目');

export const batchApplySchema = z.object({
	code,
	institution: idField('请选择培训机构'),
	persons: z.array(idField('员工编号无效'), { error: '请至少勾选一名员工' }).min(1, '请至少勾选一名员工').max(200, '一次最多为 200 名员工报名')
});

export const EDUCATIONS = ['primary', 'junior', 'senior', 'vocational', 'college', 'bachelor', 'postgraduate'] as const;
export const EXEMPTIONS = ['none', 'relevant_education', 'skill_certificate'] as const;

export const materialsSchema = z.object({
	education: z.union([z.literal(''), z.enum(EDUCATIONS, { error: '请选择文化程度' })]).transform((v) => (v === '' ? null : v)),
	health: z
		.string()
		.optional()
		.transform((v) => v === 'on' || v === 'true'),
	exemption: z.enum(EXEMPTIONS, { error: '请选择是否申请免培训' }).default('none'),
	intent: z.enum(['save', 'submit'], { error: '请求不完整，请刷新页面后重试' }).default('save')
});

export const individualApplySchema = materialsSchema.extend({ code, institution: idField('请选择培训机构') });

export const reviewSchema = z.object({
	decision: z.enum(['accept', 'return', 'refuse'], { error: '请选择审查结论' }),
	reason: z.string().max(300, '理由最多 300 字').default('')
});
