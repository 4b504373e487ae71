import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { maskIdNumber } from '../../domain/identifiers.ts';
import { FACE_RULE_TITLES, FACE_RULES, findCameraUnavailable, findFailedCredit, findSharedFaces } from './face-findings.query.ts';

// "走过场" findings: each rule is a read-only query over what the platform already stores
// (study_events, exam_attempts, exam_answer_steps), limited to the caller's region and ranked by
// a score. Thresholds are named here so the page can state each rule in plain Chinese.

export const THRESHOLDS = {
	paceMinHours: 4,
	paceMinRatio: 0.97,
	sharedStudyMinPersons: 3,
	fastMaxFraction: 0.25,
	fastMinScorePercent: 90,
	identicalMinSlots: 5,
	sharedIpMinPersons: 3,
	peerMinAttempts: 5,
	peerPassRateGap: 25,
	peerTimeRatio: 0.5,
	practicalAllPassMin: 5,
	lookbackDays: 365
};

export const RULES = {
	study_pace: `一人在 ${THRESHOLDS.lookbackDays} 天内累计计入学时超过 ${THRESHOLDS.paceMinHours} 小时，学习过程中几乎没有一次停顿（计入时间占在线时间 ${THRESHOLDS.paceMinRatio * 100}% 以上），且没有漏答过一次随机点名确认——真人连续学习数小时而从不走神的情况极少，可能是挂机或代学。`,
	study_shared: `同一 IP 地址和同一设备在同一个 10 分钟内为 ${THRESHOLDS.sharedStudyMinPersons} 人以上计入学时——可能一人替多人刷课。`,
	exam_fast: `考试用时不到规定时长的 ${THRESHOLDS.fastMaxFraction * 100}%，得分却在 ${THRESHOLDS.fastMinScorePercent}% 以上——可能提前知道答案或有人代考。`,
	exam_identical: `同一场考试、同一份试卷中，两名以上考生的全部作答完全相同（至少 ${THRESHOLDS.identicalMinSlots} 题），且都有答错的题——错得一模一样，可能互相抄袭或统一作答。`,
	exam_shared_device: `同一浏览器（设备标识）被两名以上考生用于正式考试，或同一 IP 地址在线上考试中被 ${THRESHOLDS.sharedIpMinPersons} 名以上考生使用（考点集中考试除外）——可能代考。`,
	exam_flags: '考试过程中监考记录了诚信标记（切屏、复制粘贴、多设备作答、IP 变化、作答过快等），或考评员作出警告/作废结论。',
	institution_outlier: `培训机构的考试通过率比同类机构中位数高出 ${THRESHOLDS.peerPassRateGap} 个百分点以上，或平均用时不到同类机构中位数的 ${THRESHOLDS.peerTimeRatio * 100}%，或诚信标记率是同类机构中位数的 3 倍以上（每家至少 ${THRESHOLDS.peerMinAttempts} 次考试）——培训或考试可能走过场。`,
	practical_all_pass: `同一名考评员在 ${THRESHOLDS.lookbackDays} 天内签字确认了 ${THRESHOLDS.practicalAllPassMin} 名以上考生的实际操作考试，且全部判为合格——实操考评可能走过场。`,
	...FACE_RULES
} as const;
export type RuleCode = keyof typeof RULES;

export const RULE_TITLES: Record<RuleCode, string> = {
	study_pace: '挂机式学习',
	study_shared: '一机多人学习',
	exam_fast: '超快高分',
	exam_identical: '作答雷同',
	exam_shared_device: '一机多人考试',
	exam_flags: '监考诚信标记',
	institution_outlier: '机构数据异常',
	practical_all_pass: '实操考评员全部通过',
	...FACE_RULE_TITLES
};

export type Evidence = { label: string; href: string };
/**
 * key: the finding's stable identity (rule + subject), what decisions are recorded against.
 * groupKey/groupLabel: near-identical findings (same rule and same exam session, or same
 * enterprise) share a group. orgId: the enterprise a 督办 goes to (null: no enterprise).
 */
export type Finding = {
	rule: RuleCode;
	key: string;
	groupKey: string;
	groupLabel: string;
	orgId: number | null;
	score: number;
	subject: string;
	detail: string;
	at: string | null;
	evidence: Evidence[];
};

