// Rows for the practical exam (实操) tests, written directly so h3's tests do not depend on the
// application (h1) or scheduling (h2) code: an accepted application with a photo, a theory pass,
// a 考试点 with a practical room, a practical session with examiners, and scheduled attempts.
import type { Db } from '../../src/lib/server/db/index.ts';
import { saveFile } from '../../src/lib/server/files/files.repository.ts';
import { makeOrg, makeUser } from './factories.ts';
import { makeBlueprint, makeCandidatePerson, makeSession } from './cert-factories.ts';

let n = 0;
export const TINY_PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
	'base64'
);

export async function makePracticalWorld(db: Db, opts: { item?: '1.2' | '2.1'; opensAt?: Date; region?: string; institutionId?: number; enterpriseId?: number; examiners?: { id: number }[] } = {}) {
	const item = opts.item ?? '1.2';
	const region = opts.region ?? '500112';
	const institutionId = opts.institutionId ?? (await makeOrg(db, 'institution', region));
	const enterpriseId = opts.enterpriseId ?? (await makeOrg(db, 'enterprise', region));
	const examiners = opts.examiners ?? [await makeUser(db, { role: 'examiner', orgId: institutionId }), await makeUser(db, { role: 'examiner', orgId: institutionId }), await makeUser(db, { role: 'examiner', orgId: institutionId })];
	const opensAt = opts.opensAt ?? new Date('2026-12-05T01:00:00Z');
	const centre = await db
		.insertInto('exam_centres')
		.values({ institution_org_id: institutionId, name: `考试点${++n}`, address: '重庆市渝北区测试路1号', region_code: region, video_recording: true, created_at: opensAt })
		.returning('id')
		.executeTakeFirstOrThrow();
	const room = await db
		.insertInto('exam_centre_rooms')
		.values({ centre_id: centre.id, kind: 'practical', name: `实操室${n}`, capacity: 10, special_operation_code: item })
		.returning('id')
		.executeTakeFirstOrThrow();
	const sheetCode = item === '1.2' ? 'SO-1.2-PRACTICAL' : 'SO-2.1-PRACTICAL';
	const session = await makePracticalSession(db, { institutionId, roomId: room.id, item, sheetCode, opensAt, examinerIds: examiners.map((e) => e.id) });
	const blueprintId = await makeBlueprint(db, institutionId, 'special_work');
	const theorySessionId = await makeSession(db, institutionId, blueprintId, null);
	return { institutionId, enterpriseId, examiners, centreId: centre.id, roomId: room.id, sessionId: session, theorySessionId, item, sheetCode, opensAt };
}
export type PracticalWorld = Awaited<ReturnType<typeof makePracticalWorld>>;

export async function makePracticalSession(db: Db, s: { institutionId: number; roomId: number; item: string; sheetCode: string; opensAt: Date; examinerIds: number[] }) {
	const row = await db
		.insertInto('practical_sessions')
		.values({ institution_org_id: s.institutionId, room_id: s.roomId, special_operation_code: s.item, sheet_code: s.sheetCode, sheet_version: 1, name: `实操场次${++n}`, opens_at: s.opensAt, closes_at: new Date(s.opensAt.getTime() + 4 * 3600_000), created_at: s.opensAt })
		.returning('id')
		.executeTakeFirstOrThrow();
	if (s.examinerIds.length) await db.insertInto('practical_session_examiners').values(s.examinerIds.map((user_id) => ({ session_id: row.id, user_id }))).execute();
	return row.id;
}

