import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { Db } from '../src/lib/server/db/index.ts';
import { syncRepositoryCourses } from '../src/lib/server/courses/course-files.ts';
import { generateAnnualPlanIn } from '../src/lib/server/study/plan-service.ts';
import { SYSTEM_ACTOR } from '../src/lib/server/audit/actor.ts';
import { shanghaiDate } from '../src/lib/domain/dates.ts';

/** seeds/courses of the checkout (the built server runs from build/, tests from the root). */
export function coursesDir(): string {
	if (process.env.ANXUN_COURSES_DIR) return process.env.ANXUN_COURSES_DIR;
	const local = fileURLToPath(new URL('./courses', import.meta.url));
	return existsSync(local) ? local : 'seeds/courses';
}

const SYSTEM = { ...SYSTEM_ACTOR, role: 'system' };

/**
 * Demo courses, this year's plans for every demo enterprise, and some study history so the
 * pages, 档案 and (later) regulators' reports have something real to show. The history is
 * heartbeat-by-heartbeat, as the crediting engine would have written it.
 */
export async function seedDemoStudy(db: Db, now: Date): Promise<void> {
	const institution = await db.selectFrom('organisations').select('id').where('name', '=', '重庆安训安全技术培训中心').executeTakeFirstOrThrow();
	await syncRepositoryCourses(db, coursesDir(), institution.id, now);
	const year = Number(shanghaiDate(now).slice(0, 4));
	const enterprises = await db.selectFrom('organisations').select('id').where('kind', '=', 'enterprise').orderBy('id').execute();
	for (const e of enterprises) await generateAnnualPlanIn(db, { orgId: e.id, year, dueOn: `${year}-12-31`, actor: SYSTEM }, now);

	// Who has studied what: a principal part-way, some of 精工's staff further on.
	const enrolments = await db
		.selectFrom('enrolments as e')
		.innerJoin('persons as p', 'p.id', 'e.person_id')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.select(['e.id', 'e.person_id', 'e.course_id', 'p.name', 'o.name as org'])
		.where('e.plan_year', '=', year)
		.orderBy('e.id')
		.execute();
	const plan = [
		...enrolments.filter((e) => e.name === '周长风').map((e) => ({ ...e, lessons: 3, partial: 0.5 })),
		...enrolments
			.filter((e) => e.org === '重庆渝北精工机械有限公司' && e.name !== '孙海涛')
			.slice(0, 12)
			.map((e, i) => ({ ...e, lessons: (i % 4) + 1, partial: i % 3 === 0 ? 0 : 0.4 }))
	];
	let day = 0;
	for (const e of plan) {
		const lessons = await db
			.selectFrom('lessons as l')
			.innerJoin('course_modules as m', 'm.id', 'l.module_id')
			.select(['l.id', 'l.minutes', 'l.kind', 'l.video_seconds'])
			.where('l.course_id', '=', e.course_id)
			.orderBy('m.position')
			.orderBy('l.position')
			.execute();
		const studied = lessons.slice(0, e.lessons + (e.partial > 0 ? 1 : 0));
		for (const [i, lesson] of studied.entries()) {
			const complete = i < e.lessons;
			const seconds = Math.floor(lesson.minutes * 60 * (complete ? 1 : e.partial));
			if (seconds <= 0) continue;
			// evenings of past days, one lesson per sitting, 30 s heartbeats
			day++;
			const start = new Date(now.getTime() - (3 + (day % 20)) * 86_400_000 - (day % 5) * 3_600_000);
			const beats = Math.ceil(seconds / 30);
			const tab = `seed-${e.id}-${lesson.id}`;
			const events = Array.from({ length: beats + 1 }, (_, k) => ({
				at: new Date(start.getTime() + k * 30_000),
				person_id: e.person_id,
				enrolment_id: e.id,
				lesson_id: lesson.id,
				tab_id: tab,
				kind: 'beat',
				credited_seconds: k === 0 ? 0 : Math.min(30, seconds - (k - 1) * 30),
				reason: k === 0 ? 'start' : null,
				ip: '10.20.0.' + ((e.person_id % 200) + 10),
				device: 'seed'
			}));
			const end = events.at(-1)!.at;
			if (complete) events.push({ ...events.at(-1)!, kind: 'lesson_completed', credited_seconds: 0, reason: null });
			for (let k = 0; k < events.length; k += 1000) await db.insertInto('study_events').values(events.slice(k, k + 1000)).execute();
			await db
				.insertInto('lesson_progress')
				.values({
					enrolment_id: e.id,
					lesson_id: lesson.id,
					credited_seconds: seconds,
					watched_seconds: String(lesson.kind === 'video' && complete ? (lesson.video_seconds ?? 0) : 0),
					reached_end: lesson.kind === 'video' && complete,
					first_at: start,
					last_at: end,
					completed_at: complete ? end : null
				})
				.execute();
		}
		if (studied.length === lessons.length && e.partial === 0) {
			await db.updateTable('enrolments').set({ completed_at: now }).where('id', '=', e.id).execute();
		}
	}
}
