import type { Db } from '../db/index.ts';
import { REQUIREMENT_RULES, XUESHI_MINUTES_CODE, type RequirementRule } from './requirements.ts';

export async function upsertRequirementRules(db: Db, rules: RequirementRule[] = REQUIREMENT_RULES): Promise<void> {
	await db
		.insertInto('training_requirements')
		.values(rules.map((r, i) => ({ ...r, role_categories: JSON.stringify(r.role_categories), hours: String(r.hours), sort: i })))
		// the rule text follows the code; a changed 学时 parameter set by an admin is kept
		.onConflict((oc) => oc.column('code').doNothing())
		.execute();
}

export type RequirementRow = Omit<RequirementRule, 'hours'> & { hours: number };

export async function listRequirementRules(db: Db): Promise<RequirementRow[]> {
	const rows = await db.selectFrom('training_requirements').selectAll().orderBy('sort').execute();
	return rows.map((r) => ({
		code: r.code,
		title: r.title,
		role_categories: r.role_categories,
		high_risk: r.high_risk,
		kind: r.kind,
		hours: Number(r.hours),
		basis_doc: r.basis_doc,
		basis_article: r.basis_article,
		status: r.status,
		note: r.note,
		effective_from: r.effective_from,
		effective_to: r.effective_to
	}));
}

/** Minutes in one 学时, from rules already loaded. */
export function xueshiMinutesOf(rules: Pick<RequirementRow, 'code' | 'hours'>[]): number {
	return rules.find((r) => r.code === XUESHI_MINUTES_CODE)?.hours ?? 45;
}

/** Minutes in one 学时 (a configurable, unverified parameter; see FACTS.md §6). */
export async function getXueshiMinutes(db: Db): Promise<number> {
	const row = await db.selectFrom('training_requirements').select('hours').where('code', '=', XUESHI_MINUTES_CODE).executeTakeFirst();
	return row ? Number(row.hours) : 45;
}
