import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Scope } from '../auth/guards.ts';
import { appendAudit } from '../audit/audit.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { checkIdNumber, ID_NUMBER_MESSAGES, maskIdNumber } from '../../domain/identifiers.ts';
import { shanghaiDate } from '../../domain/dates.ts';
import { CERTIFICATE_TYPE_LABELS, EXAM_KIND_LABELS, findResitRule, type ResitRule } from '../question-engine/resit.ts';
import { isStatutoryCertificate, type SessionForm } from '../../schemas/exam-admin.ts';
import { prepareSessionPapers } from './paper-service.ts';
import { findSession, type SessionRow } from './session.repository.ts';
import { canProctorSession } from './proctor-service.ts';
import { notifyExamScheduled } from '../notifications/producers.ts';
import type { Actor } from './blueprint-service.ts';
import { theoryExaminerRefusal } from '../special-ops/separation-check.ts';

// Exam sessions (场次) of an institution: creation, roster, examiners, paper preparation, cancel.

export type ResitDefault = { maxAttempts: number | null; rule: ResitRule | null; explanation: string };

/** Attempts allowed by default: the 补考 rule in force on the day the session opens (China Standard Time). */
export function defaultAttempts(certificateType: string, examKind: string, opensAt: Date): ResitDefault {
	if (!isStatutoryCertificate(certificateType)) {
		return { maxAttempts: 2, rule: null, explanation: '非法定资格考试，没有全国统一的补考规则；默认允许补考1次（共2次），可按本机构规定修改。' };
	}
	const kind = examKind === 'practical' ? 'practical' : 'theory';
	const rule = findResitRule(certificateType, kind, shanghaiDate(opensAt));
	const exam = `${CERTIFICATE_TYPE_LABELS[certificateType]}${EXAM_KIND_LABELS[kind]}`;
	if (!rule) return { maxAttempts: 2, rule: null, explanation: `未找到适用于${exam}的补考规则；默认允许补考1次（共2次），请按考核机关要求设定。` };
	const times = rule.maxAttempts === null ? '不限次数' : `共 ${rule.maxAttempts} 次（含首次考试）`;
	const article = rule.basisArticle === '条款号未查到' ? '' : rule.basisArticle;
	return { maxAttempts: rule.maxAttempts, rule, explanation: `按${rule.basisDoc}${article}，${exam}${times}（开考日 ${shanghaiDate(opensAt)} 适用）。` };
}

export type SessionSaveResult = { ok: true; sessionId: number } | { ok: false; errors: Record<string, string> };

async function examinersOfOrg(db: Db, orgId: number) {
	return db
		.selectFrom('memberships as m')
		.innerJoin('users as u', 'u.id', 'm.user_id')
		.select(['u.id', 'u.display_name', 'u.mobile'])
		.where('m.org_id', '=', orgId)
		.where('m.role', '=', 'examiner')
		.where('u.disabled', '=', false)
		.orderBy('u.id')
		.execute();
}
export { examinersOfOrg as listInstitutionExaminers };

/** The institution's published courses (学时 eligibility). */
export async function listOwnPublishedCourses(db: Db, orgId: number) {
	return db.selectFrom('courses').select(['id', 'title', 'credit_hours']).where('owner_org_id', '=', orgId).where('status', '=', 'published').orderBy('title').execute();
}

async function enqueuePrepare(db: Db, sessionId: number, now: Date) {
	await enqueueJob(db, { kind: 'prepare-papers', dedupeKey: `session:${sessionId}`, payload: { sessionId }, runAfter: now, now });
}

