import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { notifyExamScheduled } from '../notifications/producers.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import { createSession, listInstitutionExaminers } from '../exams/session-service.ts';
import type { PracticalSessionForm, TheorySessionForm } from '../../schemas/special-ops-scheduling.ts';
import { allocateNumbers } from './scheduling.ts';
import { separationRefusal } from './separation-check.ts';
import { checkAge } from './eligibility.ts';
import { shanghaiDate } from '../../domain/dates.ts';
import { lockRoom, type RoomWithCentre } from './centres.repository.ts';
import {
	applicationIdsOfPracticalSession,
	findApplications,
	findRoomBookings,
	findSheet,
	insertPracticalAttempts,
	insertPracticalSession,
	insertTheoryCandidates,
	lockPracticalSession,
	lockTheorySessionAtRoom,
	personsOnTheoryRoster,
	practicalExaminers,
	practicalHistory,
	replacePracticalExaminers,
	setExamSessionRoom,
	takenSeats,
	takenStations,
	theoryExaminerIds,
	type Booking
} from './scheduling.repository.ts';

// Use cases of 特种作业 scheduling at 考试点 rooms. Each opens one transaction and locks the room
// (creating a session) or the session (assigning candidates) first, so two admins scheduling at once
// cannot double-book a room, a seat or a station.

export type ScheduleResult = { ok: true; sessionId: number } | { ok: false; errors: Record<string, string> };
export type AssignResult = { ok: true; assigned: number } | { ok: false; errors: string[] };

const fmt = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

function bookingMessage(room: RoomWithCentre, bookings: Booking[]): string {
	const b = bookings[0]!;
	return `${room.centre_name}${room.name}在该时段已安排了“${b.name}”（${fmt(b.opens_at)} 至 ${fmt(b.closes_at)}），同一考场的场次时间不能重叠`;
}

async function checkExaminers(db: Db, orgId: number, examinerIds: readonly number[]): Promise<string | null> {
	const allowed = new Set((await listInstitutionExaminers(db, orgId)).map((e) => e.id));
	return examinerIds.some((id) => !allowed.has(id)) ? '所选人员不是本机构的考评员' : null;
}

/** A theory session (existing exam session) in a computer room: the exam engine's creation plus room_id. */
export async function scheduleTheorySession(db: Db, actor: ScopedActor, input: TheorySessionForm, now: Date): Promise<ScheduleResult> {
	return withTransaction(db, async (tx): Promise<ScheduleResult> => {
		const room = await lockRoom(tx, actor.orgId, input.roomId);
		if (!room || room.kind !== 'computer') return { ok: false as const, errors: { roomId: '机考室不存在' } };
		if (!room.active || !room.centre_active) return { ok: false as const, errors: { roomId: `${room.centre_name}${room.name}已停用` } };
		const bookings = await findRoomBookings(tx, room.id, input.opensAt, input.closesAt);
		if (bookings.length) return { ok: false as const, errors: { opensAt: bookingMessage(room, bookings) } };
		const examPoint = `${room.centre_name} ${room.name}（${room.address}）`.slice(0, 100);
		const created = await createSession(
			tx,
			actor,
			{
				name: input.name,
				blueprintId: input.blueprintId,
				courseId: undefined,
				mode: 'exam_point',
				examPoint,
				opensAt: input.opensAt,
				closesAt: input.closesAt,
				accessCode: '',
				paperMode: 'per_candidate',
				maxAttempts: 'default',
				requireFullscreen: true,
				requireWebcam: false,
				requireIdCheck: true,
				allowNewDevice: true,
				reviewPolicy: 'score_only',
				examinerIds: input.examinerIds
			},
			now
		);
		if (!created.ok) return created;
		await setExamSessionRoom(tx, created.sessionId, room.id);
		await audit(tx, actor, now, 'special_ops.theory_schedule', `exam_session:${created.sessionId}`, { roomId: room.id, centreId: room.centre_id });
		return created;
	});
}

