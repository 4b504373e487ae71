import type { RequestHandler } from './$types';
import verifierSource from 'virtual:anxun-cert-verify';

// The offline certificate verifier (scripts/cert-verify.ts bundled by scripts/build-verifier.mjs at build
// time): one file, run with Node.js >= 18 next to the certificate PDF and the two /.well-known files.
// Public, like /.well-known/anxun-keys.json; /help/verify links it.
export const GET: RequestHandler = () =>
	new Response(verifierSource, {
		headers: {
			'content-type': 'text/javascript; charset=utf-8',
			'content-disposition': 'attachment; filename="anxun-cert-verify.mjs"',
			'cache-control': 'public, max-age=300'
		}
	});
