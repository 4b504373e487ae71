import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import type { CentreForm, RoomForm } from '../../schemas/special-ops-scheduling.ts';
import { findCentre, findRegion, highestPlaceInUse, insertCentre, insertRoom, listSpecialOperations, lockRoom, setRoomActive, setRoomCapacity, updateCentre } from './centres.repository.ts';

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
	return withTransaction(db, async (tx) => {
		const id = await insertCentre(tx, { institutionOrgId: actor.orgId, name: input.name, address: input.address, regionCode: input.regionCode, videoRecording: input.videoRecording, createdBy: actor.userId, now });
		await audit(tx, actor, now, 'special_ops.centre_create', `exam_centre:${id}`, { ...input });
		return { ok: true as const, id };
	});
}

export async function editCentre(db: Db, actor: ScopedActor & { regionPath: string }, centreId: number, input: CentreForm & { active: boolean }, now: Date): Promise<Saved | null> {
	const centre = await findCentre(db, actor.orgId, centreId);
	if (!centre) return null;
	const problem = await checkRegion(db, input.regionCode, actor.regionPath);
	if (problem) return { ok: false, errors: { regionCode: problem } };
	return withTransaction(db, async (tx) => {
		await updateCentre(tx, centreId, input);
		await audit(tx, actor, now, 'special_ops.centre_update', `exam_centre:${centreId}`, { before: centre, after: input });
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
	return withTransaction(db, async (tx) => {
		const id = await insertRoom(tx, { centreId, kind: input.kind, name: input.name, capacity: input.capacity, specialOperationCode: code });
		await audit(tx, actor, now, 'special_ops.room_create', `exam_centre_room:${id}`, { centreId, kind: input.kind, name: input.name, capacity: input.capacity, specialOperationCode: code });
		return { ok: true as const, id };
	});
}

/** New seat/station count; it may not drop below a place already given to a candidate of a session not yet over. */
export async function changeRoomCapacity(db: Db, actor: ScopedActor, roomId: number, capacity: number, now: Date): Promise<{ ok: true } | { ok: false; message: string } | null> {
	return withTransaction(db, async (tx) => {
		const room = await lockRoom(tx, actor.orgId, roomId);
		if (!room) return null;
		const used = await highestPlaceInUse(tx, roomId, now);
		if (capacity < used) return { ok: false as const, message: `${room.name}已安排到第 ${used} 号${room.kind === 'computer' ? '座位' : '工位'}，座位/工位数不能少于 ${used}` };
		await setRoomCapacity(tx, roomId, capacity);
		await audit(tx, actor, now, 'special_ops.room_capacity', `exam_centre_room:${roomId}`, { from: room.capacity, to: capacity });
		return { ok: true as const };
	});
}

export async function setRoomInUse(db: Db, actor: ScopedActor, roomId: number, active: boolean, now: Date): Promise<boolean> {
	return withTransaction(db, async (tx) => {
		const room = await lockRoom(tx, actor.orgId, roomId);
		if (!room) return false;
		await setRoomActive(tx, roomId, active);
		await audit(tx, actor, now, active ? 'special_ops.room_enable' : 'special_ops.room_disable', `exam_centre_room:${roomId}`, { name: room.name });
		return true;
	});
}
