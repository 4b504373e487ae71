import { z } from 'zod';

/** A new institution bank's code and name (Excel import or derived from a platform bank). */
export const newBankSchema = z.object({
	code: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, '题库代码只能包含小写字母、数字和连字符（2–40位）'),
	name: z.string().trim().min(1, '请填写题库名称').max(100, '题库名称最多100个字符')
});
