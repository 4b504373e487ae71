import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireIdParam } from '#lib/schemas/params.ts';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { getSessionForInstitution } from '#lib/server/certificates/certificates.repository.ts';
import { listSessionCertificates, loadPrints } from '#lib/server/certificates/certificates.query.ts';
import { renderCertificatesPdf } from '#lib/server/certificates/certificate-pdf.ts';
import { publicBaseUrl } from '#lib/server/certificates/config.ts';

// All issued certificates of the session as one multi-page PDF.
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const scope = requireApiRole(locals, 'institution_admin');
	const id = requireIdParam(params.sessionId, '考试场次不存在');
	const db = await getDb();
	const session = await getSessionForInstitution(db, id, scope.orgId);
	if (!session) error(404, '考试场次不存在');
	const certs = (await listSessionCertificates(db, scope.orgId, session.id)).filter((c) => c.status === 'issued');
	const prints = await loadPrints(db, certs.map((c) => c.id));
	if (prints.length === 0) error(404, '本场次还没有已发放的证书');
	const pdf = await renderCertificatesPdf(prints, publicBaseUrl(url.origin), now());
	return new Response(new Uint8Array(pdf), {
		headers: {
			'content-type': 'application/pdf',
			'content-length': String(pdf.length),
			'content-disposition': `attachment; filename="certificates-session-${session.id}.pdf"; filename*=UTF-8''${encodeURIComponent(`${session.name}-证书.pdf`)}`,
			'cache-control': 'no-store'
		}
	});
};
