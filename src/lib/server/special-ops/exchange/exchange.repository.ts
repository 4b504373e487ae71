// SQL of the data exchange: what a regulator's region exports, and writing imported records.
import { sql, type Insertable } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { DB } from '../../db/schema.ts';

const inRegion = (regionPath: string) => sql<boolean>`exists (select 1 from organisations o join regions r on r.code = o.region_code where o.id = coalesce(a.enterprise_org_id, p.org_id) and r.path like ${regionPath + '%'})`;

/** Applications submitted in [from, to] (Shanghai dates) whose enterprise (or the person's) is in the region. */
export async function listExportApplications(db: Db, regionPath: string, from: Date, toExclusive: Date) {
	return db
		.selectFrom('so_applications as a')
		.innerJoin('persons as p', 'p.id', 'a.person_id')
		.innerJoin('organisations as i', 'i.id', 'a.institution_org_id')
		.leftJoin('organisations as e', 'e.id', 'a.enterprise_org_id')
		.select(['a.id', 'a.kind', 'a.status', 'p.id_number', 'p.name', 'a.special_operation_code', 'i.name as institution', 'e.name as enterprise', 'a.submitted_at', 'a.reviewed_at'])
		.where('a.submitted_at', '>=', from)
		.where('a.submitted_at', '<', toExclusive)
		.where(inRegion(regionPath))
		.orderBy('a.id')
		.limit(50_000)
		.execute();
}

/** Theory and practical results of the region's applications finished in the period. */
export async function listExportResults(db: Db, regionPath: string, from: Date, toExclusive: Date) {
	const theory = await db
		.selectFrom('exam_attempts as x')
		.innerJoin('exam_candidates as c', 'c.id', 'x.candidate_id')
		.innerJoin('so_applications as a', 'a.id', 'c.application_id')
		.innerJoin('persons as p', 'p.id', 'a.person_id')
		.select(['a.id as application_id', 'x.score', 'x.passed', 'x.finished_at'])
		.where('x.status', '=', 'finished')
		.where((eb) => eb.or([eb('x.decision', 'is', null), eb('x.decision', '!=', 'voided')]))
		.where('x.finished_at', '>=', from)
		.where('x.finished_at', '<', toExclusive)
		.where(inRegion(regionPath))
		.orderBy('x.finished_at')
		.limit(50_000)
		.execute();
	const practical = await db
		.selectFrom('practical_attempts as x')
		.innerJoin('so_applications as a', 'a.id', 'x.application_id')
		.innerJoin('persons as p', 'p.id', 'a.person_id')
		.select(['a.id as application_id', 'x.attempt_no', 'x.score', 'x.passed', 'x.veto', 'x.finalised_at'])
		.where('x.status', '=', 'final')
		.where('x.finalised_at', '>=', from)
		.where('x.finalised_at', '<', toExclusive)
		.where(inRegion(regionPath))
		.orderBy('x.finalised_at')
		.limit(50_000)
		.execute();
	return { theory, practical };
}

/** 特种作业操作证 issued (or revoked) by this platform in the period, holder enterprise in the region. */
export async function listExportCertificates(db: Db, regionPath: string, fromDate: string, toDate: string) {
	return db
		.selectFrom('certificates as c')
		.innerJoin('persons as p', 'p.id', 'c.person_id')
		.innerJoin('organisations as ho', 'ho.id', 'c.holder_org_id')
		.innerJoin('regions as r', 'r.code', 'ho.region_code')
		.leftJoin('organisations as io', 'io.id', 'c.issuer_org_id')
		.leftJoin('certificates as old', 'old.id', 'c.replaces_certificate_id')
		.select(['c.number', 'p.id_number', 'p.name', 'c.special_operation_code', 'io.name as issuer', 'c.issued_on', 'c.valid_until', 'c.status', 'c.photo_sha256', 'old.number as replaces_number'])
		.where('c.type', '=', 'special_work')
		.where('c.status', 'in', ['issued', 'revoked'])
		.where('c.issued_on', '>=', fromDate)
		.where('c.issued_on', '<=', toDate)
		.where('r.path', 'like', `${regionPath}%`)
		.orderBy('c.issued_on')
		.limit(50_000)
		.execute();
}

/** Persons in the region by 身份证号 (the import matches records to workers here). */
export async function findPersonsInRegion(db: Db, regionPath: string, idNumbers: string[]) {
	if (idNumbers.length === 0) return [];
	return db
		.selectFrom('persons as p')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.innerJoin('regions as r', 'r.code', 'o.region_code')
		.select(['p.id', 'p.id_number', 'p.name'])
		.where('p.id_number', 'in', idNumbers)
		.where('r.path', 'like', `${regionPath}%`)
		.execute();
}

export async function existingExternalNumbers(db: Db, keys: { number: string; authority: string }[]) {
	if (keys.length === 0) return [];
	return db
		.selectFrom('external_certificates')
		.select(['number', 'issuing_authority'])
		.where('number', 'in', [...new Set(keys.map((k) => k.number))])
		.execute();
}

export async function knownOperationCodes(db: Db): Promise<Set<string>> {
	return new Set((await db.selectFrom('special_operations').select('code').execute()).map((r) => r.code));
}

export async function listExternalCertificates(db: Db, regionPath: string) {
	return db
		.selectFrom('external_certificates as x')
		.innerJoin('persons as p', 'p.id', 'x.person_id')
		.innerJoin('regions as r', 'r.code', 'x.region_code')
		.leftJoin('special_operations as so', 'so.code', 'x.special_operation_code')
		.select(['x.id', 'x.number', 'x.holder_name', 'x.issuing_authority', 'x.issued_on', 'x.valid_until', 'x.status', 'x.imported_at', 'so.item as operation_name', 'p.id as person_id'])
		.where('r.path', 'like', `${regionPath}%`)
		.orderBy('x.id', 'desc')
		.limit(200)
		.execute();
}

export async function getRegion(db: Db, code: string): Promise<{ code: string; name: string }> {
	return db.selectFrom('regions').select(['code', 'name']).where('code', '=', code).executeTakeFirstOrThrow();
}

export async function insertExternalCertificates(db: Db, rows: Insertable<DB['external_certificates']>[]): Promise<void> {
	await db.insertInto('external_certificates').values(rows).execute();
}
