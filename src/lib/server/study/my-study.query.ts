import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { formatBasis, pickRequirement } from './requirements.ts';
import { listRequirementRules, xueshiMinutesOf } from './requirements.repository.ts';
import { toXueshi } from './hours.ts';
import { listActivePersonsForPlan } from './plan.repository.ts';
import { listLiveCredits, sumLiveCredits, type LiveCredit } from '../live/live-credit.query.ts';

export type MyCourse = {
	enrolmentId: number;
	courseId: number;
	title: string;
	trainingType: string;
	courseHours: number;
	dueOn: string | null;
	overdue: boolean;
	completedAt: Date | null;
	status: string;
	courseStatus: string;
	lessonsTotal: number;
	lessonsDone: number;
	creditedSeconds: number;
	totalSeconds: number;
	creditedHours: number;
	resumeLessonId: number | null;
};

export type MyStudy = {
	year: number;
	xueshiMinutes: number;
	requirement: { title: string; hours: number; basis: string } | null;
	/** courses, live classes and (where the class allows) replays together */
	creditedHours: number;
	courses: MyCourse[];
	/** 直播 / 回放 学时, shown apart; already included in creditedHours */
	live: { liveHours: number; replayHours: number; classes: LiveCredit[] };
};

/** A learner's year: the requirement that applies, the hours credited and each course's progress. */
export async function getMyStudy(db: Db, personId: number, orgId: number, year: number, today: string): Promise<MyStudy> {
	const [rules, persons] = await Promise.all([listRequirementRules(db), listActivePersonsForPlan(db, orgId, [personId])]);
	const xueshiMinutes = xueshiMinutesOf(rules);
	const person = persons[0];
	const rule = person ? pickRequirement(rules, person, year) : null;

	const rows = await db
		.selectFrom('enrolments as e')
		.innerJoin('courses as c', 'c.id', 'e.course_id')
		.select((eb) => [
			'e.id as enrolment_id',
			'c.id as course_id',
			'c.title',
			'c.training_type',
			'c.credit_hours',
			'c.status as course_status',
			'e.due_on',
			'e.completed_at',
			'e.status',
			eb.selectFrom('lessons as l').whereRef('l.course_id', '=', 'c.id').select(sql<number>`count(*)::int`.as('n')).as('lessons_total'),
			eb.selectFrom('lessons as l').whereRef('l.course_id', '=', 'c.id').select(sql<number>`coalesce(sum(l.minutes), 0)::int * 60`.as('s')).as('total_seconds'),
			eb
				.selectFrom('lesson_progress as p')
				.whereRef('p.enrolment_id', '=', 'e.id')
				.where('p.completed_at', 'is not', null)
				.select(sql<number>`count(*)::int`.as('n'))
				.as('lessons_done'),
			eb
				.selectFrom('lesson_progress as p')
				.whereRef('p.enrolment_id', '=', 'e.id')
				.select(sql<number>`coalesce(sum(p.credited_seconds), 0)::int`.as('s'))
				.as('credited_seconds'),
			// continue where I left off: the last lesson studied if unfinished, else the first unfinished one
			eb
				.selectFrom('lessons as l')
				.innerJoin('course_modules as m', 'm.id', 'l.module_id')
				.leftJoin('lesson_progress as p', (j) => j.onRef('p.lesson_id', '=', 'l.id').onRef('p.enrolment_id', '=', 'e.id'))
				.whereRef('l.course_id', '=', 'c.id')
				.where('p.completed_at', 'is', null)
				.orderBy(sql`p.last_at desc nulls last`)
				.orderBy('m.position')
				.orderBy('l.position')
				.select('l.id')
				.limit(1)
				.as('resume_lesson_id')
		])
		.where('e.person_id', '=', personId)
		.where('e.plan_year', '=', year)
		.where('e.status', '=', 'active')
		.orderBy('e.due_on', 'asc')
		.orderBy('e.id')
		.execute();

	const courses: MyCourse[] = rows.map((r) => {
		const credited = Number(r.credited_seconds ?? 0);
		return {
			enrolmentId: r.enrolment_id,
			courseId: r.course_id,
			title: r.title,
			trainingType: r.training_type,
			courseHours: Number(r.credit_hours),
			dueOn: r.due_on,
			overdue: r.completed_at === null && r.due_on !== null && r.due_on < today,
			completedAt: r.completed_at,
			status: r.status,
			courseStatus: r.course_status,
			lessonsTotal: Number(r.lessons_total ?? 0),
			lessonsDone: Number(r.lessons_done ?? 0),
			creditedSeconds: credited,
			totalSeconds: Number(r.total_seconds ?? 0),
			creditedHours: toXueshi(credited, xueshiMinutes),
			resumeLessonId: r.resume_lesson_id ?? null
		};
	});
	const liveClasses = (await listLiveCredits(db, { personId }, year, xueshiMinutes)).get(personId) ?? [];
	const live = sumLiveCredits(liveClasses);
	const totalCredited = courses.reduce((sum, c) => sum + c.creditedSeconds, 0) + live.liveSeconds + live.replaySeconds;
	return {
		year,
		xueshiMinutes,
		requirement: rule ? { title: rule.title, hours: rule.hours, basis: formatBasis(rule) } : null,
		creditedHours: toXueshi(totalCredited, xueshiMinutes),
		courses,
		live: { liveHours: toXueshi(live.liveSeconds, xueshiMinutes), replayHours: toXueshi(live.replaySeconds, xueshiMinutes), classes: liveClasses }
	};
}

