import type { Db } from '../db/index.ts';
import { audit, type Actor } from '../audit/actor.ts';
import { withTransaction } from '../db/transaction.ts';
import { firstProblem, targetInputSchema } from './target.ts';
import { findRegionPath, insertTarget, targetCodeExists, unknownCourseCodes, unknownIndustryCodes } from './targets.repository.ts';

export type CreateTargetResult = { ok: true; id: number } | { ok: false; message: string };

/**
 * Validates and stores a target (the insert trigger computes its coverage); the insert and its
 * audit entry commit together. A regulator may only add targets for its own region or a region
 * below it (`regionPath` null: no such limit, the platform's seeds and tests).
 */
export async function createTarget(db: Db, raw: unknown, actor: Actor & { regionPath: string | null }, now: Date): Promise<CreateTargetResult> {
	const parsed = targetInputSchema.safeParse(raw);
	if (!parsed.success) return { ok: false, message: firstProblem(parsed.error) };
	const input = parsed.data;
	const regionPath = await findRegionPath(db, input.regionCode);
	if (regionPath === null) return { ok: false, message: `区域：没有代码为 ${input.regionCode} 的区域` };
	if (actor.regionPath && !regionPath.startsWith(actor.regionPath)) return { ok: false, message: '区域：只能为本辖区设定目标' };
	const d = input.definition;
	const industries = await unknownIndustryCodes(db, d.population.industries);
	if (industries.length) return { ok: false, message: `对象.行业：未知的行业代码 ${industries.join('、')}` };
	if (d.requirement.study.kind === 'courses') {
		const courses = await unknownCourseCodes(db, d.requirement.study.courseCodes);
		if (courses.length) return { ok: false, message: `要求.学习.课程：未知的课程代码 ${courses.join('、')}` };
	}
	return withTransaction(db, async (tx) => {
		// the code is checked in the transaction that inserts it
		if (await targetCodeExists(tx, input.code)) return { ok: false as const, message: `代码：${input.code} 已被使用` };
		const id = await insertTarget(tx, input, actor.orgId, actor.userId, now);
		await audit(tx, actor, now, 'coverage.target_created', `coverage_target:${id}`, { code: input.code });
		return { ok: true as const, id };
	});
}
