import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/index.ts';
import { maskIdNumber } from '../../domain/identifiers.ts';
import { roleCategoryLabel } from '../../domain/labels.ts';
import { toXueshi } from './hours.ts';
import { formatBasis, pickRequirement } from './requirements.ts';
import { xueshiMinutesOf, listRequirementRules, type RequirementRow } from './requirements.repository.ts';
import { listLiveCredits, sumLiveCredits, type LiveCredit } from '../live/live-credit.query.ts';

// 安全生产教育和培训档案 (《安全生产法》第二十八条第四款): time, content, participants and assessment
// results of each person's training, per plan year. Read-only; every function is scoped by a person
// id or an organisation id inside its WHERE clause. Dates are calendar days in China (UTC+8).

export const TRAINING_TYPE_LABELS: Record<string, string> = {
	initial: '初次培训',
	annual: '年度再培训',
	three_level: '三级安全教育',
	transfer: '转岗培训',
	topic: '专题培训'
};

export type ArchiveStatus = 'met' | 'unmet' | 'none';
export const ARCHIVE_STATUS_LABELS: Record<ArchiveStatus, string> = { met: '达标', unmet: '未达标', none: '无要求' };

export type ArchivePerson = {
	id: number;
	name: string;
	idNumberMasked: string;
	orgId: number;
	orgName: string;
	roleCategory: string;
	roleCategoryLabel: string;
	position: string | null;
	hiredOn: string | null;
	active: boolean;
};

export type ArchiveRequirement = {
	code: string;
	title: string;
	hours: number;
	/** Regulation and article, e.g. 《生产经营单位安全培训规定》…第九条第一款 */
	basis: string;
};

export type ArchiveCourse = {
	enrolmentId: number;
	title: string;
	trainingType: string;
	trainingTypeLabel: string;
	planYear: number;
	dueOn: string | null;
	/** 'active' | 'withdrawn'; withdrawn courses stay in the record but are not counted as assigned */
	enrolmentStatus: string;
	lessonsDone: number;
	lessonsTotal: number;
	creditedSeconds: number;
	creditedXueshi: number;
	/** the course's nominal 学时 */
	courseXueshi: number;
	firstStudyOn: string | null;
	lastStudyOn: string | null;
	completedAt: Date | null;
	completedOn: string | null;
};

export type ArchiveLive = LiveCredit & { creditedXueshi: number };

export type ArchiveDay = { date: string; creditedSeconds: number; xueshi: number };

/** Filled once the exam activity exists; the archive already has the section. */
export type ArchiveExam = { title: string; takenOn: string; score: number | null; passed: boolean };
/** Filled once certificates exist. */
export type ArchiveCertificate = { title: string; number: string; issuedOn: string; validUntil: string | null };

export type PersonArchive = {
	/** null: all plan years (no requirement is evaluated) */
	year: number | null;
	xueshiMinutes: number;
	person: ArchivePerson;
	highRisk: boolean;
	requirement: ArchiveRequirement | null;
	courses: ArchiveCourse[];
	/** 直播培训 attended (live and replay minutes apart, and what counts) */
	live: ArchiveLive[];
	daily: ArchiveDay[];
	/** creditedSeconds: courses + live + counted replay; liveSeconds / replaySeconds: the counted live and replay parts */
	totals: {
		creditedSeconds: number;
		creditedXueshi: number;
		liveSeconds: number;
		liveXueshi: number;
		replaySeconds: number;
		replayXueshi: number;
		coursesAssigned: number;
		coursesCompleted: number;
		studyDays: number;
	};
	status: ArchiveStatus;
	exams: ArchiveExam[];
	certificates: ArchiveCertificate[];
};

export type EnterpriseArchiveRow = {
	personId: number;
	name: string;
	idNumberMasked: string;
	roleCategory: string;
	roleCategoryLabel: string;
	position: string | null;
	requirementTitle: string | null;
	requiredXueshi: number | null;
	/** courses + live + counted replay */
	creditedSeconds: number;
	creditedXueshi: number;
	/** the live and replay parts of creditedSeconds */
	liveSeconds: number;
	replaySeconds: number;
	coursesAssigned: number;
	coursesCompleted: number;
	lastStudyOn: string | null;
	status: ArchiveStatus;
};

export type EnterpriseArchive = {
	org: { id: number; name: string; industryName: string | null; highRisk: boolean };
	year: number;
	xueshiMinutes: number;
	rows: EnterpriseArchiveRow[];
	counts: Record<ArchiveStatus, number>;
};

