import type { Db } from '../db/index.ts';

export async function listMemberships(db: Db, userId: number) {
	return db
		.selectFrom('memberships as m')
		.innerJoin('organisations as o', 'o.id', 'm.org_id')
		.select(['m.id', 'm.role', 'o.name as org_name'])
		.where('m.user_id', '=', userId)
		.orderBy('m.id')
		.execute();
}

export async function findOwnMembership(db: Db, userId: number, membershipId: number) {
	// a membership of a suspended organisation cannot be switched to (its session would end)
	return db
		.selectFrom('memberships as m')
		.innerJoin('organisations as o', 'o.id', 'm.org_id')
		.select(['m.id', 'm.role'])
		.where('m.user_id', '=', userId)
		.where('m.id', '=', membershipId)
		.where('o.status', '=', 'active')
		.executeTakeFirst();
}
