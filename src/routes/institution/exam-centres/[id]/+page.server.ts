import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { z } from 'zod';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { findCentre, listRegionsUnder, listRooms, listSpecialOperations } from '#lib/server/special-ops/centres.repository.ts';
import { addRoom, changeRoomCapacity, cityPrefix, editCentre, setRoomInUse } from '#lib/server/special-ops/centre-service.ts';
import { centreSchema, formObject, roomSchema } from '#lib/schemas/special-ops-scheduling.ts';
import { idField, requireIdParam } from '#lib/schemas/params.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

const capacitySchema = z.object({
	roomId: idField('考场不存在'),
	capacity: z.preprocess((v) => (v === '' ? undefined : Number(v)), z.number({ error: '请填写座位/工位数' }).int('座位/工位数必须是整数').min(1, '座位/工位数至少为1').max(500, '座位/工位数最多500'))
});
const toggleSchema = z.object({ roomId: idField('考场不存在'), active: z.enum(['true', 'false']) });

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin');
	const db = await getDb();
	const centre = await findCentre(db, scope.orgId, requireIdParam(params.id, '没有这个考试点'));
	if (!centre) error(404, '没有这个考试点');
	return {
		centre,
		rooms: await listRooms(db, centre.id),
		items: await listSpecialOperations(db),
		regions: await listRegionsUnder(db, cityPrefix(scope.regionPath))
	};
};

export const actions: Actions = {
	save: async ({ locals, params, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		const id = requireIdParam(params.id, '没有这个考试点');
		const form = await request.formData();
		const raw = formObject(form);
		const parsed = centreSchema.safeParse(raw);
		if (!parsed.success) return zodFailure(parsed.error, { action: 'save', values: raw });
		const result = await editCentre(await getDb(), { ...actorOf(scope, { getClientAddress }), regionPath: scope.regionPath }, id, { ...parsed.data, active: form.get('active') === 'on' }, now());
		if (!result) error(404, '没有这个考试点');
		if (!result.ok) return formFailure(400, result.errors, { action: 'save', values: raw });
		return { action: 'save', saved: '已保存' };
	},
	addRoom: async ({ locals, params, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		const id = requireIdParam(params.id, '没有这个考试点');
		const raw = formObject(await request.formData());
		const parsed = roomSchema.safeParse(raw);
		if (!parsed.success) return zodFailure(parsed.error, { action: 'addRoom', values: raw });
		const result = await addRoom(await getDb(), actorOf(scope, { getClientAddress }), id, parsed.data, now());
		if (!result) error(404, '没有这个考试点');
		if (!result.ok) return formFailure(400, result.errors, { action: 'addRoom', values: raw });
		return { action: 'addRoom', saved: `已添加考场“${parsed.data.name}”` };
	},
	capacity: async ({ locals, params, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		requireIdParam(params.id, '没有这个考试点');
		const parsed = capacitySchema.safeParse(formObject(await request.formData()));
		if (!parsed.success) return zodFailure(parsed.error, { action: 'capacity' });
		const result = await changeRoomCapacity(await getDb(), actorOf(scope, { getClientAddress }), parsed.data.roomId, parsed.data.capacity, now());
		if (!result) error(404, '没有这个考场');
		if (!result.ok) return formFailure(400, { capacity: result.message }, { action: 'capacity' });
		return { action: 'capacity', saved: '座位/工位数已修改' };
	},
	toggleRoom: async ({ locals, params, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		requireIdParam(params.id, '没有这个考试点');
		const parsed = toggleSchema.safeParse(formObject(await request.formData()));
		if (!parsed.success) return zodFailure(parsed.error, { action: 'toggleRoom' });
		if (!(await setRoomInUse(await getDb(), actorOf(scope, { getClientAddress }), parsed.data.roomId, parsed.data.active === 'true', now()))) error(404, '没有这个考场');
		return { action: 'toggleRoom', saved: parsed.data.active === 'true' ? '考场已启用' : '考场已停用' };
	}
};
