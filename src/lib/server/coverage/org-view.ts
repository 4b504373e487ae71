import type { Db } from '../db/index.ts';
import { shanghaiDate } from '../../domain/dates.ts';
import { findTargetForRegion, listTargetsForOrg } from './targets.repository.ts';
import { codeNames, countsForOrg, countsForOrgByRole, findOrgInScope, listOrgPersons } from './coverage.query.ts';
import { summarise } from './dashboard.ts';

/** One organisation of the regulator's region under one target: who is missing what. */
export async function loadOrgForRegulator(db: Db, scope: { regionPath: string }, targetId: number, orgId: number, now: Date) {
	const org = await findOrgInScope(db, orgId, scope.regionPath);
	if (!org) return undefined;
	const target = await findTargetForRegion(db, targetId, scope.regionPath);
	if (!target) return undefined;
	const counts = (await countsForOrg(db, org.id)).get(target.id);
	return {
		org,
		target: summarise(target, counts, shanghaiDate(now), await codeNames(db)),
		roles: await countsForOrgByRole(db, target.id, org.id),
		persons: await listOrgPersons(db, target.id, org.id)
	};
}

/** The enterprise admin's own organisation: every target it has persons in, with who is missing. */
export async function loadOwnOrgCoverage(db: Db, orgId: number, now: Date) {
	const targets = await listTargetsForOrg(db, orgId);
	const counts = await countsForOrg(db, orgId);
	const n = await codeNames(db);
	const today = shanghaiDate(now);
	const out = [];
	for (const t of targets) {
		out.push({ ...summarise(t, counts.get(t.id), today, n), persons: (await listOrgPersons(db, t.id, orgId)).filter((p) => !p.covered) });
	}
	return out;
}
