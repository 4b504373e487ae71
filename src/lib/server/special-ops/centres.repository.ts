import type { Db } from '../db/index.ts';
import type { Tx } from '../db/transaction.ts';

// SQL of 考试点 (exam_centres) and their rooms (exam_centre_rooms). Every read is filtered by the
// owning institution: another institution's centre is "not found".

export type CentreRow = { id: number; name: string; address: string; region_code: string; region_name: string; video_recording: boolean; active: boolean };
export type RoomRow = { id: number; centre_id: number; kind: 'computer' | 'practical'; name: string; capacity: number; special_operation_code: string | null; item: string | null; active: boolean };

export async function listCentres(db: Db, institutionOrgId: number) {
	const rows = await db
		.selectFrom('exam_centres as c')
		.innerJoin('regions as r', 'r.code', 'c.region_code')
		.select(['c.id', 'c.name', 'c.address', 'c.region_code', 'r.name as region_name', 'c.video_recording', 'c.active'])
		.select((eb) => [
			eb.selectFrom('exam_centre_rooms as x').select((e) => e.fn.countAll<number>().as('n')).whereRef('x.centre_id', '=', 'c.id').where('x.kind', '=', 'computer').where('x.active', '=', true).as('computer_rooms'),
			eb.selectFrom('exam_centre_rooms as x').select((e) => e.fn.countAll<number>().as('n')).whereRef('x.centre_id', '=', 'c.id').where('x.kind', '=', 'practical').where('x.active', '=', true).as('practical_rooms')
		])
		.where('c.institution_org_id', '=', institutionOrgId)
		.orderBy('c.active', 'desc')
		.orderBy('c.id')
		.execute();
	return rows.map((r) => ({ ...r, computer_rooms: Number(r.computer_rooms ?? 0), practical_rooms: Number(r.practical_rooms ?? 0) }));
}

export async function findCentre(db: Db, institutionOrgId: number, centreId: number): Promise<CentreRow | undefined> {
	return db
		.selectFrom('exam_centres as c')
		.innerJoin('regions as r', 'r.code', 'c.region_code')
		.select(['c.id', 'c.name', 'c.address', 'c.region_code', 'r.name as region_name', 'c.video_recording', 'c.active'])
		.where('c.id', '=', centreId)
		.where('c.institution_org_id', '=', institutionOrgId)
		.executeTakeFirst();
}

export async function listRooms(db: Db, centreId: number): Promise<RoomRow[]> {
	const rows = await db
		.selectFrom('exam_centre_rooms as x')
		.leftJoin('special_operations as o', 'o.code', 'x.special_operation_code')
		.select(['x.id', 'x.centre_id', 'x.kind', 'x.name', 'x.capacity', 'x.special_operation_code', 'o.item', 'x.active'])
		.where('x.centre_id', '=', centreId)
		.orderBy('x.kind')
		.orderBy('x.id')
		.execute();
	return rows;
}

/** Active rooms of the institution's active centres, with their centre (scheduling pickers). */
export async function listSchedulableRooms(db: Db, institutionOrgId: number, kind: 'computer' | 'practical') {
	return db
		.selectFrom('exam_centre_rooms as x')
		.innerJoin('exam_centres as c', 'c.id', 'x.centre_id')
		.leftJoin('special_operations as o', 'o.code', 'x.special_operation_code')
		.select(['x.id', 'x.name', 'x.capacity', 'x.special_operation_code', 'o.item', 'c.id as centre_id', 'c.name as centre_name', 'c.address'])
		.where('c.institution_org_id', '=', institutionOrgId)
		.where('c.active', '=', true)
		.where('x.active', '=', true)
		.where('x.kind', '=', kind)
		.orderBy('c.name')
		.orderBy('x.name')
		.execute();
}

export type RoomWithCentre = { id: number; kind: string; name: string; capacity: number; special_operation_code: string | null; active: boolean; centre_id: number; centre_name: string; address: string; centre_active: boolean };

