import type { Db } from '../db/index.ts';
import { appendAudit } from '../audit/audit.ts';
import type { ScopedActor } from '../audit/actor.ts';
import type { CentreForm, RoomForm } from '../../schemas/special-ops-scheduling.ts';
import { findCentre, findRegion, findRoom, highestPlaceInUse, insertCentre, insertRoom, listSpecialOperations, setRoomActive, setRoomCapacity, updateCentre } from './centres.repository.ts';

// Use cases of 考试点: an institution's centres and their computer rooms (seats) and practical
// rooms (stations for one 操作项目). Every change is audited.

export type Saved = { ok: true; id: number } | { ok: false; errors: Record<string, string> };

/** The caller's city (second segment of its region path): a centre's region must be inside it. */
export function cityPrefix(regionPath: string): string {
	const parts = regionPath.split('/').filter(Boolean);
	return `/${parts[0] ?? ''}/`;
}

async function checkRegion(db: Db, regionCode: string, actorRegionPath: string): Promise<string | null> {
	const region = await findRegion(db, regionCode);
	if (!region) return '所在区域不存在';
	if (!region.path.startsWith(cityPrefix(actorRegionPath))) return '考试点须设在本机构所在的省（市）内';
	return null;
}

export async function createCentre(db: Db, actor: ScopedActor & { regionPath: string }, input: CentreForm, now: Date): Promise<Saved> {
	const problem = await checkRegion(db, input.regionCode, actor.regionPath);
	if (problem) return { ok: false, errors: { regionCode: problem } };
	return db.transaction().execute(async (tx) => {
		const id = await insertCentre(tx, { institutionOrgId: actor.orgId, name: input.name, address: input.address, regionCode: input.regionCode, videoRecording: input.videoRecording, createdBy: actor.userId, now });
		await appendAudit(tx, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'special_ops.centre_create', target: `exam_centre:${id}`, detail: { ...input }, ip: actor.ip });
		return { ok: true as const, id };
	});
}

export async function editCentre(db: Db, actor: ScopedActor & { regionPath: string }, centreId: number, input: CentreForm & { active: boolean }, now: Date): Promise<Saved | null> {
	const centre = await findCentre(db, actor.orgId, centreId);
	if (!centre) return null;
	const problem = await checkRegion(db, input.regionCode, actor.regionPath);
	if (problem) return { ok: false, errors: { regionCode: problem } };
	return db.transaction().execute(async (tx) => {
		await updateCentre(tx, centreId, input);
		await appendAudit(tx, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'special_ops.centre_update', target: `exam_centre:${centreId}`, detail: { before: centre, after: input }, ip: actor.ip });
		return { ok: true as const, id: centreId };
	});
}

export async function addRoom(db: Db, actor: ScopedActor, centreId: number, input: RoomForm, now: Date): Promise<Saved | null> {
	const centre = await findCentre(db, actor.orgId, centreId);
	if (!centre) return null;
	if (!centre.active) return { ok: false, errors: { kind: '考试点已停用，不能添加考场' } };
	let code: string | null = null;
	if (input.kind === 'practical') {
		const items = await listSpecialOperations(db);
		if (!items.some((i) => i.code === input.specialOperationCode)) return { ok: false, errors: { specialOperationCode: '操作项目不存在' } };
		code = input.specialOperationCode;
	}
	return db.transaction().execute(async (tx) => {
		const id = await insertRoom(tx, { centreId, kind: input.kind, name: input.name, capacity: input.capacity, specialOperationCode: code });
		await appendAudit(tx, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'special_ops.room_create', target: `exam_centre_room:${id}`, detail: { centreId, kind: input.kind, name: input.name, capacity: input.capacity, specialOperationCode: code }, ip: actor.ip });
		return { ok: true as const, id };
	});
}

/** New seat/station count; it may not drop below a place already given to a candidate of a session not yet over. */
export async function changeRoomCapacity(db: Db, actor: ScopedActor, roomId: number, capacity: number, now: Date): Promise<{ ok: true } | { ok: false; message: string } | null> {
	return db.transaction().execute(async (tx) => {
		const room = await findRoom(tx, actor.orgId, roomId, true);
		if (!room) return null;
		const used = await highestPlaceInUse(tx, roomId, now);
		if (capacity < used) return { ok: false as const, message: `${room.name}已安排到第 ${used} 号${room.kind === 'computer' ? '座位' : '工位'}，座位/工位数不能少于 ${used}` };
		await setRoomCapacity(tx, roomId, capacity);
		await appendAudit(tx, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'special_ops.room_capacity', target: `exam_centre_room:${roomId}`, detail: { from: room.capacity, to: capacity }, ip: actor.ip });
		return { ok: true as const };
	});
}

export async function setRoomInUse(db: Db, actor: ScopedActor, roomId: number, active: boolean, now: Date): Promise<boolean> {
	return db.transaction().execute(async (tx) => {
		const room = await findRoom(tx, actor.orgId, roomId, true);
		if (!room) return false;
		await setRoomActive(tx, roomId, active);
		await appendAudit(tx, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: active ? 'special_ops.room_enable' : 'special_ops.room_disable', target: `exam_centre_room:${roomId}`, detail: { name: room.name }, ip: actor.ip });
		return true;
	});
}