/** A practical session in a practical room, for the room's 操作项目, on one scoring sheet. */
export async function schedulePracticalSession(db: Db, actor: ScopedActor, input: PracticalSessionForm, now: Date): Promise<ScheduleResult> {
	const [sheetCode, versionText] = input.sheet.split('@') as [string, string];
	const examinerIds = [...new Set(input.examinerIds)];
	const bad = await checkExaminers(db, actor.orgId, examinerIds);
	if (bad) return { ok: false, errors: { examinerIds: bad } };
	return withTransaction(db, async (tx): Promise<ScheduleResult> => {
		const room = await lockRoom(tx, actor.orgId, input.roomId);
		if (!room || room.kind !== 'practical' || !room.special_operation_code) return { ok: false as const, errors: { roomId: '实操室不存在' } };
		if (!room.active || !room.centre_active) return { ok: false as const, errors: { roomId: `${room.centre_name}${room.name}已停用` } };
		const sheet = await findSheet(tx, sheetCode, Number(versionText));
		if (!sheet) return { ok: false as const, errors: { sheet: '评分表不存在' } };
		if (sheet.special_operation_code !== room.special_operation_code) return { ok: false as const, errors: { sheet: `评分表“${sheet.title}”不适用于该实操室的操作项目` } };
		const bookings = await findRoomBookings(tx, room.id, input.opensAt, input.closesAt);
		if (bookings.length) return { ok: false as const, errors: { opensAt: bookingMessage(room, bookings) } };
		const id = await insertPracticalSession(tx, {
			institutionOrgId: actor.orgId,
			roomId: room.id,
			code: room.special_operation_code,
			sheetCode: sheet.code,
			sheetVersion: sheet.version,
			name: input.name,
			opensAt: input.opensAt,
			closesAt: input.closesAt,
			createdBy: actor.userId,
			now
		});
		await replacePracticalExaminers(tx, id, examinerIds);
		await audit(tx, actor, now, 'special_ops.practical_schedule', `practical_session:${id}`, {
			name: input.name,
			roomId: room.id,
			sheet: `${sheet.code}@${sheet.version}`,
			opensAt: input.opensAt.toISOString(),
			closesAt: input.closesAt.toISOString(),
			examinerIds
		});
		return { ok: true as const, sessionId: id };
	});
}

/** Accepted applications of the institution among `ids`; the errors name each refused application. */
async function acceptedApplications(db: Db, orgId: number, ids: readonly number[]) {
	const unique = [...new Set(ids)];
	const apps = await findApplications(db, orgId, unique);
	const errors: string[] = [];
	const found = new Set(apps.map((a) => a.id));
	for (const id of unique) if (!found.has(id)) errors.push(`报名 ${id}：不存在或不属于本机构`);
	for (const a of apps) if (a.status !== 'accepted') errors.push(`${a.person_name}（报名 ${a.id}）：报名尚未受理，不能安排考试`);
	return { apps, errors };
}

/** The age condition (18 to retirement age) judged again on the exam date; one message per refusal. */
function ageRefusals(apps: readonly { id: number; person_name: string; id_number: string }[], examAt: Date): string[] {
	const on = shanghaiDate(examAt);
	return apps.flatMap((a) => checkAge(a.id_number, on).filter((f) => !f.ok).map((f) => `${a.person_name}（报名 ${a.id}）：考试日期 ${f.message}（依据：${f.cite}）`));
}

/** Seats accepted applications on a theory session (lowest free seats); all or nothing. */
export async function assignToTheory(db: Db, actor: ScopedActor, sessionId: number, applicationIds: readonly number[], now: Date): Promise<AssignResult | null> {
	return withTransaction(db, async (tx) => {
		const session = await lockTheorySessionAtRoom(tx, actor.orgId, sessionId);
		if (!session) return null;
		if (session.status === 'cancelled') return { ok: false as const, errors: ['场次已取消，不能安排考生'] };
		const { apps, errors } = await acceptedApplications(tx, actor.orgId, applicationIds);
		const seen = new Set<number>();
		for (const a of apps) {
			if (seen.has(a.person_id)) errors.push(`${a.person_name}（报名 ${a.id}）：同一人在本次安排中出现了两次`);
			seen.add(a.person_id);
		}
		const already = new Set(await personsOnTheoryRoster(tx, sessionId, apps.map((a) => a.person_id)));
		for (const a of apps) if (already.has(a.person_id)) errors.push(`${a.person_name}（报名 ${a.id}）：已在本场次考生名单中`);
		errors.push(...ageRefusals(apps, session.opens_at));
		if (errors.length) return { ok: false as const, errors };
		const seats = allocateNumbers(await takenSeats(tx, sessionId), session.capacity, apps.length);
		if (!seats) {
			const free = session.capacity - (await takenSeats(tx, sessionId)).length;
			return { ok: false as const, errors: [`${session.centre_name}${session.room_name}共 ${session.capacity} 个座位，尚余 ${Math.max(free, 0)} 个，不能再安排 ${apps.length} 人`] };
		}
		const refusal = await separationRefusal(tx, await theoryExaminerIds(tx, sessionId), apps.map((a) => a.id));
		if (refusal) return { ok: false as const, errors: [refusal] };
		const rows = apps.map((a, i) => ({ personId: a.person_id, applicationId: a.id, seatNo: seats[i]! }));
		await insertTheoryCandidates(tx, sessionId, rows, actor.userId, now);
		await enqueueJob(tx, { kind: 'prepare-papers', dedupeKey: `session:${sessionId}`, payload: { sessionId }, runAfter: now, now });
		await notifyExamScheduled(tx, sessionId, rows.map((r) => r.personId), now);
		await audit(tx, actor, now, 'special_ops.theory_assign', `exam_session:${sessionId}`, { seats: rows });
		return { ok: true as const, assigned: rows.length };
	});
}

