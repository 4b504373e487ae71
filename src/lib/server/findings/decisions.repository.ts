import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Tx } from '../db/transaction.ts';

export type DecisionStatus = 'handled' | 'dismissed' | 'supervised' | 'rectified';

export type DecisionRow = {
	id: number;
	finding_key: string;
	rule: string;
	status: DecisionStatus;
	note: string | null;
	due_on: string | null;
	org_id: number | null;
	subject: string;
	detail: string;
	decided_at: Date;
};

export type DecisionInsert = {
	finding_key: string;
	rule: string;
	status: DecisionStatus;
	note: string | null;
	due_on: string | null;
	org_id: number | null;
	subject: string;
	detail: string;
	decided_by: number | null;
	decided_org_id: number;
	decided_at: Date;
};

const columns = ['id', 'finding_key', 'rule', 'status', 'note', 'due_on', 'org_id', 'subject', 'detail', 'decided_at'] as const;

/** Serialises decisions about the same findings (two regulators, or a regulator and the enterprise). */
export async function lockFindings(tx: Tx, keys: string[]): Promise<void> {
	for (const key of [...new Set(keys)].sort()) await sql`select pg_advisory_xact_lock(7302, hashtext(${key}))`.execute(tx);
}

/** The latest decision of each finding (its status); findings never decided are absent. */
export async function listLatestDecisions(db: Db, keys: string[]): Promise<Map<string, DecisionRow>> {
	if (keys.length === 0) return new Map();
	const rows = await db
		.selectFrom('finding_decisions')
		.select(columns)
		.distinctOn('finding_key')
		.where('finding_key', 'in', keys)
		.orderBy('finding_key')
		.orderBy('id', 'desc')
		.execute();
	return new Map(rows.map((r) => [r.finding_key, r]));
}

/** Every decision about these findings, oldest first (the history shown beside a finding). */
export async function listDecisionHistory(db: Db, keys: string[]): Promise<DecisionRow[]> {
	if (keys.length === 0) return [];
	return db.selectFrom('finding_decisions').select(columns).where('finding_key', 'in', keys).orderBy('id').execute();
}

export async function insertDecisions(db: Db, rows: DecisionInsert[]): Promise<void> {
	if (rows.length === 0) return;
	await db.insertInto('finding_decisions').values(rows).execute();
}

/** 督办 sent to an organisation: each finding's latest decision, where it is still addressed to it. */
export async function listSupervisionsOf(db: Db, orgId: number): Promise<(DecisionRow & { requirement: string | null; required_due_on: string | null })[]> {
	const { rows } = await sql<DecisionRow & { requirement: string | null; required_due_on: string | null }>`
		select d.id, d.finding_key, d.rule, d.status, d.note, d.due_on, d.org_id, d.subject, d.detail, d.decided_at,
			s.note as requirement, s.due_on::text as required_due_on
		from (
			select distinct on (finding_key) * from finding_decisions
			where finding_key in (select finding_key from finding_decisions where org_id = ${orgId} and status = 'supervised')
			order by finding_key, id desc
		) d
		join lateral (
			select note, due_on from finding_decisions x
			where x.finding_key = d.finding_key and x.status = 'supervised' and x.org_id = ${orgId}
			order by x.id desc limit 1
		) s on true
		where d.org_id = ${orgId} and d.status in ('supervised', 'rectified')
		order by (d.status = 'supervised') desc, d.id desc`.execute(db);
	return rows.map((r) => ({ ...r, due_on: r.due_on === null ? null : String(r.due_on).slice(0, 10) }));
}
