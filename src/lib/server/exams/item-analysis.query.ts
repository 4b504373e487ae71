import type { Db } from '../db/index.ts';
import type { ItemFlag } from '../question-engine/item-analysis.ts';
import { ITEM_ANALYSIS_CONVENTIONS } from '../question-engine/item-analysis.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { difficultyMismatch, EMPIRICAL_DIFFICULTY } from '../question-engine/empirical-difficulty.ts';

// Item statistics of one bank, as computed in the background (item_stats), for the analysis page.

const C = ITEM_ANALYSIS_CONVENTIONS;
export const ITEM_FLAG_LABELS: Record<ItemFlag, { label: string; explanation: string }> = {
	too_few_responses: { label: '作答人数不足', explanation: `作答少于 ${C.minResponses} 人次，统计结果仅供参考，不作其他判断。` },
	too_easy: { label: '偏易', explanation: `答对率高于 ${C.tooEasyAbove}：几乎人人答对。掌握性考试中部分题目本应容易，仅提示复查。` },
	too_hard: { label: '偏难', explanation: `答对率低于 ${C.tooHardBelow}：多数人答错，常见原因是答案标错或题干不清，请核对。` },
	negative_discrimination: { label: '区分度为负', explanation: '高分组答对的比例低于低分组（或点二列相关为负）：总成绩好的考生反而答错，请优先检查答案和题干。' },
	low_discrimination: { label: '区分度低', explanation: `区分度 D 低于 ${C.lowDiscriminationBelow}（Ebel 标准中“差”）：这道题难以区分掌握程度不同的考生。` }
};

export function difficultyMismatchLabel(minResponses: number) {
	return {
		label: '难度标注偏差',
		explanation: `标注难度与实测难度（按答对率换算为 1–5 级：p≥0.90 为1级，≥0.75 为2级，≥0.55 为3级，≥0.35 为4级，更低为5级；当前版本作答满 ${minResponses} 人次后才计算）相差 ${EMPIRICAL_DIFFICULTY.flagGap} 级或以上：请核对难度标注，或检查题目是否有歧义。`
	};
}

export async function bankItemStats(db: Db, bankId: number) {
	const rows = await db
		.selectFrom('item_stats as s')
		.innerJoin('qb_questions as q', 'q.id', 's.question_id')
		.innerJoin('qb_question_versions as v', (j) => j.onRef('v.question_id', '=', 's.question_id').onRef('v.version', '=', 's.version'))
		.select(['s.question_id', 's.version', 's.responses', 's.stats', 's.computed_at', 'q.code', 'q.type', 'q.current_version', 'q.difficulty', 'q.empirical_difficulty', 'v.content'])
		.where('s.bank_id', '=', bankId)
		.orderBy('q.code')
		.orderBy('s.version')
		.execute();
	const items = rows.map((r) => {
		const stats = r.stats;
		const content = r.content as { stem: string; answer: unknown; difficulty?: number };
		const current = r.version === r.current_version;
		// declared: the version's own; empirical: the question's, which belongs to its current version
		const declared = current ? r.difficulty : (content.difficulty ?? r.difficulty);
		const empirical = current ? r.empirical_difficulty : null;
		return {
			questionId: r.question_id,
			code: r.code,
			type: r.type,
			version: r.version,
			current: r.version === r.current_version,
			stem: content.stem,
			key: Array.isArray(content.answer) ? content.answer.join('') : typeof content.answer === 'boolean' ? (content.answer ? 'true' : 'false') : String(content.answer),
			responses: r.responses,
			facility: stats.facility,
			discrimination: stats.discrimination,
			pointBiserial: stats.pointBiserial,
			options: stats.options,
			flags: stats.flags,
			declaredDifficulty: declared,
			empiricalDifficulty: empirical,
			difficultyMismatch: difficultyMismatch(declared, empirical)
		};
	});
	const computedAt = rows.reduce<Date | null>((m, r) => (m && m > new Date(r.computed_at) ? m : new Date(r.computed_at)), null);
	return { items, computedAt };
}

export async function requestItemStats(db: Db, bankId: number, now: Date): Promise<void> {
	await enqueueJob(db, { kind: 'item-stats', dedupeKey: `bank:${bankId}`, payload: { bankId }, runAfter: now, now });
}