/** Puts accepted applications on a practical session (lowest free stations, next attempt_no); all or nothing. */
export async function assignToPractical(db: Db, actor: ScopedActor, sessionId: number, applicationIds: readonly number[], now: Date): Promise<AssignResult | null> {
	return withTransaction(db, async (tx) => {
		const session = await lockPracticalSession(tx, actor.orgId, sessionId);
		if (!session) return null;
		if (session.status === 'cancelled') return { ok: false as const, errors: ['场次已取消，不能安排考生'] };
		const { apps, errors } = await acceptedApplications(tx, actor.orgId, applicationIds);
		for (const a of apps) if (a.special_operation_code !== session.special_operation_code) errors.push(`${a.person_name}（报名 ${a.id}）：报考的是${a.item}，本场次考核${session.item}`);
		const history = await practicalHistory(tx, apps.map((a) => a.id));
		for (const a of apps) if (history.get(a.id)?.open) errors.push(`${a.person_name}（报名 ${a.id}）：已安排了尚未结束的实操考试`);
		errors.push(...ageRefusals(apps, session.opens_at));
		if (errors.length) return { ok: false as const, errors };
		const taken = await takenStations(tx, sessionId);
		const stations = allocateNumbers(taken, session.capacity, apps.length);
		if (!stations) return { ok: false as const, errors: [`${session.centre_name}${session.room_name}共 ${session.capacity} 个工位，尚余 ${Math.max(session.capacity - taken.length, 0)} 个，不能再安排 ${apps.length} 人`] };
		const examiners = await practicalExaminers(tx, sessionId);
		const refusal = await separationRefusal(tx, examiners.map((e) => e.id), apps.map((a) => a.id));
		if (refusal) return { ok: false as const, errors: [refusal] };
		const rows = apps.map((a, i) => ({ applicationId: a.id, personId: a.person_id, stationNo: stations[i]!, attemptNo: (history.get(a.id)?.count ?? 0) + 1 }));
		await insertPracticalAttempts(tx, sessionId, rows, now);
		await audit(tx, actor, now, 'special_ops.practical_assign', `practical_session:${sessionId}`, { stations: rows });
		return { ok: true as const, assigned: rows.length };
	});
}

/** Replaces a practical session's examiners; refused (教考分离) when one taught an assigned candidate's cohort. */
export async function setPracticalExaminers(db: Db, actor: ScopedActor, sessionId: number, examinerIds: readonly number[], now: Date): Promise<{ ok: true } | { ok: false; message: string } | null> {
	const ids = [...new Set(examinerIds)];
	const bad = await checkExaminers(db, actor.orgId, ids);
	return withTransaction(db, async (tx) => {
		const session = await lockPracticalSession(tx, actor.orgId, sessionId);
		if (!session) return null;
		if (bad) return { ok: false as const, message: bad };
		const refusal = await separationRefusal(tx, ids, await applicationIdsOfPracticalSession(tx, sessionId));
		if (refusal) return { ok: false as const, message: refusal };
		await replacePracticalExaminers(tx, sessionId, ids);
		await audit(tx, actor, now, 'special_ops.practical_examiners', `practical_session:${sessionId}`, { examinerIds: ids });
		return { ok: true as const };
	});
}