export async function createSession(db: Db, actor: Actor, input: SessionForm, now: Date): Promise<SessionSaveResult> {
	const errors: Record<string, string> = {};
	const blueprint = await db.selectFrom('exam_blueprints').select(['id', 'certificate_type', 'exam_kind']).where('id', '=', input.blueprintId).where('owner_org_id', '=', actor.orgId).executeTakeFirst();
	if (!blueprint) errors.blueprintId = '组卷策略不存在';
	if (input.courseId) {
		const course = await db.selectFrom('courses').select('id').where('id', '=', input.courseId).where('owner_org_id', '=', actor.orgId).where('status', '=', 'published').executeTakeFirst();
		if (!course) errors.courseId = '课程不存在或未发布';
	}
	const allowed = new Set((await examinersOfOrg(db, actor.orgId)).map((e) => e.id));
	if (input.examinerIds.some((id) => !allowed.has(id))) errors.examinerIds = '所选考评员不是本机构的考评员';
	if (!blueprint || Object.keys(errors).length) return { ok: false, errors };

	const maxAttempts =
		input.maxAttempts === 'unlimited' ? null : input.maxAttempts === 'default' || input.maxAttempts === '' ? defaultAttempts(blueprint.certificate_type, blueprint.exam_kind, input.opensAt).maxAttempts : Number(input.maxAttempts);
	// joins the caller's transaction (特种作业 scheduling locks the room and sets room_id in the same one)
	const run = async (tx: Db) => {
		const row = await tx
			.insertInto('exam_sessions')
			.values({
				owner_org_id: actor.orgId,
				blueprint_id: blueprint.id,
				course_id: input.courseId ?? null,
				name: input.name,
				mode: input.mode,
				exam_point: input.mode === 'exam_point' ? input.examPoint : null,
				opens_at: input.opensAt,
				closes_at: input.closesAt,
				access_code: input.accessCode || null,
				paper_mode: input.paperMode,
				max_attempts: maxAttempts,
				require_fullscreen: input.requireFullscreen,
				require_webcam: input.requireWebcam,
				require_id_check: input.requireIdCheck,
				allow_new_device: input.allowNewDevice,
				review_policy: input.reviewPolicy,
				created_by: actor.userId,
				created_at: now
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const examinerIds = [...new Set(input.examinerIds)];
		if (examinerIds.length) await tx.insertInto('exam_session_examiners').values(examinerIds.map((user_id) => ({ session_id: row.id, user_id }))).execute();
		await enqueuePrepare(tx, row.id, now);
		await appendAudit(tx, {
			at: now,
			actorUserId: actor.userId,
			actorRole: actor.role,
			action: 'exam.session_create',
			target: `exam_session:${row.id}`,
			detail: { name: input.name, blueprintId: blueprint.id, opensAt: input.opensAt.toISOString(), closesAt: input.closesAt.toISOString(), maxAttempts, examinerIds },
			ip: actor.ip
		});
		return { ok: true as const, sessionId: row.id };
	};
	return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** The session if the caller may see it (admins of the institution, its assigned examiners); undefined = 404. */
export async function findVisibleSession(db: Db, scope: Pick<Scope, 'role' | 'orgId' | 'userId'>, sessionId: number): Promise<SessionRow | undefined> {
	if (!Number.isInteger(sessionId) || sessionId <= 0) return undefined;
	const session = await findSession(db, sessionId);
	if (!session || !(await canProctorSession(db, scope, session))) return undefined;
	return session;
}

/** Sessions list: admins see all of the institution's; examiners the sessions they are assigned to. */
export async function listSessions(db: Db, scope: Pick<Scope, 'role' | 'orgId' | 'userId'>) {
	let q = db
		.selectFrom('exam_sessions as s')
		.innerJoin('exam_blueprints as b', 'b.id', 's.blueprint_id')
		.select(['s.id', 's.name', 's.mode', 's.exam_point', 's.opens_at', 's.closes_at', 's.status', 's.papers_prepared_at', 'b.name as blueprint'])
		.select((eb) => [
			eb.selectFrom('exam_candidates as c').select((e) => e.fn.countAll<number>().as('n')).whereRef('c.session_id', '=', 's.id').as('candidates'),
			eb.selectFrom('exam_attempts as a').select((e) => e.fn.countAll<number>().as('n')).whereRef('a.session_id', '=', 's.id').where('a.status', '=', 'in_progress').as('in_progress'),
			eb.selectFrom('exam_attempts as a').select((e) => e.fn.countAll<number>().as('n')).whereRef('a.session_id', '=', 's.id').where('a.status', '=', 'finished').as('finished')
		])
		.where('s.owner_org_id', '=', scope.orgId);
	if (scope.role !== 'institution_admin') {
		q = q.where((eb) => eb.exists(eb.selectFrom('exam_session_examiners as x').select('x.user_id').whereRef('x.session_id', '=', 's.id').where('x.user_id', '=', scope.userId)));
	}
	const rows = await q.orderBy('s.opens_at', 'desc').orderBy('s.id', 'desc').execute();
	return rows.map((r) => ({ ...r, candidates: Number(r.candidates ?? 0), in_progress: Number(r.in_progress ?? 0), finished: Number(r.finished ?? 0) }));
}

export async function sessionOverview(db: Db, session: SessionRow) {
	const blueprint = await db.selectFrom('exam_blueprints').select(['id', 'name', 'certificate_type', 'exam_kind', 'definition']).where('id', '=', session.blueprint_id).executeTakeFirstOrThrow();
	const course = session.course_id ? await db.selectFrom('courses').select(['id', 'title', 'credit_hours']).where('id', '=', session.course_id).executeTakeFirst() : null;
	const examiners = await db
		.selectFrom('exam_session_examiners as x')
		.innerJoin('users as u', 'u.id', 'x.user_id')
		.select(['u.id', 'u.display_name'])
		.where('x.session_id', '=', session.id)
		.orderBy('u.id')
		.execute();
	const roster = await db
		.selectFrom('exam_candidates as c')
		.innerJoin('persons as p', 'p.id', 'c.person_id')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.select(['c.id', 'c.person_id', 'c.id_checked_at', 'p.name', 'p.id_number', 'o.name as org'])
		.select((eb) => eb.selectFrom('exam_attempts as a').select((e) => e.fn.countAll<number>().as('n')).whereRef('a.candidate_id', '=', 'c.id').where('a.status', '!=', 'ready').as('attempts'))
		.select((eb) => eb.selectFrom('exam_attempts as a').select((e) => e.fn.countAll<number>().as('n')).whereRef('a.candidate_id', '=', 'c.id').where('a.status', '=', 'ready').as('ready'))
		.where('c.session_id', '=', session.id)
		.orderBy('c.id')
		.execute();
	return {
		blueprint: { id: blueprint.id, name: blueprint.name, certificateType: blueprint.certificate_type, examKind: blueprint.exam_kind, durationMinutes: (blueprint.definition as { durationMinutes: number }).durationMinutes },
		course,
		examiners,
		roster: roster.map((r) => ({ id: r.id, personId: r.person_id, name: r.name, idNumber: maskIdNumber(r.id_number), org: r.org, idCheckedAt: r.id_checked_at, attempts: Number(r.attempts ?? 0), ready: Number(r.ready ?? 0) > 0 }))
	};
}

export type RosterResult = { ok: true; added: number; alreadyOnRoster: number } | { ok: false; errors: string[] };

/**
 * Adds candidates by 身份证号, one per line. All or nothing: any invalid or unknown number
 * refuses the whole paste, every problem with its line number. Numbers already on the roster are skipped.
 */
export async function addCandidatesByIdNumbers(db: Db, actor: Actor, sessionId: number, text: string, now: Date): Promise<RosterResult> {
	const session = await findSession(db, sessionId);
	if (!session || session.owner_org_id !== actor.orgId) return { ok: false, errors: ['场次不存在'] };
	if (session.status === 'cancelled') return { ok: false, errors: ['场次已取消，不能添加考生'] };
	const errors: string[] = [];
	const wanted: { line: number; idNumber: string }[] = [];
	text.split(/\r?\n/).forEach((raw, i) => {
		const idNumber = raw.trim().replace(/\s+/g, '').toUpperCase();
		if (!idNumber) return;
		const problem = checkIdNumber(idNumber);
		if (problem) errors.push(`第 ${i + 1} 行：${ID_NUMBER_MESSAGES[problem]}（${raw.trim().slice(0, 30)}）`);
		else wanted.push({ line: i + 1, idNumber });
	});
	if (!wanted.length && !errors.length) return { ok: false, errors: ['请粘贴身份证号，每行一个'] };
	const numbers = [...new Set(wanted.map((w) => w.idNumber))];
	const persons = numbers.length ? await db.selectFrom('persons').select(['id', 'id_number', 'active']).where('id_number', 'in', numbers).execute() : [];
	const byNumber = new Map(persons.map((p) => [p.id_number, p]));
	for (const w of wanted) {
		const p = byNumber.get(w.idNumber);
		if (!p) errors.push(`第 ${w.line} 行：平台上没有身份证号为 ${maskIdNumber(w.idNumber)} 的人员，请先由其所在单位登记`);
		else if (!p.active) errors.push(`第 ${w.line} 行：身份证号为 ${maskIdNumber(w.idNumber)} 的人员已停用`);
	}
	if (errors.length) return { ok: false, errors };
	const personIds = [...new Set(persons.map((p) => p.id))];
	return db.transaction().execute(async (tx) => {
		const inserted = await tx
			.insertInto('exam_candidates')
			.values(personIds.map((person_id) => ({ session_id: sessionId, person_id, added_by: actor.userId, added_at: now })))
			.onConflict((oc) => oc.columns(['session_id', 'person_id']).doNothing())
			.returning('person_id')
			.execute();
		if (inserted.length) await enqueuePrepare(tx, sessionId, now);
		await notifyExamScheduled(tx, sessionId, inserted.map((r) => r.person_id), now);
		await appendAudit(tx, {
			at: now,
			actorUserId: actor.userId,
			actorRole: actor.role,
			action: 'exam.roster_add',
			target: `exam_session:${sessionId}`,
			detail: { added: inserted.map((r) => r.person_id), skipped: personIds.length - inserted.length },
			ip: actor.ip
		});
		return { ok: true as const, added: inserted.length, alreadyOnRoster: personIds.length - inserted.length };
	});
}

/** Removes a candidate who has not started: the waiting paper (if any) goes too. */
export async function removeCandidate(db: Db, actor: Actor, sessionId: number, candidateId: number, now: Date): Promise<{ ok: true } | { ok: false; message: string }> {
	return db.transaction().execute(async (tx) => {
		await sql`select id from exam_sessions where id = ${sessionId} for update`.execute(tx);
		const candidate = await tx
			.selectFrom('exam_candidates as c')
			.innerJoin('exam_sessions as s', 's.id', 'c.session_id')
			.select(['c.id', 'c.person_id'])
			.where('c.id', '=', candidateId)
			.where('c.session_id', '=', sessionId)
			.where('s.owner_org_id', '=', actor.orgId)
			.executeTakeFirst();
		if (!candidate) return { ok: false as const, message: '考生不在本场次名单中' };
		const attempts = await tx.selectFrom('exam_attempts').select(['id', 'status', 'paper_id']).where('candidate_id', '=', candidateId).forUpdate().execute();
		if (attempts.some((a) => a.status !== 'ready')) return { ok: false as const, message: '该考生已开始考试，不能移出名单' };
		const session = await findSession(tx, sessionId);
		for (const a of attempts) {
			await tx.deleteFrom('exam_attempts').where('id', '=', a.id).execute();
			// A per-candidate paper belongs to this candidate only; the fixed paper is shared.
			if (session?.paper_mode === 'per_candidate') await tx.deleteFrom('exam_papers').where('id', '=', a.paper_id).where((eb) => eb.not(eb.exists(eb.selectFrom('exam_attempts').select('id').where('paper_id', '=', a.paper_id)))).execute();
		}
		await tx.deleteFrom('exam_candidates').where('id', '=', candidateId).execute();
		await appendAudit(tx, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'exam.roster_remove', target: `exam_session:${sessionId}`, detail: { personId: candidate.person_id }, ip: actor.ip });
		return { ok: true as const };
	});
}

export async function setSessionExaminers(db: Db, actor: Actor, sessionId: number, examinerIds: readonly number[], now: Date): Promise<{ ok: true } | { ok: false; message: string }> {
	const session = await findSession(db, sessionId);
	if (!session || session.owner_org_id !== actor.orgId) return { ok: false, message: '场次不存在' };
	const allowed = new Set((await examinersOfOrg(db, actor.orgId)).map((e) => e.id));
	const ids = [...new Set(examinerIds)];
	if (ids.some((id) => !allowed.has(id))) return { ok: false, message: '所选人员不是本机构的考评员' };
	const taught = await theoryExaminerRefusal(db, sessionId, ids);
	if (taught) return { ok: false, message: taught };
	await db.transaction().execute(async (tx) => {
		await tx.deleteFrom('exam_session_examiners').where('session_id', '=', sessionId).execute();
		if (ids.length) await tx.insertInto('exam_session_examiners').values(ids.map((user_id) => ({ session_id: sessionId, user_id }))).execute();
		await appendAudit(tx, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'exam.examiners_set', target: `exam_session:${sessionId}`, detail: { examinerIds: ids }, ip: actor.ip });
	});
	return { ok: true };
}

/** Prepares papers now (the button); the queued job does the same later and finds nothing to do. */
export async function prepareSessionPapersNow(db: Db, actor: Actor, sessionId: number, now: Date): Promise<{ ok: true; prepared: number; waiting: number } | { ok: false; message: string }> {
	const session = await findSession(db, sessionId);
	if (!session || session.owner_org_id !== actor.orgId) return { ok: false, message: '场次不存在' };
	if (session.status === 'cancelled') return { ok: false, message: '场次已取消' };
	const prepared = await prepareSessionPapers(db, sessionId, now);
	const waiting = await db.selectFrom('exam_attempts').select((eb) => eb.fn.countAll<number>().as('n')).where('session_id', '=', sessionId).where('status', '=', 'ready').executeTakeFirstOrThrow();
	await appendAudit(db, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'exam.papers_prepare', target: `exam_session:${sessionId}`, detail: { prepared }, ip: actor.ip });
	return { ok: true, prepared, waiting: Number(waiting.n) };
}

