import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { maskIdNumber } from '../../domain/identifiers.ts';

// Certificate audit for regulators, over the certificates table of migration 005. Scope: the
// holder organisation lies in the caller's region. "Valid on D" = issued, issued_on <= D <= valid_until.

export type RegistryQuery = { q?: string; type?: string; status?: string };

export async function searchRegistry(db: Db, regionPath: string, f: RegistryQuery, limit = 100) {
	const q = f.q?.trim();
	const { rows } = await sql<{ id: number; number: string | null; type: string; status: string; issued_on: string | null; valid_until: string | null; person_id: number; name: string; id_number: string; org_name: string; special_operation_code: string | null }>`
		select c.id, c.number, c.type, c.status, c.issued_on, c.valid_until, c.person_id, p.name, p.id_number, o.name as org_name, c.special_operation_code
		from certificates c join persons p on p.id = c.person_id join organisations o on o.id = c.holder_org_id join regions r on r.code = o.region_code
		where r.path like ${regionPath + '%'}
			${q ? sql`and (c.number ilike ${'%' + q + '%'} or p.name like ${'%' + q + '%'} or o.name like ${'%' + q + '%'})` : sql``}
			${f.type ? sql`and c.type = ${f.type}` : sql``}
			${f.status ? sql`and c.status = ${f.status}` : sql``}
		order by c.id desc limit ${limit}`.execute(db);
	return rows.map(({ id_number, ...r }) => ({ ...r, id_masked: maskIdNumber(id_number) }));
}

export async function listExpiring(db: Db, regionPath: string, today: string, days = 90) {
	const { rows } = await sql<{ id: number; number: string | null; type: string; valid_until: string; person_id: number; name: string; org_name: string }>`
		select c.id, c.number, c.type, c.valid_until, c.person_id, p.name, o.name as org_name
		from certificates c join persons p on p.id = c.person_id join organisations o on o.id = c.holder_org_id join regions r on r.code = o.region_code
		where r.path like ${regionPath + '%'} and c.status = 'issued'
			and c.valid_until >= ${today}::date and c.valid_until <= ${today}::date + ${days}::int
		order by c.valid_until limit 500`.execute(db);
	return rows;
}

/** 特种作业人员 without a certificate for their own operation valid today (持证上岗 gaps): ours or an imported one. */
export async function listSpecialWorkersWithoutCertificate(db: Db, regionPath: string, today: string) {
	const { rows } = await sql<{ person_id: number; name: string; id_number: string; org_name: string; special_operation_code: string | null; item: string | null; last_valid_until: string | null }>`
		select p.id as person_id, p.name, p.id_number, o.name as org_name, p.special_operation_code, so.item,
			(select max(c.valid_until) from certificates c where c.person_id = p.id and c.type = 'special_work' and c.status = 'issued') as last_valid_until
		from persons p join organisations o on o.id = p.org_id join regions r on r.code = o.region_code
		left join special_operations so on so.code = p.special_operation_code
		where p.active and p.role_category = 'special_worker' and o.kind = 'enterprise' and r.path like ${regionPath + '%'}
			and not exists (select 1 from certificates c where c.person_id = p.id and c.type = 'special_work' and c.status = 'issued'
				and c.special_operation_code is not distinct from p.special_operation_code
				and c.issued_on <= ${today}::date and c.valid_until >= ${today}::date)
			-- a 特种作业操作证 issued elsewhere and imported through the data exchange counts too
			and not exists (select 1 from external_certificates x where x.person_id = p.id and x.status = 'valid'
				and x.special_operation_code is not distinct from p.special_operation_code
				and x.issued_on <= ${today}::date and x.valid_until >= ${today}::date)
		order by o.name, p.name limit 1000`.execute(db);
	return rows.map(({ id_number, ...r }) => ({ ...r, id_masked: maskIdNumber(id_number) }));
}

/** One person holding two or more certificates of one type (and operation) valid today. */
export async function listDuplicates(db: Db, regionPath: string, today: string) {
	const { rows } = await sql<{ person_id: number; name: string; type: string; special_operation_code: string | null; numbers: string[]; n: number }>`
		select c.person_id, p.name, c.type, c.special_operation_code, array_agg(c.number order by c.issued_on) as numbers, count(*)::int as n
		from certificates c join persons p on p.id = c.person_id join organisations o on o.id = c.holder_org_id join regions r on r.code = o.region_code
		where r.path like ${regionPath + '%'} and c.status = 'issued' and c.issued_on <= ${today}::date and c.valid_until >= ${today}::date
		group by c.person_id, p.name, c.type, c.special_operation_code having count(*) > 1
		order by count(*) desc limit 200`.execute(db);
	return rows;
}

/**
 * Public verification lookups (certificate_lookups of migration 005) for certificates of the
 * region, and repeated misses per IP (misses carry no certificate, so they are platform-wide and
 * shown to the city only).
 */
export async function lookupStatistics(db: Db, regionPath: string, isCity: boolean, since: Date) {
	const { rows: byOutcome } = await sql<{ outcome: string; n: number }>`
		select l.outcome, count(*)::int as n from certificate_lookups l
		left join certificates c on c.id = l.certificate_id left join organisations o on o.id = c.holder_org_id left join regions r on r.code = o.region_code
		where l.at >= ${since} and (r.path like ${regionPath + '%'} or (${isCity} and l.certificate_id is null))
		group by l.outcome order by l.outcome`.execute(db);
	const repeatedMisses = isCity
		? (
				await sql<{ ip: string; misses: number; last_at: Date }>`
				select ip, count(*)::int as misses, max(at) as last_at from certificate_lookups
				where at >= ${since} and outcome in ('not_found', 'invalid') group by ip having count(*) >= 3 order by misses desc limit 50`.execute(db)
			).rows
		: [];
	return { byOutcome: byOutcome.map((r) => ({ outcome: r.outcome, n: Number(r.n) })), repeatedMisses };
}
