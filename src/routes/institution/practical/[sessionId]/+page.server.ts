import { error, redirect } from '@sveltejs/kit';
import { formFailure } from '#lib/forms/failure.ts';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { maskIdNumber } from '#lib/domain/identifiers.ts';
import { admissionCodeSchema, attemptRefSchema } from '#lib/schemas/practical.ts';
import { listSessionAttempts } from '#lib/server/special-ops/practical.repository.ts';
import { lookUpCandidate, requireExaminerSession, startAttempt } from '#lib/server/special-ops/practical-service.ts';

const STATUS = { scheduled: '待检录', in_progress: '考试中', scored: '待签字', final: '已出成绩', absent: '缺考' } as const;

async function context(locals: App.Locals, sessionIdText: string, getClientAddress: () => string) {
	const scope = requireRole(locals, 'examiner', 'institution_admin');
	const db = await getDb();
	const actor = actorOf(scope, { getClientAddress });
	const session = await requireExaminerSession(db, actor, requireIdParam(sessionIdText, '没有这个实操考试场次'));
	if (!session) error(404, '没有这个实操考试场次');
	return { db, actor, session };
}

export const load: PageServerLoad = async ({ locals, params, getClientAddress }) => {
	const { db, session } = await context(locals, params.sessionId, getClientAddress);
	const attempts = await listSessionAttempts(db, session.id);
	return {
		session: { id: session.id, name: session.name, item: session.item, centre: session.centre, room: session.room, opensAt: session.opensAt, closesAt: session.closesAt },
		candidates: attempts.map((a) => ({
			id: a.id,
			name: a.personName,
			maskedId: maskIdNumber(a.idNumber),
			station: a.stationNo,
			attemptNo: a.attemptNo,
			status: STATUS[a.status as keyof typeof STATUS] ?? a.status,
			score: a.score,
			passed: a.passed
		}))
	};
};

export const actions: Actions = {
	lookup: async ({ locals, params, request, getClientAddress }) => {
		const { db, actor, session } = await context(locals, params.sessionId, getClientAddress);
		const parsed = admissionCodeSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return formFailure(400, parsed.error.issues[0]?.message ?? '准考证号无效', { action: 'lookup' });
		const r = await lookUpCandidate(db, actor, session.id, parsed.data.code);
		if (!r.ok) return formFailure(r.status, r.message, { action: 'lookup', values: { code: parsed.data.code } });
		const a = r.attempt;
		return {
			action: 'lookup',
			candidate: { attemptId: a.id, name: a.personName, maskedId: maskIdNumber(a.idNumber), station: a.stationNo, attemptNo: a.attemptNo, hasPhoto: a.photoFileId !== null, status: STATUS[a.status as keyof typeof STATUS] ?? a.status, startable: a.status === 'scheduled' }
		};
	},
	start: async ({ locals, params, request, getClientAddress }) => {
		const { db, actor } = await context(locals, params.sessionId, getClientAddress);
		const parsed = attemptRefSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return formFailure(400, parsed.error.issues[0]?.message ?? '考生记录无效', { action: 'start' });
		const r = await startAttempt(db, actor, parsed.data.attempt_id, now());
		if (!r.ok) return formFailure(r.status, r.message, { action: 'start' });
		redirect(303, `/institution/practical/attempts/${parsed.data.attempt_id}`);
	}
};
