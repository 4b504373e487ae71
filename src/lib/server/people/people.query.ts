import type { Db } from '../db/index.ts';
import { maskIdNumber, maskMobile } from '../../domain/identifiers.ts';

export type StaffRow = {
	id: number;
	name: string;
	idNumberMasked: string;
	mobileMasked: string;
	roleCategory: string;
	specialOperation: string | null;
	position: string | null;
	active: boolean;
};

function toStaffRow(r: {
	id: number;
	name: string;
	id_number: string;
	mobile: string | null;
	role_category: string;
	op_item: string | null;
	position: string | null;
	active: boolean;
}): StaffRow {
	return {
		id: r.id,
		name: r.name,
		idNumberMasked: maskIdNumber(r.id_number),
		mobileMasked: maskMobile(r.mobile),
		roleCategory: r.role_category,
		specialOperation: r.op_item,
		position: r.position,
		active: r.active
	};
}

function staffQuery(db: Db) {
	return db
		.selectFrom('persons as p')
		.leftJoin('special_operations as s', 's.code', 'p.special_operation_code')
		.select(['p.id', 'p.name', 'p.id_number', 'p.mobile', 'p.role_category', 's.item as op_item', 'p.position', 'p.active']);
}

export async function listStaff(db: Db, orgId: number, filter: { roleCategory?: string; q?: string } = {}): Promise<StaffRow[]> {
	let q = staffQuery(db).where('p.org_id', '=', orgId);
	if (filter.roleCategory) q = q.where('p.role_category', '=', filter.roleCategory);
	if (filter.q) q = q.where('p.name', 'like', `%${filter.q.replace(/[%_\\]/g, '\\$&')}%`);
	const rows = await q.orderBy('p.role_category').orderBy('p.id').limit(500).execute();
	return rows.map(toStaffRow);
}

/** A staff member only if they belong to `orgId` (tenant check inside the query). */
export async function findStaffMember(db: Db, orgId: number, personId: number): Promise<StaffRow | undefined> {
	const row = await staffQuery(db).where('p.org_id', '=', orgId).where('p.id', '=', personId).executeTakeFirst();
	return row ? toStaffRow(row) : undefined;
}

export async function getPersonProfile(db: Db, personId: number) {
	const row = await db
		.selectFrom('persons as p')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.leftJoin('special_operations as s', 's.code', 'p.special_operation_code')
		.select(['p.name', 'p.id_number', 'p.role_category', 'p.position', 'o.name as org_name', 's.category as op_category', 's.item as op_item'])
		.where('p.id', '=', personId)
		.executeTakeFirst();
	return row && { ...row, id_number: maskIdNumber(row.id_number) };
}
