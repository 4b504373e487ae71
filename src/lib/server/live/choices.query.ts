import type { Db } from '../db/index.ts';

/** Enterprises an institution may invite (active ones, by name). */
export async function listEnterpriseChoices(db: Db): Promise<{ id: number; name: string }[]> {
	return db
		.selectFrom('organisations')
		.select(['id', 'name'])
		.where('kind', '=', 'enterprise')
		.where('status', '=', 'active')
		.where('merged_into', 'is', null)
		.orderBy('name')
		.limit(500)
		.execute();
}
