import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listFindings, RULES, RULE_TITLES, type RuleCode } from '#lib/server/findings/findings.query.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'regulator');
	const q = url.searchParams.get('rule');
	const rule = q && q in RULES ? (q as RuleCode) : undefined;
	return { rule: rule ?? null, rules: RULES, titles: RULE_TITLES, findings: (await listFindings(await getDb(), scope.regionPath, now(), rule)).slice(0, 300) };
};