/** The calendar year in China at `now` (the default plan year of the archive pages). */
export function archiveYearOf(now: Date): number {
	return new Date(now.getTime() + 8 * 3600_000).getUTCFullYear();
}

function roleLabel(code: string): string {
	return roleCategoryLabel(code);
}

function statusOf(requirement: { hours: number } | null, creditedXueshi: number): ArchiveStatus {
	if (!requirement) return 'none';
	return creditedXueshi >= requirement.hours ? 'met' : 'unmet';
}

function requirementFor(rules: RequirementRow[], person: { role_category: string; hired_on: string | null }, highRisk: boolean, year: number | null): ArchiveRequirement | null {
	if (year === null) return null;
	const rule = pickRequirement(rules, { role_category: person.role_category, high_risk: highRisk, hired_on: person.hired_on }, year);
	return rule && { code: rule.code, title: rule.title, hours: rule.hours, basis: formatBasis(rule) };
}

const chinaDay = (expr: RawBuilder<unknown>) => sql<string | null>`to_char(${expr} at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`;

type Who = { personId: number; orgId?: number } | { orgId: number };

function personsQuery(db: Db, who: Who) {
	let q = db
		.selectFrom('persons as p')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.leftJoin('industries as i', 'i.code', 'o.industry_code')
		.select(['p.id', 'p.name', 'p.id_number', 'p.org_id', 'o.name as org_name', 'p.role_category', 'p.position', 'p.hired_on', 'p.active', 'i.high_risk']);
	if ('personId' in who) {
		q = q.where('p.id', '=', who.personId);
		if (who.orgId !== undefined) q = q.where('p.org_id', '=', who.orgId);
	} else {
		q = q.where('p.org_id', '=', who.orgId).where('p.active', '=', true);
	}
	return q.orderBy('p.id');
}

