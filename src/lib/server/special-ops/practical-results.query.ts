// Read-only reports of practical results: the candidate's published results (deductions, never the
// examiners' notes) and the regulator's pass rates per 考试点 and per examiner.
import { sql } from 'kysely';
import type { Db } from '#lib/server/db/index.ts';
import { replaySteps } from './practical-scoring.ts';
import { getSheet, listSteps, listSignoffs } from './practical.repository.ts';

const ROLE_LABELS = { first: '考评员一', second: '考评员二', third: '复评考评员' } as const;

export type LearnerPracticalResult = {
	attemptId: number;
	item: string;
	sessionName: string;
	centre: string;
	attemptNo: number;
	score: number;
	passed: boolean;
	veto: boolean;
	publishedAt: Date;
	byExaminer: { label: string; total: number; deductions: { text: string; points: number; kind: 'deduct' | 'veto' }[] }[];
};

/** A person's published practical results, newest first. */
export async function listLearnerPracticalResults(db: Db, personId: number): Promise<LearnerPracticalResult[]> {
	const rows = await db
		.selectFrom('practical_attempts as a')
		.innerJoin('practical_sessions as s', 's.id', 'a.session_id')
		.innerJoin('exam_centre_rooms as r', 'r.id', 's.room_id')
		.innerJoin('exam_centres as c', 'c.id', 'r.centre_id')
		.innerJoin('special_operations as o', 'o.code', 's.special_operation_code')
		.select(['a.id', 'o.item', 's.name as session_name', 'c.name as centre', 'a.attempt_no', 'a.score', 'a.passed', 'a.veto', 'a.published_at', 's.sheet_code', 's.sheet_version'])
		.where('a.person_id', '=', personId)
		.where('a.status', '=', 'final')
		.where('a.published_at', 'is not', null)
		.orderBy('a.published_at', 'desc')
		.execute();
	const out: LearnerPracticalResult[] = [];
	for (const r of rows) {
		const sheet = await getSheet(db, r.sheet_code, r.sheet_version);
		const signoffs = await listSignoffs(db, r.id);
		const byExaminer = [];
		for (const s of signoffs) {
			const replay = sheet ? replaySteps(sheet.definition, await listSteps(db, r.id, s.examinerUserId)) : null;
			byExaminer.push({ label: ROLE_LABELS[s.role], total: s.score, deductions: (replay?.ticks ?? []).map((t) => ({ text: t.text, points: t.points, kind: t.kind })) });
		}
		out.push({
			attemptId: r.id,
			item: r.item,
			sessionName: r.session_name,
			centre: r.centre,
			attemptNo: r.attempt_no,
			score: Number(r.score),
			passed: r.passed === true,
			veto: r.veto === true,
			publishedAt: new Date(r.published_at!),
			byExaminer
		});
	}
	return out;
}

export type PassRateRow = { id: number; name: string; detail: string; attempts: number; passed: number; rate: number };

/** Final practical results in the region (by the 考试点's region): pass rates per 考试点 and per examiner. */
export async function practicalPassRates(db: Db, regionPath: string): Promise<{ centres: PassRateRow[]; examiners: PassRateRow[] }> {
	const centres = await sql<{ id: number; name: string; org: string; attempts: number; passed: number }>`
		select c.id, c.name, o.name as org, count(*)::int as attempts, count(*) filter (where a.passed)::int as passed
		from practical_attempts a join practical_sessions s on s.id = a.session_id
			join exam_centre_rooms r on r.id = s.room_id join exam_centres c on c.id = r.centre_id
			join organisations o on o.id = c.institution_org_id join regions g on g.code = c.region_code
		where a.status = 'final' and g.path like ${regionPath + '%'}
		group by c.id, c.name, o.name order by c.name`.execute(db);
	const examiners = await sql<{ id: number; name: string; org: string; attempts: number; passed: number }>`
		select u.id, u.display_name as name, o.name as org, count(*)::int as attempts, count(*) filter (where a.passed)::int as passed
		from practical_signoffs f join practical_attempts a on a.id = f.attempt_id join practical_sessions s on s.id = a.session_id
			join exam_centre_rooms r on r.id = s.room_id join exam_centres c on c.id = r.centre_id join regions g on g.code = c.region_code
			join users u on u.id = f.examiner_user_id join organisations o on o.id = s.institution_org_id
		where a.status = 'final' and g.path like ${regionPath + '%'}
		group by u.id, u.display_name, o.name order by u.display_name`.execute(db);
	const map = (r: { id: number; name: string; org: string; attempts: number; passed: number }): PassRateRow => {
		const attempts = Number(r.attempts);
		const passed = Number(r.passed);
		return { id: r.id, name: r.name, detail: r.org, attempts, passed, rate: attempts ? Math.round((passed / attempts) * 1000) / 10 : 0 };
	};
	return { centres: centres.rows.map(map), examiners: examiners.rows.map(map) };
}
