import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { maskIdNumber, maskMobile } from '../../domain/identifiers.ts';

// Evidence pages for regulators: an attempt's proctoring timeline and a person's study log,
// each only when the person's organisation lies in the caller's region.

export async function getAttemptTimeline(db: Db, attemptId: number, regionPath: string) {
	const attempt = await db
		.selectFrom('exam_attempts as a')
		.innerJoin('persons as p', 'p.id', 'a.person_id')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.innerJoin('regions as r', 'r.code', 'o.region_code')
		.leftJoin('exam_sessions as s', 's.id', 'a.session_id')
		.leftJoin('organisations as inst', 'inst.id', 's.owner_org_id')
		.select(['a.id', 'a.person_id', 'p.name', 'p.id_number', 'o.name as org_name', 's.name as session_name', 'inst.name as institution_name', 's.mode as session_mode', 'a.status', 'a.started_at', 'a.deadline_at', 'a.finished_at', 'a.finish_reason', 'a.score', 'a.passed', 'a.flags', 'a.decision', 'a.decision_reason', 'a.ip', 'a.client_id', 'a.user_agent'])
		.where('a.id', '=', attemptId)
		.where('r.path', 'like', `${regionPath}%`)
		.executeTakeFirst();
	if (!attempt) return undefined;
	const events = await db.selectFrom('exam_events').select(['at', 'source', 'kind', 'detail']).where('attempt_id', '=', attemptId).orderBy('at').orderBy('id').limit(2000).execute();
	const steps = await db.selectFrom('exam_answer_steps').select(['seq', 'slot', 'received_at']).where('attempt_id', '=', attemptId).orderBy('seq').limit(2000).execute();
	const { id_number, ...rest } = attempt;
	return { attempt: { ...rest, id_masked: maskIdNumber(id_number), score: rest.score === null ? null : Number(rest.score), flags: Array.isArray(rest.flags) ? (rest.flags as { label?: string; rule?: string; count?: number }[]) : [] }, events, steps };
}

export async function getPersonStudyLog(db: Db, personId: number, regionPath: string) {
	const person = await db
		.selectFrom('persons as p')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.innerJoin('regions as r', 'r.code', 'o.region_code')
		.select(['p.id', 'p.name', 'p.id_number', 'p.mobile', 'p.role_category', 'o.name as org_name', 'r.name as region_name'])
		.where('p.id', '=', personId)
		.where('r.path', 'like', `${regionPath}%`)
		.executeTakeFirst();
	if (!person) return undefined;
	const enrolments = await db
		.selectFrom('enrolments as e')
		.innerJoin('courses as c', 'c.id', 'e.course_id')
		.select(['e.id', 'e.plan_year', 'c.title', 'c.credit_hours', 'e.status', 'e.completed_at'])
		.where('e.person_id', '=', personId)
		.orderBy('e.plan_year', 'desc')
		.execute();
	// sittings: runs of events with gaps under 5 minutes, per day and IP/device
	const { rows: sittings } = await sql<{ started: Date; ended: Date; credited: number; beats: number; checks_passed: number; checks_missed: number; ip: string | null; device: string | null }>`
		with e as (
			select *, case when at - lag(at) over (order by at) > interval '5 minutes' or lag(at) over (order by at) is null then 1 else 0 end as brk
			from study_events where person_id = ${personId}
		), g as (select *, sum(brk) over (order by at) as grp from e)
		select min(at) as started, max(at) as ended, sum(credited_seconds)::int as credited,
			count(*) filter (where kind = 'beat')::int as beats,
			count(*) filter (where kind = 'check_passed')::int as checks_passed,
			count(*) filter (where kind = 'check_missed')::int as checks_missed,
			max(ip) as ip, max(device) as device
		from g group by grp order by started desc limit 200`.execute(db);
	const attempts = await db
		.selectFrom('exam_attempts as a')
		.leftJoin('exam_sessions as s', 's.id', 'a.session_id')
		.select(['a.id', 's.name as session_name', 'a.finished_at', 'a.score', 'a.passed', 'a.decision'])
		.where('a.person_id', '=', personId)
		.where('a.mode', '=', 'exam')
		.orderBy('a.created_at', 'desc')
		.execute();
	const coverage = await db
		.selectFrom('coverage_person as cp')
		.innerJoin('coverage_targets as t', 't.id', 'cp.target_id')
		.select(['t.id', 't.title', 'cp.covered', 'cp.covered_on', 'cp.study_missing', 'cp.exam_missing', 'cp.certificate_missing'])
		.where('cp.person_id', '=', personId)
		.orderBy('t.id')
		.execute();
	const { id_number, mobile, ...rest } = person;
	return { person: { ...rest, id_masked: maskIdNumber(id_number), mobile_masked: maskMobile(mobile) }, enrolments, sittings, attempts: attempts.map((a) => ({ ...a, score: a.score === null ? null : Number(a.score) })), coverage };
}