async function loadArchives(db: Db, who: Who, year: number | null, withDaily: boolean): Promise<PersonArchive[]> {
	const persons = await personsQuery(db, who).execute();
	if (persons.length === 0) return [];
	const rules = await listRequirementRules(db);
	const xueshiMinutes = xueshiMinutesOf(rules);

	// One grouped query for every person's courses: lesson counts and credited time per enrolment.
	let courseQuery = db
		.selectFrom('enrolments as e')
		.innerJoin('persons as p', 'p.id', 'e.person_id')
		.innerJoin('courses as c', 'c.id', 'e.course_id')
		.leftJoin(
			(eb) => eb.selectFrom('lessons').select(['course_id', (x) => x.fn.countAll<number>().as('n')]).groupBy('course_id').as('lt'),
			(j) => j.onRef('lt.course_id', '=', 'c.id')
		)
		.leftJoin('lesson_progress as lp', 'lp.enrolment_id', 'e.id')
		.select([
			'e.id',
			'e.person_id',
			'e.plan_year',
			'e.due_on',
			'e.status',
			'e.completed_at',
			'c.title',
			'c.training_type',
			'c.credit_hours',
			sql<number>`coalesce(max(lt.n), 0)`.as('lessons_total'),
			(eb) => eb.fn.count<number>('lp.completed_at').as('lessons_done'),
			sql<number>`coalesce(sum(lp.credited_seconds), 0)`.as('seconds'),
			chinaDay(sql`min(lp.first_at)`).as('first_on'),
			chinaDay(sql`max(lp.last_at)`).as('last_on'),
			chinaDay(sql.ref('e.completed_at')).as('completed_on')
		])
		.groupBy(['e.id', 'c.id']);
	let dailyQuery = db
		.selectFrom('study_events as se')
		.innerJoin('enrolments as e', 'e.id', 'se.enrolment_id')
		.innerJoin('persons as p', 'p.id', 'se.person_id')
		.select(['se.person_id', chinaDay(sql.ref('se.at')).as('day'), sql<number>`sum(se.credited_seconds)`.as('seconds')])
		.where('se.kind', '=', 'beat')
		.where('se.credited_seconds', '>', 0)
		.groupBy(['se.person_id', sql`2`]);
	if ('personId' in who) {
		courseQuery = courseQuery.where('p.id', '=', who.personId);
		dailyQuery = dailyQuery.where('se.person_id', '=', who.personId).where('e.person_id', '=', who.personId);
	} else {
		courseQuery = courseQuery.where('p.org_id', '=', who.orgId).where('p.active', '=', true);
		dailyQuery = dailyQuery.where('p.org_id', '=', who.orgId).where('p.active', '=', true);
	}
	if (year !== null) {
		courseQuery = courseQuery.where('e.plan_year', '=', year);
		dailyQuery = dailyQuery.where('e.plan_year', '=', year);
	}
	const [courseRows, dailyRows, liveBy] = await Promise.all([
		courseQuery.orderBy('e.person_id').orderBy('e.plan_year', 'desc').orderBy('e.id').execute(),
		withDaily ? dailyQuery.orderBy('se.person_id').orderBy(sql`2`).execute() : Promise.resolve([]),
		listLiveCredits(db, 'personId' in who ? { personId: who.personId } : { orgId: who.orgId }, year, xueshiMinutes)
	]);

	const coursesBy = new Map<number, ArchiveCourse[]>();
	for (const r of courseRows) {
		const seconds = Number(r.seconds);
		const list = coursesBy.get(r.person_id) ?? [];
		list.push({
			enrolmentId: r.id,
			title: r.title,
			trainingType: r.training_type,
			trainingTypeLabel: TRAINING_TYPE_LABELS[r.training_type] ?? r.training_type,
			planYear: r.plan_year,
			dueOn: r.due_on,
			enrolmentStatus: r.status,
			lessonsDone: Number(r.lessons_done),
			lessonsTotal: Number(r.lessons_total),
			creditedSeconds: seconds,
			creditedXueshi: toXueshi(seconds, xueshiMinutes),
			courseXueshi: Number(r.credit_hours),
			firstStudyOn: r.first_on,
			lastStudyOn: r.last_on,
			completedAt: r.completed_at,
			completedOn: r.completed_on
		});
		coursesBy.set(r.person_id, list);
	}
	const dailyBy = new Map<number, ArchiveDay[]>();
	for (const r of dailyRows) {
		const seconds = Number(r.seconds);
		const list = dailyBy.get(r.person_id) ?? [];
		list.push({ date: r.day!, creditedSeconds: seconds, xueshi: toXueshi(seconds, xueshiMinutes) });
		dailyBy.set(r.person_id, list);
	}

	return persons.map((p) => {
		const highRisk = p.high_risk ?? false;
		const courses = coursesBy.get(p.id) ?? [];
		const daily = dailyBy.get(p.id) ?? [];
		const live = (liveBy.get(p.id) ?? []).map((c) => ({ ...c, creditedXueshi: toXueshi(c.creditedLiveSeconds + c.creditedReplaySeconds, xueshiMinutes) }));
		const liveTotals = sumLiveCredits(live);
		// Credited time counts whatever happened to the enrolment later: it was studied.
		const creditedSeconds = courses.reduce((s, c) => s + c.creditedSeconds, 0) + liveTotals.liveSeconds + liveTotals.replaySeconds;
		const creditedXueshi = toXueshi(creditedSeconds, xueshiMinutes);
		const assigned = courses.filter((c) => c.enrolmentStatus === 'active');
		const requirement = requirementFor(rules, p, highRisk, year);
		return {
			year,
			xueshiMinutes,
			person: {
				id: p.id,
				name: p.name,
				idNumberMasked: maskIdNumber(p.id_number),
				orgId: p.org_id,
				orgName: p.org_name,
				roleCategory: p.role_category,
				roleCategoryLabel: roleLabel(p.role_category),
				position: p.position,
				hiredOn: p.hired_on,
				active: p.active
			},
			highRisk,
			requirement,
			courses,
			live,
			daily,
			totals: {
				creditedSeconds,
				creditedXueshi,
				liveSeconds: liveTotals.liveSeconds,
				liveXueshi: toXueshi(liveTotals.liveSeconds, xueshiMinutes),
				replaySeconds: liveTotals.replaySeconds,
				replayXueshi: toXueshi(liveTotals.replaySeconds, xueshiMinutes),
				coursesAssigned: assigned.length,
				coursesCompleted: assigned.filter((c) => c.completedAt !== null).length,
				studyDays: daily.length
			},
			status: statusOf(requirement, creditedXueshi),
			exams: [] as ArchiveExam[],
			certificates: [] as ArchiveCertificate[]
		};
	});
}

/**
 * One person's archive. With `orgId` the person must belong to that organisation (an enterprise
 * admin's scope); otherwise undefined, which the route answers with 404.
 */
export async function getPersonArchive(db: Db, personId: number, options: { year?: number; orgId?: number } = {}): Promise<PersonArchive | undefined> {
	const [archive] = await loadArchives(db, { personId, orgId: options.orgId }, options.year ?? null, true);
	return archive;
}

