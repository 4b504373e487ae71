import type { Db } from '../db/index.ts';

// SQL of the notification producers: who is told what, and the bulk inserts of messages and
// their SMS / e-mail copies. Conflicts on the dedupe / idempotency keys insert nothing.

export type NewNotification = { user_id: number; kind: string; title: string; body: string; link: string | null; dedupe_key: string; created_at: Date };
export type NewOutbound = {
	user_id: number;
	notification_id: number;
	channel: 'sms' | 'email';
	address: string;
	subject: string | null;
	body: string;
	kind: string;
	idempotency_key: string;
	next_attempt_at: Date;
	created_at: Date;
};

const BATCH = 1000;

/** Inserts messages; returns those actually inserted (a dedupe key seen before inserts nothing). */
export async function insertNotifications(db: Db, rows: NewNotification[]) {
	const inserted: { id: number; user_id: number; kind: string; title: string; body: string }[] = [];
	for (let i = 0; i < rows.length; i += BATCH) {
		const batch = rows.slice(i, i + BATCH);
		inserted.push(
			...(await db
				.insertInto('notifications')
				.values(batch)
				.onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
				.returning(['id', 'user_id', 'kind', 'title', 'body'])
				.execute())
		);
	}
	return inserted.map((r) => ({ ...r, id: Number(r.id) }));
}

export async function insertOutbound(db: Db, rows: NewOutbound[]): Promise<void> {
	for (let i = 0; i < rows.length; i += BATCH) {
		await db
			.insertInto('outbound_messages')
			.values(rows.slice(i, i + BATCH))
			.onConflict((oc) => oc.column('idempotency_key').doNothing())
			.execute();
	}
}

/** Mobile, e-mail and opt-outs of active accounts. */
export async function listContacts(db: Db, userIds: number[]) {
	if (!userIds.length) return { users: [], optOuts: [] };
	const ids = [...new Set(userIds)];
	const [users, optOuts] = await Promise.all([
		db.selectFrom('users').select(['id', 'mobile', 'email']).where('id', 'in', ids).where('disabled', '=', false).execute(),
		db.selectFrom('notification_opt_outs').select(['user_id', 'kind', 'channel']).where('user_id', 'in', ids).execute()
	]);
	return { users, optOuts };
}

/** Enrolments of the organisation's people created at `createdAt` (this transaction), with the learner's account. */
export async function listNewEnrolments(db: Db, orgId: number, createdAt: Date) {
	return db
		.selectFrom('enrolments as e')
		.innerJoin('persons as p', 'p.id', 'e.person_id')
		.innerJoin('users as u', 'u.person_id', 'p.id')
		.innerJoin('courses as c', 'c.id', 'e.course_id')
		.select(['e.id', 'e.due_on', 'e.plan_year', 'u.id as user_id', 'c.title as course_title'])
		.where('p.org_id', '=', orgId)
		.where('e.created_at', '=', createdAt)
		.where('e.status', '=', 'active')
		.execute();
}

/** Active, unfinished enrolments due between two dates (inclusive) or, with from = null, before `to`. */
export async function listEnrolmentsDue(db: Db, from: string | null, to: string) {
	let q = db
		.selectFrom('enrolments as e')
		.innerJoin('users as u', 'u.person_id', 'e.person_id')
		.innerJoin('courses as c', 'c.id', 'e.course_id')
		.select(['e.id', 'e.due_on', 'u.id as user_id', 'c.title as course_title'])
		.where('e.status', '=', 'active')
		.where('e.completed_at', 'is', null)
		.where('e.due_on', 'is not', null);
	q = from === null ? q.where('e.due_on', '<', to) : q.where('e.due_on', '>=', from).where('e.due_on', '<=', to);
	return q.execute();
}

export async function findSessionForCandidates(db: Db, sessionId: number, personIds: number[]) {
	if (!personIds.length) return null;
	const session = await db
		.selectFrom('exam_sessions as s')
		.innerJoin('organisations as o', 'o.id', 's.owner_org_id')
		.select(['s.id', 's.name', 's.mode', 's.exam_point', 's.opens_at', 's.closes_at', 's.require_webcam', 's.require_id_check', 's.access_code', 'o.name as org_name'])
		.where('s.id', '=', sessionId)
		.executeTakeFirst();
	if (!session) return null;
	const users = await db.selectFrom('users').select(['id', 'person_id']).where('person_id', 'in', personIds).execute();
	return { session, users };
}

export async function findGradedAttempt(db: Db, attemptId: number) {
	return db
		.selectFrom('exam_attempts as a')
		.innerJoin('users as u', 'u.person_id', 'a.person_id')
		.leftJoin('exam_sessions as s', 's.id', 'a.session_id')
		.select(['a.id', 'a.mode', 'a.passed', 'u.id as user_id', 's.name as session_name'])
		.where('a.id', '=', attemptId)
		.executeTakeFirst();
}

export async function findCertificateHolder(db: Db, certificateId: number) {
	return db
		.selectFrom('certificates as c')
		.innerJoin('users as u', 'u.person_id', 'c.person_id')
		.select(['c.id', 'c.number', 'c.type', 'c.valid_until', 'u.id as user_id'])
		.where('c.id', '=', certificateId)
		.executeTakeFirst();
}

/** Issued certificates whose validity ends between two dates (inclusive). */
export async function listCertificatesExpiring(db: Db, from: string, to: string) {
	return db
		.selectFrom('certificates as c')
		.innerJoin('users as u', 'u.person_id', 'c.person_id')
		.select(['c.id', 'c.number', 'c.type', 'c.valid_until', 'u.id as user_id'])
		.where('c.status', '=', 'issued')
		.where('c.valid_until', '>=', from)
		.where('c.valid_until', '<=', to)
		.execute();
}