export async function cancelSession(db: Db, actor: Actor, sessionId: number, reason: string, now: Date): Promise<{ ok: true } | { ok: false; message: string }> {
	return db.transaction().execute(async (tx) => {
		const r = await tx.updateTable('exam_sessions').set({ status: 'cancelled' }).where('id', '=', sessionId).where('owner_org_id', '=', actor.orgId).where('status', '=', 'scheduled').executeTakeFirst();
		if (Number(r.numUpdatedRows) !== 1) return { ok: false as const, message: '场次不存在或已取消' };
		// Papers waiting for candidates are no longer needed; started attempts stay as they are.
		const started = await tx.selectFrom('exam_attempts').select((eb) => eb.fn.countAll<number>().as('n')).where('session_id', '=', sessionId).where('status', '=', 'in_progress').executeTakeFirstOrThrow();
		await appendAudit(tx, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'exam.session_cancel', target: `exam_session:${sessionId}`, detail: { reason, inProgress: Number(started.n) }, ip: actor.ip });
		return { ok: true as const };
	});
}

/** 考试点 identity check, for a candidate of this session only. */
export async function findSessionCandidate(db: Db, sessionId: number, candidateId: number) {
	return db.selectFrom('exam_candidates').select(['id', 'person_id']).where('id', '=', candidateId).where('session_id', '=', sessionId).executeTakeFirst();
}
