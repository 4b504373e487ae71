import { error } from '@sveltejs/kit';
import { idParam } from '../../schemas/params.ts';
import type { Scope } from '../auth/guards.ts';
import type { Db } from '../db/index.ts';
import { loadAdmission } from './admission.query.ts';
import { renderAdmissionPdf } from './admission-pdf.ts';

/** GET …/special-ops/[id]/admission.pdf for the learner, enterprise and institution routes: 404 for what the caller may not see. */
export async function admissionPdfResponse(db: Db, scope: Scope, idText: string, now: Date): Promise<Response> {
	const id = idParam(idText);
	if (id === null) error(404, '没有这个报名');
	const admission = await loadAdmission(db, scope, id);
	if (!admission) error(404, '没有这个报名');
	if (!admission.theory && !admission.practical) error(404, '尚未安排考试，暂无准考证');
	const pdf = await renderAdmissionPdf(admission, now);
	return new Response(new Uint8Array(pdf), {
		headers: {
			'content-type': 'application/pdf',
			'content-length': String(pdf.length),
			'content-disposition': `inline; filename="admission-${admission.applicationId}.pdf"; filename*=UTF-8''${encodeURIComponent(`准考证-${admission.name}-${admission.item}.pdf`)}`,
			'cache-control': 'no-store'
		}
	});
}
