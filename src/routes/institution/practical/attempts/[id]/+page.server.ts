import { error } from '@sveltejs/kit';
import { formFailure } from '#lib/forms/failure.ts';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { maskIdNumber } from '#lib/domain/identifiers.ts';
import { correctionSchema } from '#lib/schemas/practical.ts';
import { getSheet, isPracticalExaminer, listCorrections, listEvidence, listSignoffs, listSteps } from '#lib/server/special-ops/practical.repository.ts';
import { combineSignoffs } from '#lib/server/special-ops/practical-scoring.ts';
import { correctResult, signOff } from '#lib/server/special-ops/practical-service.ts';
import { requireExaminedAttempt } from '../../practical-pages.server.ts';

const ROLE_LABELS = { first: '考评员一', second: '考评员二', third: '复评考评员' } as const;

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'examiner', 'institution_admin');
	const db = await getDb();
	const { attempt, session } = await requireExaminedAttempt(db, scope, params.id);
	const sheet = await getSheet(db, session.sheetCode, session.sheetVersion);
	if (!sheet) error(409, '本场考试的评分表不存在');
	const signoffs = await listSignoffs(db, attempt.id);
	const isExaminer = await isPracticalExaminer(db, session.id, scope.userId);
	const signed = signoffs.some((s) => s.examinerUserId === scope.userId);
	const outcome = combineSignoffs(sheet.definition, signoffs);
	return {
		userId: scope.userId,
		session: { id: session.id, name: session.name, item: session.item },
		attempt: {
			id: attempt.id,
			name: attempt.personName,
			maskedId: maskIdNumber(attempt.idNumber),
			station: attempt.stationNo,
			attemptNo: attempt.attemptNo,
			status: attempt.status,
			startedAt: attempt.startedAt,
			score: attempt.score,
			veto: attempt.veto,
			passed: attempt.passed
		},
		// the sheet's verification status is for the platform operator (/admin/rules), not examiners
		sheet: {
			title: sheet.title,
			passMark: sheet.definition.passMark,
			durationMinutes: sheet.definition.durationMinutes,
			subjects: sheet.definition.subjects.map((s) => ({
				code: s.code,
				title: s.title,
				points: s.points,
				items: s.items.map((i) => ({
					code: i.code,
					text: i.text,
					deductions: i.deductions.map((d) => ({ code: d.code, text: d.text, points: d.points })),
					veto: i.veto.map((v) => ({ code: v.code, text: v.text }))
				}))
			}))
		},
		mySteps: isExaminer ? (await listSteps(db, attempt.id, scope.userId)).map((s) => ({ seq: s.seq, code: s.itemCode, kind: s.kind, undoSeq: s.undoSeq })) : [],
		signoffs: signoffs.map((s) => ({ role: ROLE_LABELS[s.role], mine: s.examinerUserId === scope.userId, score: s.score, veto: s.veto, signedAt: s.signedAt })),
		outcomeMessage: outcome.state === 'final' ? null : outcome.message,
		canScore: isExaminer && !signed && (attempt.status === 'in_progress' || attempt.status === 'scored'),
		canCorrect: attempt.status === 'final',
		evidence: await listEvidence(db, attempt.id),
		corrections: await listCorrections(db, attempt.id)
	};
};

export const actions: Actions = {
	signoff: async ({ locals, params, getClientAddress }) => {
		const scope = requireRole(locals, 'examiner', 'institution_admin');
		const db = await getDb();
		const { attempt } = await requireExaminedAttempt(db, scope, params.id);
		const r = await signOff(db, actorOf(scope, { getClientAddress }), attempt.id, now());
		if (!r.ok) return formFailure(r.status, r.message, { action: 'signoff' });
		const o = r.outcome;
		return { action: 'signoff', done: o.state === 'final' ? `已签字，成绩确定：${o.score} 分，${o.passed ? '合格' : '不合格'}` : `已签字。${o.message}` };
	},
	correct: async ({ locals, params, request, getClientAddress }) => {
		const scope = requireRole(locals, 'examiner', 'institution_admin');
		const db = await getDb();
		const { attempt } = await requireExaminedAttempt(db, scope, params.id);
		const parsed = correctionSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return formFailure(400, parsed.error.issues[0]?.message ?? '填写有误', { action: 'correct' });
		const r = await correctResult(db, actorOf(scope, { getClientAddress }), attempt.id, parsed.data, now());
		if (!r.ok) return formFailure(r.status, r.message, { action: 'correct' });
		return { action: 'correct', done: '成绩已更正，理由已记录。' };
	}
};
