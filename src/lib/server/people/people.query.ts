import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { ROLE_CATEGORIES, type RoleCategory } from '../../domain/labels.ts';
import { maskIdNumber, maskMobile } from '../../domain/identifiers.ts';

export type StaffRow = {
	id: number;
	name: string;
	idNumberMasked: string;
	mobileMasked: string;
	roleCategory: RoleCategory;
	specialOperation: string | null;
	position: string | null;
	active: boolean;
	hiredOn: string | null;
	/** The person activated (or was given) a user account. */
	hasAccount: boolean;
};

export type StaffFilter = { roleCategory?: RoleCategory; q?: string; status?: 'active' | 'inactive' };

export const STAFF_SORT_KEYS = ['category', 'name', 'position', 'hired', 'status'] as const;
export type StaffSort = { key: (typeof STAFF_SORT_KEYS)[number]; dir: 'asc' | 'desc' };
/** What the list shows without a choice: by 人员类别 in the order the law lists them, then by name. */
export const DEFAULT_STAFF_SORT: StaffSort = { key: 'category', dir: 'asc' };

function toStaffRow(r: {
	id: number;
	name: string;
	id_number: string;
	mobile: string | null;
	role_category: RoleCategory;
	op_item: string | null;
	position: string | null;
	active: boolean;
	hired_on: string | null;
	user_id: number | null;
}): StaffRow {
	return {
		id: r.id,
		name: r.name,
		idNumberMasked: maskIdNumber(r.id_number),
		mobileMasked: maskMobile(r.mobile),
		roleCategory: r.role_category,
		specialOperation: r.op_item,
		position: r.position,
		active: r.active,
		hiredOn: r.hired_on,
		hasAccount: r.user_id !== null
	};
}

function staffQuery(db: Db) {
	return db
		.selectFrom('persons as p')
		.leftJoin('special_operations as s', 's.code', 'p.special_operation_code')
		.leftJoin('users as u', 'u.person_id', 'p.id')
		.select(['p.id', 'p.name', 'p.id_number', 'p.mobile', 'p.role_category', 's.item as op_item', 'p.position', 'p.active', 'p.hired_on', 'u.id as user_id']);
}

const likeName = (q: string) => `%${q.replace(/[%_\\]/g, '\\$&')}%`;

export const STAFF_LIST_LIMIT = 500;

// Byte order, so PGlite and every PostgreSQL collation agree (PGlite has no GBK conversion or ICU for pinyin order).
const byName = sql`p.name collate "C"`;
const byCategory = sql`array_position(${sql.val([...ROLE_CATEGORIES])}::text[], p.role_category)`;

function orderStaff(q: ReturnType<typeof staffQuery>, sort: StaffSort) {
	const d = sort.dir;
	switch (sort.key) {
		case 'name':
			return q.orderBy(byName, d).orderBy('p.id', d);
		case 'position':
			return q.orderBy(sql`p.position ${sql.raw(d)} nulls last`).orderBy(byName).orderBy('p.id');
		case 'hired':
			return q.orderBy(sql`p.hired_on ${sql.raw(d)} nulls last`).orderBy(byName).orderBy('p.id');
		case 'status':
			// asc: 在岗 before 已停用
			return q.orderBy('p.active', d === 'asc' ? 'desc' : 'asc').orderBy(byCategory).orderBy(byName).orderBy('p.id');
		default:
			return q.orderBy(byCategory, d).orderBy(byName).orderBy('p.id');
	}
}

export async function listStaff(db: Db, orgId: number, filter: StaffFilter = {}, sort: StaffSort = DEFAULT_STAFF_SORT): Promise<StaffRow[]> {
	let q = staffQuery(db).where('p.org_id', '=', orgId);
	if (filter.roleCategory) q = q.where('p.role_category', '=', filter.roleCategory);
	if (filter.q) q = q.where('p.name', 'like', likeName(filter.q));
	if (filter.status) q = q.where('p.active', '=', filter.status === 'active');
	const rows = await orderStaff(q, sort).limit(STAFF_LIST_LIMIT).execute();
	return rows.map(toStaffRow);
}

/** How many persons match the filter (the list shows at most STAFF_LIST_LIMIT). */
export async function countStaff(db: Db, orgId: number, filter: StaffFilter = {}): Promise<number> {
	let q = db.selectFrom('persons as p').where('p.org_id', '=', orgId);
	if (filter.roleCategory) q = q.where('p.role_category', '=', filter.roleCategory);
	if (filter.q) q = q.where('p.name', 'like', likeName(filter.q));
	if (filter.status) q = q.where('p.active', '=', filter.status === 'active');
	const row = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
	return Number(row.n);
}

export type SpecialOperationRow = { code: string; category: string; item: string };

/** The 特种作业目录 in catalogue order. */
export async function listSpecialOperations(db: Db): Promise<SpecialOperationRow[]> {
	return db.selectFrom('special_operations').select(['code', 'category', 'item']).orderBy('sort').orderBy('code').execute();
}

/** What the edit form shows: identifiers masked (they are never sent to the browser in full). */
export async function findPersonForEdit(db: Db, orgId: number, personId: number) {
	const row = await db
		.selectFrom('persons as p')
		.leftJoin('users as u', 'u.person_id', 'p.id')
		.select(['p.id', 'p.name', 'p.id_number', 'p.mobile', 'p.role_category', 'p.special_operation_code', 'p.position', 'p.hired_on', 'p.active', 'u.id as user_id'])
		.where('p.org_id', '=', orgId)
		.where('p.id', '=', personId)
		.executeTakeFirst();
	if (!row) return undefined;
	return {
		id: row.id,
		name: row.name,
		idNumberMasked: maskIdNumber(row.id_number),
		mobileMasked: maskMobile(row.mobile),
		hasMobile: row.mobile !== null,
		roleCategory: row.role_category,
		specialOperationCode: row.special_operation_code,
		position: row.position,
		hiredOn: row.hired_on,
		active: row.active,
		hasAccount: row.user_id !== null
	};
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