/** Locks the room if it belongs to the institution, and returns it (scheduling and room changes serialise per room). */
export async function lockRoom(tx: Tx, institutionOrgId: number, roomId: number): Promise<RoomWithCentre | undefined> {
	return tx
		.selectFrom('exam_centre_rooms as x')
		.innerJoin('exam_centres as c', 'c.id', 'x.centre_id')
		.select(['x.id', 'x.kind', 'x.name', 'x.capacity', 'x.special_operation_code', 'x.active', 'c.id as centre_id', 'c.name as centre_name', 'c.address', 'c.active as centre_active'])
		.where('x.id', '=', roomId)
		.where('c.institution_org_id', '=', institutionOrgId)
		.forUpdate('x')
		.executeTakeFirst();
}

export async function insertCentre(db: Db, values: { institutionOrgId: number; name: string; address: string; regionCode: string; videoRecording: boolean; createdBy: number; now: Date }) {
	const row = await db
		.insertInto('exam_centres')
		.values({ institution_org_id: values.institutionOrgId, name: values.name, address: values.address, region_code: values.regionCode, video_recording: values.videoRecording, created_by: values.createdBy, created_at: values.now })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function updateCentre(db: Db, centreId: number, values: { name: string; address: string; regionCode: string; videoRecording: boolean; active: boolean }) {
	await db.updateTable('exam_centres').set({ name: values.name, address: values.address, region_code: values.regionCode, video_recording: values.videoRecording, active: values.active }).where('id', '=', centreId).execute();
}

export async function insertRoom(db: Db, values: { centreId: number; kind: 'computer' | 'practical'; name: string; capacity: number; specialOperationCode: string | null }) {
	const row = await db
		.insertInto('exam_centre_rooms')
		.values({ centre_id: values.centreId, kind: values.kind, name: values.name, capacity: values.capacity, special_operation_code: values.specialOperationCode })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function setRoomActive(db: Db, roomId: number, active: boolean) {
	await db.updateTable('exam_centre_rooms').set({ active }).where('id', '=', roomId).execute();
}

export async function setRoomCapacity(db: Db, roomId: number, capacity: number) {
	await db.updateTable('exam_centre_rooms').set({ capacity }).where('id', '=', roomId).execute();
}

/** The highest seat / station number used by a future or current session in the room (capacity may not drop below it). */
export async function highestPlaceInUse(db: Db, roomId: number, now: Date): Promise<number> {
	const seat = await db
		.selectFrom('exam_candidates as c')
		.innerJoin('exam_sessions as s', 's.id', 'c.session_id')
		.select((eb) => eb.fn.max('c.seat_no').as('n'))
		.where('s.room_id', '=', roomId)
		.where('s.status', '!=', 'cancelled')
		.where('s.closes_at', '>', now)
		.executeTakeFirst();
	const station = await db
		.selectFrom('practical_attempts as a')
		.innerJoin('practical_sessions as s', 's.id', 'a.session_id')
		.select((eb) => eb.fn.max('a.station_no').as('n'))
		.where('s.room_id', '=', roomId)
		.where('s.status', '!=', 'cancelled')
		.where('s.closes_at', '>', now)
		.executeTakeFirst();
	return Math.max(Number(seat?.n ?? 0), Number(station?.n ?? 0));
}

export async function findRegion(db: Db, code: string) {
	return db.selectFrom('regions').select(['code', 'name', 'path']).where('code', '=', code).executeTakeFirst();
}

export async function listSpecialOperations(db: Db) {
	return db.selectFrom('special_operations').select(['code', 'category', 'item']).orderBy('sort').execute();
}

/** Districts and towns inside the caller's top-level region (the centre's region picker). */
export async function listRegionsUnder(db: Db, pathPrefix: string) {
	return db.selectFrom('regions').select(['code', 'name', 'level', 'path']).where('path', 'like', `${pathPrefix}%`).where('level', 'in', ['district', 'town']).orderBy('path').execute();
}
