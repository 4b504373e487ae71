import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { idSchema } from '#lib/schemas/params.ts';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';
import { CertificateError } from '#lib/server/certificates/issue-service.ts';
import { recordPostAbsence } from '#lib/server/special-ops/so-certificate-service.ts';
import { listNeedingPracticalRetest } from '#lib/server/special-ops/return-to-post.query.ts';
import { listSpecialWorkers } from '#lib/server/special-ops/so-certificates.repository.ts';
import { RETURN_TO_POST_BASIS } from '#lib/server/special-ops/certificate-rules.ts';
import { formFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const db = await getDb();
	const today = shanghaiDate(now());
	return { today, basis: RETURN_TO_POST_BASIS, retest: await listNeedingPracticalRetest(db, { orgId: scope.orgId }, today), workers: await listSpecialWorkers(db, scope.orgId) };
};

const date = z.union([z.literal(''), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')]);
const absenceSchema = z.object({ person: idSchema, leftOn: date, returnedOn: date });

export const actions: Actions = {
	record: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'enterprise_admin');
		const form = await request.formData();
		const parsed = absenceSchema.safeParse({ person: form.get('person'), leftOn: form.get('leftOn') ?? '', returnedOn: form.get('returnedOn') ?? '' });
		if (!parsed.success) {
			const field = parsed.error.issues[0]!.path[0];
			return formFailure(400, field === 'person' ? '请选择人员' : `${field === 'leftOn' ? '离岗日期' : '返岗日期'}：${parsed.error.issues[0]!.message}`);
		}
		try {
			await recordPostAbsence(await getDb(), actorOf(scope, event), { personId: parsed.data.person, leftOn: parsed.data.leftOn || null, returnedOn: parsed.data.returnedOn || null }, now());
			return { recorded: true };
		} catch (e) {
			if (e instanceof CertificateError) return formFailure(e.code === 'not_found' ? 404 : 400, e.message);
			throw e;
		}
	}
};
