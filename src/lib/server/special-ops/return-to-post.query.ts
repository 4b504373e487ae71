// The "需重新实操考试" list: workers away from the post 6 months or more (30号令 第三十二条) with no
// passed practical exam recorded since they left.
import type { Db } from '../db/index.ts';
import { shanghaiDate } from '../../domain/dates.ts';
import { daysAway, needsPracticalRetest } from './certificate-rules.ts';
import { listAbsencesWithPracticals } from './so-certificates.repository.ts';

export type RetestRow = { personId: number; name: string; org: string; orgId: number; operation: string | null; leftOn: string; returnedOn: string | null; daysAway: number };

export async function listNeedingPracticalRetest(db: Db, by: { orgId?: number; regionPath?: string }, today: string): Promise<RetestRow[]> {
	const { absences, practicals } = await listAbsencesWithPracticals(db, by);
	const passed = new Map<number, string[]>();
	for (const p of practicals) if (p.finalised_at) passed.set(p.person_id, [...(passed.get(p.person_id) ?? []), shanghaiDate(new Date(p.finalised_at))]);
	const byPerson = new Map<number, typeof absences>();
	for (const a of absences) byPerson.set(a.person_id, [...(byPerson.get(a.person_id) ?? []), a]);
	const rows: RetestRow[] = [];
	for (const [personId, list] of byPerson) {
		const verdict = needsPracticalRetest(list.map((a) => ({ leftOn: a.left_on, returnedOn: a.returned_on })), passed.get(personId) ?? [], today);
		if (!verdict.needed || !verdict.absence) continue;
		const first = list[0]!;
		rows.push({ personId, name: first.person_name, org: first.org_name, orgId: first.org_id, operation: first.operation_name, leftOn: verdict.absence.leftOn, returnedOn: verdict.absence.returnedOn, daysAway: daysAway(verdict.absence, today) });
	}
	return rows.sort((a, b) => (a.leftOn < b.leftOn ? -1 : 1));
}
