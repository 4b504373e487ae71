import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { DirectoryIndustry, DirectoryRegion } from './directory-excel.ts';

// SQL of the enterprise directory import. Writes go in batches: one statement per BATCH rows,
// never one per enterprise (a 50,000-row directory is 50 statements, not 50,000).

const BATCH = 1000;
/** Serialises directory imports (two regulators importing the same credit code at once). */
const DIRECTORY_LOCK_KEY = 7320416;

export type ExistingEnterprise = {
	id: number;
	kind: string;
	credit_code: string;
	name: string;
	region_code: string;
	region_name: string;
	region_path: string;
	industry_code: string | null;
	address: string | null;
	legal_rep: string | null;
	contact_name: string | null;
	contact_phone: string | null;
};

export type EnterpriseValues = {
	credit_code: string;
	name: string;
	region_code: string;
	industry_code: string;
	address: string | null;
	legal_rep: string | null;
	contact_name: string | null;
	contact_phone: string | null;
};

export async function lockDirectoryWrites(tx: Db): Promise<void> {
	await sql`select pg_advisory_xact_lock(${DIRECTORY_LOCK_KEY})`.execute(tx);
}

/** The regulator's jurisdiction: its region and every region under it. */
export async function listJurisdictionRegions(db: Db, regionPath: string): Promise<DirectoryRegion[]> {
	const rows = await db
		.selectFrom('regions as r')
		.leftJoin('regions as p', 'p.code', 'r.parent_code')
		.select(['r.code', 'r.name', 'p.name as parent_name'])
		.where('r.path', 'like', `${regionPath}%`)
		.orderBy('r.path')
		.execute();
	return rows.map((r) => ({ code: r.code, name: r.name, parentName: r.parent_name }));
}

export async function listRegionNamesOutside(db: Db, regionPath: string): Promise<string[]> {
	const rows = await db.selectFrom('regions').select(['code', 'name']).where('path', 'not like', `${regionPath}%`).execute();
	return rows.flatMap((r) => [r.code, r.name]);
}

export async function listIndustries(db: Db): Promise<DirectoryIndustry[]> {
	const rows = await db.selectFrom('industries').select(['code', 'name', 'high_risk']).orderBy('sort').execute();
	return rows.map((r) => ({ code: r.code, name: r.name, highRisk: r.high_risk }));
}

/** Organisations already holding any of these credit codes (any kind, any region). */
export async function findByCreditCodes(db: Db, codes: string[]): Promise<ExistingEnterprise[]> {
	const out: ExistingEnterprise[] = [];
	for (let i = 0; i < codes.length; i += BATCH * 5) {
		const chunk = codes.slice(i, i + BATCH * 5);
		const rows = await db
			.selectFrom('organisations as o')
			.innerJoin('regions as r', 'r.code', 'o.region_code')
			.select(['o.id', 'o.kind', 'o.credit_code', 'o.name', 'o.region_code', 'r.name as region_name', 'r.path as region_path', 'o.industry_code', 'o.address', 'o.legal_rep', 'o.contact_name', 'o.contact_phone'])
			.where('o.credit_code', 'in', chunk)
			.execute();
		for (const r of rows) out.push({ ...r, credit_code: r.credit_code! });
	}
	return out;
}

export async function insertEnterprises(tx: Db, rows: EnterpriseValues[], now: Date): Promise<number> {
	let n = 0;
	for (let i = 0; i < rows.length; i += BATCH) {
		const chunk = rows.slice(i, i + BATCH).map((r) => ({ ...r, kind: 'enterprise', created_at: now }));
		const result = await tx.insertInto('organisations').values(chunk).executeTakeFirst();
		n += Number(result.numInsertedOrUpdatedRows ?? 0);
	}
	return n;
}

/** Sets every listed column of each enterprise, a batch per statement (UPDATE … FROM (VALUES …)). */
export async function updateEnterprises(tx: Db, rows: (EnterpriseValues & { id: number })[]): Promise<number> {
	let n = 0;
	for (let i = 0; i < rows.length; i += BATCH) {
		const values = sql.join(
			rows
				.slice(i, i + BATCH)
				.map((r) => sql`(${r.id}::int, ${r.name}::text, ${r.region_code}::text, ${r.industry_code}::text, ${r.address}::text, ${r.legal_rep}::text, ${r.contact_name}::text, ${r.contact_phone}::text)`)
		);
		const result = await sql`
			update organisations o set name = v.name, region_code = v.region_code, industry_code = v.industry_code,
				address = v.address, legal_rep = v.legal_rep, contact_name = v.contact_name, contact_phone = v.contact_phone
			from (values ${values}) as v(id, name, region_code, industry_code, address, legal_rep, contact_name, contact_phone)
			where o.id = v.id and o.kind = 'enterprise'`.execute(tx);
		n += Number(result.numAffectedRows ?? 0);
	}
	return n;
}
