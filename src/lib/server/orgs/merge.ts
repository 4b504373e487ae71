import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type RegionalActor } from '../audit/actor.ts';
import * as repo from './merge.repository.ts';

// 合并重复企业: the same company entered twice. Everything that belongs to the duplicate moves to the
// record kept, in one transaction; the duplicate stays (merged_into, merged_at) so old references
// and the audit log still resolve. Persons cannot collide: 身份证号 is unique platform-wide, so the
// same person is never on both lists. Coverage counts follow the persons' org_id through the
// coverage triggers at commit.

/** regionPath null: the platform admin (every enterprise); a regulator's region otherwise. */
export type MergeActor = RegionalActor;

export function searchMergeCandidates(db: Db, regionPath: string | null, q: string) {
	return repo.searchEnterprises(db, regionPath, q);
}

export type MergePreview = { keep: repo.MergeCandidate; dup: repo.MergeCandidate; counts: repo.MergeCounts };

/** null when either is not an enterprise in scope (or already merged). */
export async function previewMerge(db: Db, regionPath: string | null, keepId: number, dupId: number): Promise<MergePreview | null> {
	if (keepId === dupId) return null;
	const keep = await repo.findEnterprise(db, regionPath, keepId);
	const dup = await repo.findEnterprise(db, regionPath, dupId);
	if (!keep || !dup) return null;
	return { keep, dup, counts: await repo.countMergeRows(db, dupId) };
}

export type MergeResult = { ok: true; moved: Record<string, number> } | { ok: false; status: 400 | 404; message: string };

export async function mergeEnterprises(db: Db, actor: MergeActor, keepId: number, dupId: number, now: Date): Promise<MergeResult> {
	if (keepId === dupId) return { ok: false, status: 400, message: '保留的企业和重复的企业不能是同一家' };
	return withTransaction(db, async (tx): Promise<MergeResult> => {
		// Lock in id order so two merges of the same pair cannot deadlock.
		const [first, second] = keepId < dupId ? [keepId, dupId] : [dupId, keepId];
		const a = await repo.findEnterprise(tx, actor.regionPath, first, true);
		const b = await repo.findEnterprise(tx, actor.regionPath, second, true);
		if (!a || !b) {
			const message =
				actor.regionPath === null ? '没有找到所选企业，或它已被合并' : '没有找到所选企业：只能合并本辖区内、尚未被合并的企业';
			return { ok: false, status: 404, message };
		}
		const keep = a.id === keepId ? a : b;
		const dup = a.id === dupId ? a : b;
		const before = await repo.countMergeRows(tx, dupId);
		const moved: Record<string, number> = {};
		for (const c of repo.MOVED_COLUMNS) moved[`${c.table}.${c.column}`] = await repo.moveColumn(tx, c.table, c.column, keepId, dupId);
		const [membershipsMoved, membershipsMerged] = await repo.moveMemberships(tx, keepId, dupId);
		moved['memberships.org_id'] = membershipsMoved;
		moved['memberships.merged'] = membershipsMerged;
		await repo.markMerged(tx, dupId, keepId, now);
		await audit(tx, actor, now, 'org.merge', `org:${keepId}`, { keepId, keepName: keep.name, dupId, dupName: dup.name, dupCreditCode: dup.credit_code, counts: before, moved });
		return { ok: true, moved };
	});
}
