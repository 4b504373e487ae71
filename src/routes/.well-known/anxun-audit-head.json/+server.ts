import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDb, now } from '#lib/server/runtime.ts';
import { auditHeadDocument } from '#lib/server/audit/checkpoint.repository.ts';

// The signed checkpoints of the audit log's head, for anyone to keep a copy of (see docs/ARCHITECTURE.md).
export const GET: RequestHandler = async () => {
	return json(await auditHeadDocument(await getDb(), now()), { headers: { 'cache-control': 'public, max-age=60', 'access-control-allow-origin': '*' } });
};