export type OutlineLesson = {
	id: number;
	title: string;
	kind: string;
	minutes: number;
	creditedSeconds: number;
	completed: boolean;
	/** a live class's 回放 lesson: its time is the class's attendance, not this lesson's */
	replay: boolean;
};

/** One of my enrolments with its modules and lessons; undefined if it is not mine. */
export async function getEnrolmentOutline(db: Db, personId: number, enrolmentId: number) {
	const enrolment = await db
		.selectFrom('enrolments as e')
		.innerJoin('courses as c', 'c.id', 'e.course_id')
		.leftJoin('organisations as o', 'o.id', 'c.owner_org_id')
		.select([
			'e.id',
			'e.plan_year',
			'e.due_on',
			'e.status',
			'e.completed_at',
			'c.id as course_id',
			'c.title',
			'c.description',
			'c.training_type',
			'c.credit_hours',
			'c.status as course_status',
			'o.name as owner_name'
		])
		.where('e.id', '=', enrolmentId)
		.where('e.person_id', '=', personId)
		.executeTakeFirst();
	if (!enrolment) return undefined;
	const lessons = await db
		.selectFrom('lessons as l')
		.innerJoin('course_modules as m', 'm.id', 'l.module_id')
		.leftJoin('lesson_progress as p', (j) => j.onRef('p.lesson_id', '=', 'l.id').on('p.enrolment_id', '=', enrolmentId))
		.select(['m.id as module_id', 'm.title as module_title', 'l.id', 'l.title', 'l.kind', 'l.minutes', 'l.live_class_id', 'p.credited_seconds', 'p.completed_at'])
		.where('l.course_id', '=', enrolment.course_id)
		.orderBy('m.position')
		.orderBy('l.position')
		.execute();
	const modules: { id: number; title: string; lessons: OutlineLesson[] }[] = [];
	for (const l of lessons) {
		let m = modules.at(-1);
		if (!m || m.id !== l.module_id) {
			m = { id: l.module_id, title: l.module_title, lessons: [] };
			modules.push(m);
		}
		m.lessons.push({ id: l.id, title: l.title, kind: l.kind, minutes: l.minutes, creditedSeconds: l.credited_seconds ?? 0, completed: l.completed_at !== null, replay: l.live_class_id !== null });
	}
	return { enrolment: { ...enrolment, credit_hours: Number(enrolment.credit_hours) }, modules };
}

/** A lesson of my enrolment, for the study page. */
export async function getLessonForStudy(db: Db, personId: number, enrolmentId: number, lessonId: number) {
	const outline = await getEnrolmentOutline(db, personId, enrolmentId);
	if (!outline) return undefined;
	const flat = outline.modules.flatMap((m) => m.lessons.map((l) => ({ ...l, moduleTitle: m.title })));
	const index = flat.findIndex((l) => l.id === lessonId);
	if (index < 0) return undefined;
	const lesson = await db
		.selectFrom('lessons')
		.select(['id', 'title', 'kind', 'body_md', 'file_id', 'minutes', 'video_seconds', 'live_class_id'])
		.where('id', '=', lessonId)
		.executeTakeFirstOrThrow();
	const progress = await db
		.selectFrom('lesson_progress')
		.select(['credited_seconds', 'watched_seconds', 'reached_end', 'completed_at'])
		.where('enrolment_id', '=', enrolmentId)
		.where('lesson_id', '=', lessonId)
		.executeTakeFirst();
	return {
		outline,
		lesson,
		moduleTitle: flat[index]!.moduleTitle,
		progress: {
			creditedSeconds: progress?.credited_seconds ?? 0,
			watchedSeconds: Number(progress?.watched_seconds ?? 0),
			reachedEnd: progress?.reached_end ?? false,
			completed: (progress?.completed_at ?? null) !== null
		},
		previousId: flat[index - 1]?.id ?? null,
		nextId: flat[index + 1]?.id ?? null
	};
}
