import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireIdParam } from '#lib/schemas/params.ts';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { findOwnPrintableCertificate, loadPrints } from '#lib/server/certificates/certificates.query.ts';
import { renderCertificatesPdf } from '#lib/server/certificates/certificate-pdf.ts';
import { publicBaseUrl } from '#lib/server/certificates/config.ts';

// The holder's own certificate only (another person's id answers 404).
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const scope = requireApiRole(locals, 'learner');
	const id = requireIdParam(params.id, '证书不存在');
	if (!scope.personId) error(404, '证书不存在');
	const db = await getDb();
	const own = await findOwnPrintableCertificate(db, scope.personId, id);
	if (own === undefined) error(404, '证书不存在');
	const prints = await loadPrints(db, [own]);
	const pdf = await renderCertificatesPdf(prints, publicBaseUrl(url.origin), now());
	const number = prints[0]!.signed.payload.number;
	return new Response(new Uint8Array(pdf), {
		headers: { 'content-type': 'application/pdf', 'content-length': String(pdf.length), 'content-disposition': `attachment; filename="${number}.pdf"`, 'cache-control': 'no-store' }
	});
};