/** The archives of every active person of an organisation, in a fixed number of queries. */
export async function listOrgPersonArchives(db: Db, orgId: number, options: { year: number; withDaily?: boolean }): Promise<PersonArchive[]> {
	return loadArchives(db, { orgId }, options.year, options.withDaily ?? true);
}

/** Plan years that have enrolments, newest first (for the year selectors). */
export async function listArchiveYears(db: Db, who: { personId: number } | { orgId: number }): Promise<number[]> {
	let q = db.selectFrom('enrolments as e').innerJoin('persons as p', 'p.id', 'e.person_id').select('e.plan_year').distinct();
	q = 'personId' in who ? q.where('p.id', '=', who.personId) : q.where('p.org_id', '=', who.orgId);
	const rows = await q.orderBy('e.plan_year', 'desc').execute();
	return rows.map((r) => r.plan_year);
}

/**
 * One summary row per active person of the enterprise for a plan year. A single grouped query
 * (credited time per enrolment, then per person), so it stays fast for 20,000 persons.
 */
export async function getEnterpriseArchive(db: Db, orgId: number, options: { year: number }): Promise<EnterpriseArchive | undefined> {
	const org = await db
		.selectFrom('organisations as o')
		.leftJoin('industries as i', 'i.code', 'o.industry_code')
		.select(['o.id', 'o.name', 'i.name as industry_name', 'i.high_risk'])
		.where('o.id', '=', orgId)
		.executeTakeFirst();
	if (!org) return undefined;
	const rules = await listRequirementRules(db);
	const xueshiMinutes = xueshiMinutesOf(rules);
	const highRisk = org.high_risk ?? false;

	const rows = await db
		.with('ent', (w) =>
			w
				.selectFrom('enrolments as e')
				.innerJoin('persons as p', 'p.id', 'e.person_id')
				.leftJoin('lesson_progress as lp', 'lp.enrolment_id', 'e.id')
				.select([
					'e.id',
					'e.person_id',
					'e.status',
					'e.completed_at',
					sql<number>`coalesce(sum(lp.credited_seconds), 0)`.as('seconds'),
					(eb) => eb.fn.max('lp.last_at').as('last_at')
				])
				.where('p.org_id', '=', orgId)
				.where('p.active', '=', true)
				.where('e.plan_year', '=', options.year)
				.groupBy('e.id')
		)
		.selectFrom('persons as p')
		.leftJoin('ent', 'ent.person_id', 'p.id')
		.select([
			'p.id',
			'p.name',
			'p.id_number',
			'p.role_category',
			'p.position',
			'p.hired_on',
			sql<number>`count(ent.id) filter (where ent.status = 'active')`.as('assigned'),
			sql<number>`count(ent.id) filter (where ent.status = 'active' and ent.completed_at is not null)`.as('completed'),
			sql<number>`coalesce(sum(ent.seconds), 0)`.as('seconds'),
			chinaDay(sql`max(ent.last_at)`).as('last_on')
		])
		.where('p.org_id', '=', orgId)
		.where('p.active', '=', true)
		.groupBy('p.id')
		.orderBy('p.id')
		.execute();

	const liveBy = await listLiveCredits(db, { orgId }, options.year, xueshiMinutes);
	const counts: Record<ArchiveStatus, number> = { met: 0, unmet: 0, none: 0 };
	const out = rows.map((r): EnterpriseArchiveRow => {
		const live = sumLiveCredits(liveBy.get(r.id) ?? []);
		const seconds = Number(r.seconds) + live.liveSeconds + live.replaySeconds;
		const creditedXueshi = toXueshi(seconds, xueshiMinutes);
		const requirement = requirementFor(rules, r, highRisk, options.year);
		const status = statusOf(requirement, creditedXueshi);
		counts[status]++;
		return {
			personId: r.id,
			name: r.name,
			idNumberMasked: maskIdNumber(r.id_number),
			roleCategory: r.role_category,
			roleCategoryLabel: roleLabel(r.role_category),
			position: r.position,
			requirementTitle: requirement?.title ?? null,
			requiredXueshi: requirement?.hours ?? null,
			creditedSeconds: seconds,
			creditedXueshi,
			liveSeconds: live.liveSeconds,
			replaySeconds: live.replaySeconds,
			coursesAssigned: Number(r.assigned),
			coursesCompleted: Number(r.completed),
			lastStudyOn: r.last_on,
			status
		};
	});
	return {
		org: { id: org.id, name: org.name, industryName: org.industry_name, highRisk },
		year: options.year,
		xueshiMinutes,
		rows: out,
		counts
	};
}