/** The enterprise of a person, when the person works for an enterprise. */
const enterpriseOf = (personAlias: string) =>
	sql`(select case when eo.kind = 'enterprise' then eo.id end from organisations eo where eo.id = ${sql.ref(personAlias + '.org_id')})`;
const orgName = (orgId: number | null, names: Map<number, string>) => (orgId === null ? '无所属企业' : `企业：${names.get(orgId) ?? orgId}`);

const personLink = (id: number, name: string): Evidence => ({ label: `${name}的学习记录`, href: `/regulator/persons/${id}` });
const attemptLink = (id: number, name: string): Evidence => ({ label: `${name}的考试过程记录`, href: `/regulator/attempts/${id}` });

/** Persons (by their organisation's region) the caller may see. */
const inRegion = (alias: string, path: string) => sql`exists (select 1 from organisations fo join regions fr on fr.code = fo.region_code where fo.id = ${sql.ref(alias + '.org_id')} and fr.path like ${path + '%'})`;

export async function findStudyPace(db: Db, regionPath: string, now: Date): Promise<Finding[]> {
	const since = new Date(now.getTime() - THRESHOLDS.lookbackDays * 86_400_000);
	const { rows } = await sql<{ person_id: number; name: string; id_number: string; credited: number; online: number; checks_passed: number; first_at: Date; last_at: Date; org_id: number | null; org_name: string | null }>`
		with s as (
			select e.person_id, sum(e.credited_seconds)::int as credited,
				count(*) filter (where e.kind = 'check_missed')::int as missed,
				count(*) filter (where e.kind = 'check_passed')::int as checks_passed,
				count(*) filter (where e.kind = 'beat')::int as beats,
				min(e.at) as first_at, max(e.at) as last_at
			from study_events e where e.at >= ${since}
			group by e.person_id
		)
		select s.person_id, p.name, p.id_number, s.credited, s.beats * 30 as online, s.checks_passed, s.first_at, s.last_at,
			${enterpriseOf('p')} as org_id, (select o.name from organisations o where o.id = p.org_id) as org_name
		from s join persons p on p.id = s.person_id
		where s.missed = 0 and s.credited >= ${THRESHOLDS.paceMinHours * 3600}
			and s.credited >= ${THRESHOLDS.paceMinRatio}::float * s.beats * 30 and ${inRegion('p', regionPath)}
		order by s.credited desc limit 100`.execute(db);
	return rows.map((r) => ({
		rule: 'study_pace',
		key: `study_pace:person:${r.person_id}`,
		groupKey: `study_pace:org:${r.org_id ?? 'none'}`,
		groupLabel: r.org_id === null ? '无所属企业' : `企业：${r.org_name}`,
		orgId: r.org_id,
		score: 50 + Math.min(40, Number(r.credited) / 3600 * 4),
		subject: `${r.name}（${maskIdNumber(r.id_number)}）`,
		detail: `累计计入 ${(Number(r.credited) / 3600).toFixed(1)} 小时，计入占在线时间 ${((Number(r.credited) / Math.max(1, Number(r.online))) * 100).toFixed(0)}%，点名确认 ${r.checks_passed} 次全部通过、0 次漏答`,
		at: new Date(r.last_at).toISOString(),
		evidence: [personLink(r.person_id, r.name)]
	}));
}

