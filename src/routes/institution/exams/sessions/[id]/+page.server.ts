import { error } from '@sveltejs/kit';
import { formFailure } from '#lib/forms/failure.ts';
import type { Actions, PageServerLoad } from './$types';
import { z } from 'zod';
import { idSchema } from '#lib/schemas/params.ts';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import {
	addCandidatesByIdNumbers,
	cancelSession,
	defaultAttempts,
	findSessionCandidate,
	listInstitutionExaminers,
	prepareSessionPapersNow,
	removeCandidate,
	sessionOverview,
	setSessionExaminers
} from '#lib/server/exams/session-service.ts';
import { sessionConsole } from '#lib/server/proctoring/console.query.ts';
import { checkCandidateIdentity } from '#lib/server/proctoring/proctor-service.ts';
import { examinersSchema, rosterPasteSchema } from '#lib/schemas/exam-admin.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { requireVisibleSession } from '../../exam-pages.server.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner');
	const db = await getDb();
	const session = await requireVisibleSession(db, scope, params.id);
	const overview = await sessionOverview(db, session);
	const isAdmin = scope.role === 'institution_admin';
	return {
		isAdmin,
		session: {
			id: session.id,
			name: session.name,
			mode: session.mode,
			examPoint: session.exam_point,
			opensAt: session.opens_at.toISOString(),
			closesAt: session.closes_at.toISOString(),
			accessCode: isAdmin ? session.access_code : session.access_code ? '（已设置）' : null,
			paperMode: session.paper_mode,
			maxAttempts: session.max_attempts,
			requireFullscreen: session.require_fullscreen,
			requireWebcam: session.require_webcam,
			requireIdCheck: session.require_id_check,
			allowNewDevice: session.allow_new_device,
			reviewPolicy: session.review_policy,
			status: session.status,
			papersPreparedAt: session.papers_prepared_at?.toISOString() ?? null
		},
		rule: defaultAttempts(overview.blueprint.certificateType, overview.blueprint.examKind, session.opens_at).explanation,
		...overview,
		allExaminers: isAdmin ? await listInstitutionExaminers(db, scope.orgId) : [],
		console: await sessionConsole(db, session, now()),
		serverNow: now().toISOString()
	};
};

const candidateSchema = z.object({ candidateId: idSchema });
const cancelSchema = z.object({ reason: z.string().trim().min(1, '请填写取消原因').max(500, '取消原因最多500个字符') });

async function adminContext(locals: App.Locals, id: string) {
	const scope = requireRole(locals, 'institution_admin');
	const db = await getDb();
	const session = await requireVisibleSession(db, scope, id);
	return { scope, db, session };
}

export const actions: Actions = {
	addCandidates: async ({ locals, params, request, getClientAddress }) => {
		const { scope, db, session } = await adminContext(locals, params.id);
		const form = await request.formData();
		const parsed = rosterPasteSchema.safeParse({ idNumbers: form.get('idNumbers') });
		if (!parsed.success) return formFailure(400, parsed.error.issues.map((i) => i.message), { action: 'addCandidates', values: { idNumbers: String(form.get('idNumbers') ?? '') } });
		const result = await addCandidatesByIdNumbers(db, actorOf(scope, { getClientAddress }), session.id, parsed.data.idNumbers, now());
		if (!result.ok) return formFailure(400, result.errors, { action: 'addCandidates', values: { idNumbers: parsed.data.idNumbers } });
		return { rosterAdded: result.added, rosterSkipped: result.alreadyOnRoster };
	},
	removeCandidate: async ({ locals, params, request, getClientAddress }) => {
		const { scope, db, session } = await adminContext(locals, params.id);
		const parsed = candidateSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return formFailure(400, '考生不正确');
		const result = await removeCandidate(db, actorOf(scope, { getClientAddress }), session.id, parsed.data.candidateId, now());
		if (!result.ok) return formFailure(400, result.message);
		return { message: '已移出名单' };
	},
	examiners: async ({ locals, params, request, getClientAddress }) => {
		const { scope, db, session } = await adminContext(locals, params.id);
		const form = await request.formData();
		const parsed = examinersSchema.safeParse({ examinerIds: form.getAll('examinerIds') });
		if (!parsed.success) return formFailure(400, parsed.error.issues[0]?.message ?? '考评员不正确');
		const result = await setSessionExaminers(db, actorOf(scope, { getClientAddress }), session.id, parsed.data.examinerIds, now());
		if (!result.ok) return formFailure(400, result.message);
		return { message: '考评员已更新' };
	},
	prepare: async ({ locals, params, getClientAddress }) => {
		const { scope, db, session } = await adminContext(locals, params.id);
		const result = await prepareSessionPapersNow(db, actorOf(scope, { getClientAddress }), session.id, now());
		if (!result.ok) return formFailure(400, result.message);
		return { message: `已生成 ${result.prepared} 份试卷；共有 ${result.waiting} 位考生的试卷已就绪。` };
	},
	cancel: async ({ locals, params, request, getClientAddress }) => {
		const { scope, db, session } = await adminContext(locals, params.id);
		const parsed = cancelSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return formFailure(400, parsed.error.issues[0]?.message ?? '请填写取消原因');
		const result = await cancelSession(db, actorOf(scope, { getClientAddress }), session.id, parsed.data.reason, now());
		if (!result.ok) return formFailure(400, result.message);
		return { message: '场次已取消' };
	},
	idCheck: async ({ locals, params, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin', 'examiner');
		const db = await getDb();
		const session = await requireVisibleSession(db, scope, params.id);
		const parsed = candidateSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return formFailure(400, '考生不正确');
		const candidate = await findSessionCandidate(db, session.id, parsed.data.candidateId);
		if (!candidate) error(404, '考生不在本场次名单中');
		await checkCandidateIdentity(db, session.id, candidate.id, actorOf(scope, { getClientAddress }), now());
		return { message: '已记录身份核验' };
	}
};
