import { error } from '@sveltejs/kit';
import type { Db } from '../db/index.ts';
import type { Scope } from '../auth/guards.ts';
import { findVisibleBank } from './bank.query.ts';

/** The bank if the caller's institution may see it (404 otherwise); `edit` also requires ownership. */
export async function requireBank(db: Db, scope: Scope, code: string, edit = false) {
	const bank = await findVisibleBank(db, code, scope.orgId);
	if (!bank) error(404, '没有这个题库');
	if (edit && (!bank.editable || scope.role !== 'institution_admin')) error(403, '平台题库只读：请导出后导入为本机构题库再修改');
	return bank;
}