export async function findSharedStudy(db: Db, regionPath: string, now: Date): Promise<Finding[]> {
	const since = new Date(now.getTime() - THRESHOLDS.lookbackDays * 86_400_000);
	const { rows } = await sql<{ ip: string; device: string | null; bucket: Date; persons: number; ids: number[]; names: string[]; org_id: number | null }>`
		select e.ip, e.device, to_timestamp(floor(extract(epoch from e.at) / 600) * 600) as bucket,
			count(distinct e.person_id)::int as persons,
			min(${enterpriseOf('p')}) as org_id,
			array_agg(distinct e.person_id) as ids,
			array_agg(distinct p.name) as names
		from study_events e join persons p on p.id = e.person_id
		where e.at >= ${since} and e.kind = 'beat' and e.credited_seconds > 0 and e.ip is not null and ${inRegion('p', regionPath)}
		group by e.ip, e.device, bucket
		having count(distinct e.person_id) >= ${THRESHOLDS.sharedStudyMinPersons}
		order by persons desc, bucket desc limit 100`.execute(db);
	// one finding per IP/device (its busiest 10 minutes)
	const seen = new Set<string>();
	const out: Finding[] = [];
	const names = await namesOfOrgs(db, rows.map((r) => r.org_id));
	for (const r of rows) {
		const key = `${r.ip}|${r.device}`;
		if (seen.has(key)) continue;
		seen.add(key);
		const ids = (r.ids as number[]).slice(0, 6);
		const persons = r.names as string[];
		out.push({
			rule: 'study_shared',
			key: `study_shared:${key}`,
			groupKey: `study_shared:org:${r.org_id ?? 'none'}`,
			groupLabel: orgName(r.org_id, names),
			orgId: r.org_id,
			score: 55 + Math.min(35, Number(r.persons) * 5),
			subject: `IP ${r.ip}${r.device ? ` · ${r.device}` : ''}`,
			detail: `${Number(r.persons)} 人在同一 10 分钟内从此处学习：${persons.slice(0, 6).join('、')}`,
			at: new Date(r.bucket).toISOString(),
			evidence: ids.map((id, i) => personLink(id, persons[i] ?? `人员${id}`))
		});
	}
	return out;
}

type AttemptRow = { id: number; person_id: number; name: string; minutes: number; allowed: number; pct: number; finished_at: Date; session_id: number; session_name: string; org_id: number | null };

export async function findFastExams(db: Db, regionPath: string): Promise<Finding[]> {
	const { rows } = await sql<AttemptRow>`
		select a.id, a.person_id, p.name, s.id as session_id, s.name as session_name, a.finished_at, ${enterpriseOf('p')} as org_id,
			extract(epoch from a.finished_at - a.started_at) / 60 as minutes,
			extract(epoch from a.deadline_at - a.started_at) / 60 as allowed,
			(a.score / nullif(pa.total_points, 0) * 100)::float as pct
		from exam_attempts a join persons p on p.id = a.person_id join exam_papers pa on pa.id = a.paper_id join exam_sessions s on s.id = a.session_id
		where a.mode = 'exam' and a.status = 'finished' and a.started_at is not null and a.deadline_at > a.started_at
			and a.finished_at - a.started_at < (a.deadline_at - a.started_at) * ${THRESHOLDS.fastMaxFraction}::float
			and a.score / nullif(pa.total_points, 0) * 100 >= ${THRESHOLDS.fastMinScorePercent}::float
			and ${inRegion('p', regionPath)}
		order by extract(epoch from a.finished_at - a.started_at) / extract(epoch from a.deadline_at - a.started_at) limit 100`.execute(db);
	return rows.map((r) => ({
		rule: 'exam_fast',
		key: `exam_fast:attempt:${r.id}`,
		groupKey: `exam_fast:session:${r.session_id}`,
		groupLabel: `考试：${r.session_name}`,
		orgId: r.org_id,
		score: 60 + Math.min(35, (1 - Number(r.minutes) / Number(r.allowed)) * 35),
		subject: r.name,
		detail: `${r.session_name}：${Number(r.minutes).toFixed(0)} 分钟交卷（限时 ${Number(r.allowed).toFixed(0)} 分钟），得分率 ${Number(r.pct).toFixed(0)}%`,
		at: new Date(r.finished_at).toISOString(),
		evidence: [attemptLink(r.id, r.name), personLink(r.person_id, r.name)]
	}));
}