/** An accepted application of a new worker, with a stored photo; theory passed at theoryAt unless null. */
export async function makeCandidate(db: Db, w: PracticalWorld, opts: { theoryAt?: Date | null; station?: number; attemptNo?: number; sessionId?: number; name?: string; cohortTeacherId?: number; personId?: number } = {}) {
	const personId = opts.personId ?? (await makeCandidatePerson(db, w.enterpriseId, { op: w.item, name: opts.name }));
	const photo = await saveFile(db, { ownerOrgId: w.institutionId, name: 'photo.png', mime: 'image/png', data: new Uint8Array(TINY_PNG), createdBy: null, now: w.opensAt });
	let cohortId: number | null = null;
	if (opts.cohortTeacherId) {
		const c = await db
			.insertInto('training_cohorts')
			.values({ institution_org_id: w.institutionId, special_operation_code: w.item, name: `培训班${++n}`, starts_on: '2026-10-01', ends_on: '2026-10-30', created_at: w.opensAt })
			.returning('id')
			.executeTakeFirstOrThrow();
		await db.insertInto('training_cohort_teachers').values({ cohort_id: c.id, user_id: opts.cohortTeacherId }).execute();
		cohortId = c.id;
	}
	const app = await db
		.insertInto('so_applications')
		.values({
			person_id: personId,
			special_operation_code: w.item,
			institution_org_id: w.institutionId,
			enterprise_org_id: w.enterpriseId,
			channel: 'enterprise',
			status: 'accepted',
			cohort_id: cohortId,
			photo_file_id: photo.id,
			photo_sha256: photo.sha256,
			submitted_at: w.opensAt,
			updated_at: w.opensAt
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	if (opts.theoryAt !== null) await passTheory(db, w, personId, app.id, opts.theoryAt ?? new Date(w.opensAt.getTime() - 30 * 86_400_000));
	const attemptId = await scheduleAttempt(db, opts.sessionId ?? w.sessionId, app.id, personId, opts.station ?? ++n, opts.attemptNo ?? 1, w.opensAt);
	return { personId, applicationId: app.id, attemptId, code: `AX-ZK-P-${opts.sessionId ?? w.sessionId}-${app.id}` };
}

export async function passTheory(db: Db, w: PracticalWorld, personId: number, applicationId: number, finishedAt: Date) {
	const cand = await db.insertInto('exam_candidates').values({ session_id: w.theorySessionId, person_id: personId, added_at: finishedAt, application_id: applicationId }).returning('id').executeTakeFirstOrThrow();
	const paper = await db.insertInto('exam_papers').values({ session_id: w.theorySessionId, seed: `p${++n}`, slots: '[]', total_points: '100', created_at: finishedAt }).returning('id').executeTakeFirstOrThrow();
	await db
		.insertInto('exam_attempts')
		.values({ mode: 'exam', session_id: w.theorySessionId, candidate_id: cand.id, person_id: personId, paper_id: paper.id, status: 'finished', finish_reason: 'submitted', started_at: finishedAt, deadline_at: finishedAt, finished_at: finishedAt, score: '88', passed: true, created_at: finishedAt })
		.execute();
}

export async function scheduleAttempt(db: Db, sessionId: number, applicationId: number, personId: number, station: number, attemptNo: number, at: Date) {
	const row = await db
		.insertInto('practical_attempts')
		.values({ session_id: sessionId, application_id: applicationId, person_id: personId, station_no: station, attempt_no: attemptNo, created_at: at })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** Earlier final practical attempts of an application (failed), each in its own session of the world's room. */
export async function addFailedAttempts(db: Db, w: PracticalWorld, applicationId: number, personId: number, count: number, finalisedAt: Date) {
	for (let i = 1; i <= count; i++) {
		const sessionId = await makePracticalSession(db, { institutionId: w.institutionId, roomId: w.roomId, item: w.item, sheetCode: w.sheetCode, opensAt: new Date(finalisedAt.getTime() - i * 86_400_000), examinerIds: [] });
		const id = await scheduleAttempt(db, sessionId, applicationId, personId, 1, i, finalisedAt);
		await db.updateTable('practical_attempts').set({ status: 'final', score: '60', veto: false, passed: false, finalised_at: finalisedAt, published_at: finalisedAt }).where('id', '=', id).execute();
	}
}

/**
 * For the browser journey: on the demo data, a practical session today at the demo institution's
 * 考试点 in 渝北区, examined by the demo examiner and a second examiner, with two candidates (the
 * demo learner 孙海涛 and a colleague), both with a passed theory exam.
 */
export async function prepareDemoPractical(db: Db, now: Date) {
	const { seedIfEmpty } = await import('../../seeds/index.ts');
	await seedIfEmpty(db, { demo: true });
	const org = async (name: string) => (await db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
	const institutionId = await org('重庆安训安全技术培训中心');
	const enterpriseId = await org('重庆渝北精工机械有限公司');
	const demoExaminer = await db.selectFrom('users').select('id').where('mobile', '=', '13800000005').executeTakeFirstOrThrow();
	const second = await makeUser(db, { role: 'examiner', orgId: institutionId, mobile: '13700009901' });
	const w = await makePracticalWorld(db, { institutionId, enterpriseId, examiners: [demoExaminer, second], opensAt: new Date(now.getTime() - 3600_000), region: '500112' });
	const learner = await db.selectFrom('users').select('person_id').where('mobile', '=', '13800000007').executeTakeFirstOrThrow();
	const passTheoryAt = new Date(now.getTime() - 7 * 86_400_000);
	const a = await makeCandidate(db, w, { personId: learner.person_id!, station: 1, theoryAt: passTheoryAt });
	const b = await makeCandidate(db, w, { name: '钱焊工', station: 2, theoryAt: passTheoryAt });
	return { sessionId: w.sessionId, a, b, secondExaminer: second.mobile };
}
