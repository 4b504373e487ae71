import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { DEFAULT_GRACE_SECONDS } from './attempt.ts';
import { LOCK_BEFORE_OPENING_HOURS, locksAnyBank, type ExamLock } from './exam-lock.ts';

/**
 * The banks locked for a person at `now` (see exam-lock.ts): those of every exam attempt in
 * progress (until its deadline + grace, after which no answer is taken) and of every prepared
 * attempt whose session is open or opens within LOCK_BEFORE_OPENING_HOURS. A paper draws on the
 * banks of its blueprint and on the banks of the question versions pinned in its slots (a bank
 * could have been removed from the blueprint after the paper was drawn), and every bank of the
 * same derivation family (platform bank and the institution banks derived from it).
 */
export async function findExamLock(db: Db, personId: number, now: Date): Promise<ExamLock> {
	const graceStart = new Date(now.getTime() - DEFAULT_GRACE_SECONDS * 1000);
	const horizon = new Date(now.getTime() + LOCK_BEFORE_OPENING_HOURS * 3600_000);
	const { rows } = await sql<{ session_id: number; name: string; bank_id: number }>`
		with locking as (
			select a.session_id, s.name, a.paper_id, s.blueprint_id
			from exam_attempts a
			join exam_sessions s on s.id = a.session_id
			where a.person_id = ${personId} and a.mode = 'exam'
				and (
					(a.status = 'in_progress' and (a.deadline_at is null or a.deadline_at > ${graceStart}))
					or (a.status = 'ready' and s.status <> 'cancelled' and s.opens_at <= ${horizon} and s.closes_at > ${now})
				)
		)
		, direct as (
		select l.session_id, l.name, q.bank_id
		from locking l
		join exam_papers p on p.id = l.paper_id
		cross join lateral jsonb_to_recordset(p.slots) as x("questionId" text)
		join qb_questions q on q.id = x."questionId"::int
		union
		select l.session_id, l.name, (jsonb_array_elements_text(b.bank_ids))::int as bank_id
		from locking l
		join exam_blueprints b on b.id = l.blueprint_id
		)
		-- a bank derived from a platform bank holds copies of its questions: the whole family
		-- (the platform bank and every bank derived from it) is locked, or practising the
		-- platform bank would show the keys of a derived bank's paper
		select distinct d.session_id, d.name, fam.id as bank_id
		from direct d
		join qb_banks b on b.id = d.bank_id
		join qb_banks fam on coalesce(fam.derived_from_bank_id, fam.id) = coalesce(b.derived_from_bank_id, b.id)`.execute(db);
	const sessions = new Map<number, string>();
	for (const r of rows) sessions.set(r.session_id, r.name);
	return { bankIds: new Set(rows.map((r) => Number(r.bank_id))), sessions: [...sessions.entries()].sort(([a], [b]) => a - b).map(([, name]) => name) };
}

/** The banks a paper's pinned questions belong to. */
export async function listPaperBankIds(db: Db, paperId: number): Promise<number[]> {
	const { rows } = await sql<{ bank_id: number }>`
		select distinct q.bank_id
		from exam_papers p
		cross join lateral jsonb_to_recordset(p.slots) as x("questionId" text)
		join qb_questions q on q.id = x."questionId"::int
		where p.id = ${paperId}`.execute(db);
	return rows.map((r) => Number(r.bank_id));
}

/** The lock that covers a paper's questions for this person now, or null when none does. */
export async function findPaperLock(db: Db, personId: number, paperId: number, now: Date): Promise<ExamLock | null> {
	const lock = await findExamLock(db, personId, now);
	if (!lock.bankIds.size) return null;
	return locksAnyBank(lock, await listPaperBankIds(db, paperId)) ? lock : null;
}