export async function findIdenticalAnswers(db: Db, regionPath: string): Promise<Finding[]> {
	const { rows } = await sql<{ session_id: number; session_name: string; ids: number[]; person_ids: number[]; names: string[]; slots: number; org_id: number | null }>`
		with latest as (
			select distinct on (st.attempt_id, st.slot) st.attempt_id, st.slot, st.response
			from exam_answer_steps st join exam_attempts a on a.id = st.attempt_id
			where a.mode = 'exam' and a.status = 'finished'
			order by st.attempt_id, st.slot, st.seq desc
		), seqs as (
			select attempt_id, count(*)::int as slots, string_agg(coalesce(response::text, '∅'), '|' order by slot) as answers from latest group by attempt_id
		)
		select a.session_id, s.name as session_name, array_agg(a.id order by a.id) as ids, array_agg(a.person_id order by a.id) as person_ids,
			array_agg(p.name order by a.id) as names, max(q.slots) as slots, min(${enterpriseOf('p')}) as org_id
		from seqs q join exam_attempts a on a.id = q.attempt_id join persons p on p.id = a.person_id
		join exam_papers pa on pa.id = a.paper_id join exam_sessions s on s.id = a.session_id
		where q.slots >= ${THRESHOLDS.identicalMinSlots} and a.score < pa.total_points and ${inRegion('p', regionPath)}
		group by a.session_id, s.name, a.paper_id, q.answers
		having count(distinct a.person_id) >= 2
		order by count(*) desc limit 50`.execute(db);
	return rows.map((r) => ({
		rule: 'exam_identical',
		key: `exam_identical:session:${r.session_id}:attempts:${(r.ids as number[]).join(',')}`,
		groupKey: `exam_identical:session:${r.session_id}`,
		groupLabel: `考试：${r.session_name}`,
		orgId: r.org_id,
		score: 70 + Math.min(25, (r.ids as number[]).length * 5),
		subject: `${r.session_name}`,
		detail: `${(r.ids as number[]).length} 名考生 ${r.slots} 题作答完全相同（含错题）：${(r.names as string[]).join('、')}`,
		at: null,
		evidence: (r.ids as number[]).map((id, i) => attemptLink(id, (r.names as string[])[i]!))
	}));
}

export async function findSharedExamDevices(db: Db, regionPath: string): Promise<Finding[]> {
	const { rows } = await sql<{ kind: string; value: string; ids: number[]; names: string[]; persons: number; org_id: number | null }>`
		select 'client' as kind, a.client_id as value, array_agg(a.id order by a.id) as ids, array_agg(p.name order by a.id) as names, count(distinct a.person_id)::int as persons,
			min(${enterpriseOf('p')}) as org_id
		from exam_attempts a join persons p on p.id = a.person_id
		where a.mode = 'exam' and a.client_id is not null and ${inRegion('p', regionPath)}
		group by a.client_id having count(distinct a.person_id) >= 2
		union all
		select 'ip', a.ip, array_agg(a.id order by a.id), array_agg(p.name order by a.id), count(distinct a.person_id)::int, min(${enterpriseOf('p')})
		from exam_attempts a join persons p on p.id = a.person_id join exam_sessions s on s.id = a.session_id
		where a.mode = 'exam' and a.ip is not null and s.mode = 'online' and ${inRegion('p', regionPath)}
		group by a.ip having count(distinct a.person_id) >= ${THRESHOLDS.sharedIpMinPersons}
		order by persons desc limit 50`.execute(db);
	const names = await namesOfOrgs(db, rows.map((r) => r.org_id));
	return rows.map((r) => ({
		rule: 'exam_shared_device',
		key: `exam_shared_device:${r.kind}:${r.value}`,
		groupKey: `exam_shared_device:org:${r.org_id ?? 'none'}`,
		groupLabel: orgName(r.org_id, names),
		orgId: r.org_id,
		score: (r.kind === 'client' ? 80 : 55) + Math.min(15, Number(r.persons) * 3),
		subject: r.kind === 'client' ? `设备标识 ${r.value.slice(0, 16)}` : `IP ${r.value}`,
		detail: `${Number(r.persons)} 名考生使用：${(r.names as string[]).slice(0, 6).join('、')}`,
		at: null,
		evidence: (r.ids as number[]).slice(0, 6).map((id, i) => attemptLink(id, (r.names as string[])[i]!))
	}));
}

