// Demo certificates: for every passed, eligible exam attempt of a certificate-bearing session,
// the owning institution proposes and — for statutory types — the regulator of the holder
// enterprise's region (the most local one) approves, through the real use cases (so numbers,
// signatures, audit entries and the status list are real). Idempotent: attempts that already have
// a live certificate are no longer eligible, so a second run does nothing.
import { sql } from 'kysely';
import type { Db } from '../src/lib/server/db/index.ts';
import { decideCertificates, listSessionCandidates, proposeCertificates } from '../src/lib/server/certificates/issue-service.ts';
import { certificateConfigFromEnv } from '../src/lib/server/certificates/rules.ts';
import { SYSTEM_ACTOR } from '../src/lib/server/audit/actor.ts';
import type { Role } from '../src/lib/domain/labels.ts';

async function firstUser(db: Db, orgId: number, roles: Role[]) {
	const row = await db.selectFrom('memberships').select(['user_id', 'role']).where('org_id', '=', orgId).where('role', 'in', roles).orderBy('id').limit(1).executeTakeFirst();
	return row ? { userId: row.user_id, role: row.role } : { userId: null, role: roles[0]! };
}

/** The most local regulator whose region contains the organisation's region. */
async function regulatorFor(db: Db, orgId: number) {
	const r = await sql<{ id: number; path: string }>`
		select reg.id, rr.path from organisations o
		join regions r on r.code = o.region_code
		join organisations reg on reg.kind = 'regulator'
		join regions rr on rr.code = reg.region_code
		where o.id = ${orgId} and r.path like rr.path || '%'
		order by length(rr.path) desc, reg.id limit 1`.execute(db);
	return r.rows[0] ?? null;
}

export async function seedDemoCertificates(db: Db, now: Date): Promise<{ proposed: number; issued: number }> {
	const config = certificateConfigFromEnv(process.env);
	const sessions = await db
		.selectFrom('exam_sessions as s')
		.innerJoin('exam_blueprints as b', 'b.id', 's.blueprint_id')
		.select(['s.id', 's.owner_org_id'])
		.where('b.certificate_type', '<>', 'none')
		.orderBy('s.id')
		.execute();
	let proposed = 0;
	let issued = 0;
	for (const session of sessions) {
		const eligible = (await listSessionCandidates(db, session.id)).filter((c) => c.eligibility.eligible);
		if (eligible.length === 0) continue;
		const inst = await firstUser(db, session.owner_org_id, ['institution_admin']);
		const r = await proposeCertificates(db, { ...SYSTEM_ACTOR, ...inst, orgId: session.owner_org_id }, session.id, eligible.map((c) => c.attempt_id), now, config);
		proposed += r.done.length;
		issued += r.done.filter((d) => d.status === 'issued').length;
		const pending = r.done.filter((d) => d.status === 'proposed');
		const holderOf = new Map(eligible.map((c) => [c.attempt_id, c.org_id]));
		const rows = pending.length ? await db.selectFrom('certificates').select(['id', 'attempt_id']).where('id', 'in', pending.map((p) => p.id)).execute() : [];
		for (const row of rows) {
			const reg = await regulatorFor(db, holderOf.get(row.attempt_id!)!);
			if (!reg) continue; // no regulator covers the enterprise: stays proposed
			const user = await firstUser(db, reg.id, ['regulator']);
			const d = await decideCertificates(db, { ...SYSTEM_ACTOR, ...user, orgId: reg.id, regionPath: reg.path }, [row.id], 'approve', null, now, config);
			issued += d.done.length;
		}
	}
	return { proposed, issued };
}
