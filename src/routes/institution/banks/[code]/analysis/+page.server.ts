import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { requireBank } from '#lib/server/question-bank/guard.ts';
import { bankItemStats, difficultyMismatchLabel, ITEM_FLAG_LABELS, requestItemStats } from '#lib/server/exams/item-analysis.query.ts';
import { empiricalMinResponses } from '#lib/server/question-engine/empirical-difficulty.ts';
import { ITEM_ANALYSIS_CONVENTIONS } from '#lib/server/question-engine/item-analysis.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin');
	const db = await getDb();
	const bank = await requireBank(db, scope, params.code);
	const { items, computedAt } = await bankItemStats(db, bank.id);
	return { bank: { code: bank.code, name: bank.name }, items, computedAt: computedAt?.toISOString() ?? null, flagLabels: ITEM_FLAG_LABELS, mismatchLabel: difficultyMismatchLabel(empiricalMinResponses(process.env)), conventions: ITEM_ANALYSIS_CONVENTIONS };
};

export const actions: Actions = {
	recompute: async ({ locals, params }) => {
		const scope = requireRole(locals, 'institution_admin');
		const db = await getDb();
		const bank = await requireBank(db, scope, params.code);
		await requestItemStats(db, bank.id, now());
		return { queued: true };
	}
};