export async function findFlaggedExams(db: Db, regionPath: string): Promise<Finding[]> {
	const { rows } = await sql<{ id: number; person_id: number; name: string; flags: unknown; decision: string | null; finished_at: Date | null; session_id: number; session_name: string; org_id: number | null }>`
		select a.id, a.person_id, p.name, a.flags, a.decision, a.finished_at, s.id as session_id, s.name as session_name, ${enterpriseOf('p')} as org_id
		from exam_attempts a join persons p on p.id = a.person_id join exam_sessions s on s.id = a.session_id
		where a.mode = 'exam' and ((jsonb_typeof(a.flags) = 'array' and jsonb_array_length(a.flags) > 0) or a.decision in ('warning', 'voided'))
			and ${inRegion('p', regionPath)}
		order by a.finished_at desc nulls last limit 100`.execute(db);
	return rows.map((r) => {
		const flags = Array.isArray(r.flags) ? (r.flags as { label?: string; count?: number }[]) : [];
		const total = flags.reduce((s, f) => s + (Number(f.count) || 1), 0);
		return {
			rule: 'exam_flags' as const,
			key: `exam_flags:attempt:${r.id}`,
			groupKey: `exam_flags:session:${r.session_id}`,
			groupLabel: `考试：${r.session_name}`,
			orgId: r.org_id,
			score: 40 + Math.min(40, total * 4) + (r.decision === 'voided' ? 15 : r.decision === 'warning' ? 8 : 0),
			subject: r.name,
			detail: [flags.map((f) => `${f.label ?? '标记'}${f.count ? ` ${f.count} 次` : ''}`).join('、'), r.decision ? `考评员结论：${r.decision === 'voided' ? '作废' : r.decision === 'warning' ? '警告' : '无异常'}` : ''].filter(Boolean).join('；'),
			at: r.finished_at ? new Date(r.finished_at).toISOString() : null,
			evidence: [attemptLink(r.id, r.name)]
		};
	});
}

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = Math.floor(s.length / 2);
	return s.length === 0 ? 0 : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function findInstitutionOutliers(db: Db, regionPath: string): Promise<Finding[]> {
	// every institution's figures (peers are all institutions), reported for those in the region
	const { rows } = await sql<{ org_id: number; name: string; path: string; attempts: number; pass_rate: number; avg_fraction: number; flag_rate: number; session_id: number }>`
		select o.id as org_id, o.name, r.path, count(*)::int as attempts,
			(avg(case when a.passed then 1 else 0 end) * 100)::float as pass_rate,
			avg(extract(epoch from a.finished_at - a.started_at) / nullif(extract(epoch from a.deadline_at - a.started_at), 0))::float as avg_fraction,
			(avg(case when jsonb_typeof(a.flags) = 'array' and jsonb_array_length(a.flags) > 0 then 1 else 0 end) * 100)::float as flag_rate,
			max(s.id) as session_id
		from exam_attempts a join exam_sessions s on s.id = a.session_id join organisations o on o.id = s.owner_org_id join regions r on r.code = o.region_code
		where a.mode = 'exam' and a.status = 'finished' and a.started_at is not null
		group by o.id, o.name, r.path having count(*) >= ${THRESHOLDS.peerMinAttempts}`.execute(db);
	const out: Finding[] = [];
	for (const r of rows) {
		if (!r.path.startsWith(regionPath)) continue;
		const peers = rows.filter((p) => p.org_id !== r.org_id);
		if (peers.length < 2) continue;
		const pass = median(peers.map((p) => Number(p.pass_rate)));
		const time = median(peers.map((p) => Number(p.avg_fraction)));
		const flag = median(peers.map((p) => Number(p.flag_rate)));
		const reasons: string[] = [];
		let score = 0;
		if (Number(r.pass_rate) - pass >= THRESHOLDS.peerPassRateGap) {
			reasons.push(`通过率 ${Number(r.pass_rate).toFixed(0)}%（同类中位数 ${pass.toFixed(0)}%）`);
			score += 30;
		}
		if (time > 0 && Number(r.avg_fraction) < time * THRESHOLDS.peerTimeRatio) {
			reasons.push(`平均用时为限时的 ${(Number(r.avg_fraction) * 100).toFixed(0)}%（同类中位数 ${(time * 100).toFixed(0)}%）`);
			score += 30;
		}
		if (Number(r.flag_rate) > 0 && Number(r.flag_rate) >= Math.max(1, flag) * 3) {
			reasons.push(`诚信标记率 ${Number(r.flag_rate).toFixed(0)}%（同类中位数 ${flag.toFixed(0)}%）`);
			score += 20;
		}
		if (!reasons.length) continue;
		out.push({
			rule: 'institution_outlier',
			key: `institution_outlier:org:${r.org_id}`,
			groupKey: `institution_outlier:org:${r.org_id}`,
			groupLabel: `培训机构：${r.name}`,
			// a training institution, not an enterprise: no 督办 to an enterprise
			orgId: null,
			score: 40 + score, subject: r.name, detail: `${Number(r.attempts)} 次考试：${reasons.join('；')}`, at: null, evidence: [{ label: '最近一场考试的一份答卷', href: `/regulator/attempts/${await firstAttemptOf(db, r.session_id)}` }] });
	}
	return out;
}

async function namesOfOrgs(db: Db, ids: (number | null)[]): Promise<Map<number, string>> {
	const wanted = [...new Set(ids.filter((x): x is number => x !== null))];
	if (!wanted.length) return new Map();
	const rows = await db.selectFrom('organisations').select(['id', 'name']).where('id', 'in', wanted).execute();
	return new Map(rows.map((r) => [r.id, r.name]));
}

async function firstAttemptOf(db: Db, sessionId: number): Promise<number> {
	const row = await db.selectFrom('exam_attempts').select('id').where('session_id', '=', sessionId).orderBy('id').executeTakeFirst();
	return row?.id ?? 0;
}

/** 特种作业 实操: an examiner who signed off at least N final results, every one of them a pass. */
export async function findPracticalAllPass(db: Db, regionPath: string, now: Date): Promise<Finding[]> {
	const since = new Date(now.getTime() - THRESHOLDS.lookbackDays * 86_400_000);
	const { rows } = await sql<{ user_id: number; name: string; org: string; attempts: number; last_at: Date | string }>`
		select u.id as user_id, u.display_name as name, o.name as org, count(*)::int as attempts, max(a.finalised_at) as last_at
		from practical_signoffs f join practical_attempts a on a.id = f.attempt_id join practical_sessions s on s.id = a.session_id
			join exam_centre_rooms r on r.id = s.room_id join exam_centres c on c.id = r.centre_id join regions g on g.code = c.region_code
			join users u on u.id = f.examiner_user_id join organisations o on o.id = s.institution_org_id
		where a.status = 'final' and a.finalised_at >= ${since} and g.path like ${regionPath + '%'}
		group by u.id, u.display_name, o.name
		having count(*) >= ${THRESHOLDS.practicalAllPassMin} and bool_and(coalesce(a.passed, false))`.execute(db);
	return rows.map((r) => ({
		rule: 'practical_all_pass' as const,
		key: `practical_all_pass:user:${r.user_id}`,
		groupKey: `practical_all_pass:user:${r.user_id}`,
		groupLabel: `考评员：${r.name}（${r.org}）`,
		orgId: null,
		score: 50 + Math.min(30, Number(r.attempts)),
		subject: `${r.name}（${r.org}）`,
		detail: `签字确认 ${Number(r.attempts)} 名考生的实操考试，全部合格`,
		at: new Date(r.last_at).toISOString(),
		evidence: [{ label: '实操考试通过率（按考试点和考评员）', href: '/regulator/special-ops/practical' }]
	}));
}

/** All rules, ranked by score (highest first). */
export async function listFindings(db: Db, regionPath: string, now: Date, rule?: RuleCode): Promise<Finding[]> {
	const all: Record<RuleCode, () => Promise<Finding[]>> = {
		study_pace: () => findStudyPace(db, regionPath, now),
		study_shared: () => findSharedStudy(db, regionPath, now),
		exam_fast: () => findFastExams(db, regionPath),
		exam_identical: () => findIdenticalAnswers(db, regionPath),
		exam_shared_device: () => findSharedExamDevices(db, regionPath),
		exam_flags: () => findFlaggedExams(db, regionPath),
		institution_outlier: () => findInstitutionOutliers(db, regionPath),
		practical_all_pass: () => findPracticalAllPass(db, regionPath, now),
		face_shared: () => findSharedFaces(db, regionPath, now),
		face_failed_credit: () => findFailedCredit(db, regionPath, now),
		face_camera: () => findCameraUnavailable(db, regionPath, now)
	};
	const codes = rule ? [rule] : (Object.keys(all) as RuleCode[]);
	const results: Finding[] = [];
	for (const c of codes) results.push(...(await all[c]()));
	return results.sort((a, b) => b.score - a.score);
}
