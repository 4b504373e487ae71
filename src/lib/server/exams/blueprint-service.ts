import { audit, type ScopedActor } from '../audit/actor.ts';
import type { Db } from '../db/index.ts';
import { listVisibleBanks } from '../question-bank/bank.query.ts';
import { onePerDuplicateGroup, checkBlueprintAgainstPool, describeSection, parseBlueprint, QUALIFICATION_EXAM_DEFAULTS, sectionAccepts, type Blueprint, type BlueprintSection } from '../question-engine/blueprint.ts';
import { blueprintMetaSchema, isStatutoryCertificate, rawBlueprint, type BlueprintFormValues } from '../../schemas/exam-admin.ts';
import { loadPool } from './exam.repository.ts';
import { withTransaction } from '../db/transaction.ts';
import { insertBlueprint, listOrgBlueprints, updateOwnBlueprint } from './session.repository.ts';

// Blueprints (组卷策略) of an institution: built from platform banks and its own banks, checked
// by the question engine against the questions that can actually be drawn.


export type BlueprintSaveResult = { ok: true; blueprintId: number } | { ok: false; problems: string[]; supply: SectionSupply[] };

export type SectionSupply = { section: number; description: string; available: number; needed: number };

/** How many questions of the pool each section could draw from (each section on its own). */
export async function sectionSupply(db: Db, bankIds: readonly number[], sections: readonly BlueprintSection[]): Promise<SectionSupply[]> {
	const pool = await loadPool(db, bankIds);
	return sections.map((s, i) => ({ section: i + 1, description: describeSection(s), available: onePerDuplicateGroup(pool).filter((p) => sectionAccepts(s, p)).length, needed: s.count }));
}

/** The form's values for a new blueprint: the national defaults for statutory exams. */
export function newBlueprintValues(certificateType = 'principal_or_safety_manager'): BlueprintFormValues {
	const statutory = isStatutoryCertificate(certificateType);
	return {
		name: '',
		bankIds: [],
		certificateType,
		examKind: 'theory',
		practiceOpen: false,
		sections: [
			{ title: '单选题', type: 'single', count: '40', points: '1', knowledge: '', dmin: '', dmax: '', dbasis: '' },
			{ title: '多选题', type: 'multiple', count: '20', points: '2', knowledge: '', dmin: '', dmax: '', dbasis: '' },
			{ title: '判断题', type: 'judge', count: '20', points: '1', knowledge: '', dmin: '', dmax: '', dbasis: '' }
		],
		multipleScoring: 'all_or_nothing',
		durationMinutes: String(statutory ? QUALIFICATION_EXAM_DEFAULTS.durationMinutes : 60),
		totalPoints: String(QUALIFICATION_EXAM_DEFAULTS.totalPoints),
		passMark: String(QUALIFICATION_EXAM_DEFAULTS.passMark),
		shuffleQuestions: 'within_sections',
		shuffleOptions: true
	};
}

export function blueprintToValues(row: { name: string; bank_ids: number[]; certificate_type: string; exam_kind: string; practice_open: boolean; definition: Blueprint }): BlueprintFormValues {
	const d = row.definition;
	return {
		name: row.name,
		bankIds: row.bank_ids,
		certificateType: row.certificate_type,
		examKind: row.exam_kind,
		practiceOpen: row.practice_open,
		sections: d.sections.map((s) => ({
			title: s.title ?? '',
			type: s.type,
			count: String(s.count),
			points: String(s.points),
			knowledge: (s.knowledge ?? []).join(' '),
			dmin: s.difficulty ? String(s.difficulty[0]) : '',
			dmax: s.difficulty ? String(s.difficulty[1]) : '',
			dbasis: s.difficultyBasis ?? ''
		})),
		multipleScoring: d.multipleScoring,
		durationMinutes: String(d.durationMinutes),
		totalPoints: String(d.totalPoints),
		passMark: String(d.passMark),
		shuffleQuestions: d.shuffleQuestions,
		shuffleOptions: d.shuffleOptions
	};
}

/**
 * Creates (id null) or updates a blueprint. Every problem is returned at once: the form's fields,
 * the engine's rules (points add up, pass mark ≤ total …) and whether the chosen banks can
 * supply every section. Papers already drawn keep their pinned questions.
 */
export async function saveBlueprint(db: Db, actor: ScopedActor, id: number | null, values: BlueprintFormValues, now: Date): Promise<BlueprintSaveResult> {
	const problems: string[] = [];
	const meta = blueprintMetaSchema.safeParse(values);
	if (!meta.success) problems.push(...new Set(meta.error.issues.map((i) => i.message)));
	const visible = new Set((await listVisibleBanks(db, actor.orgId)).map((b) => b.id));
	const bankIds = [...new Set(values.bankIds)];
	if (bankIds.some((b) => !visible.has(b))) problems.push('所选题库不存在或不可用');
	if (!values.sections.length) problems.push('组卷策略至少需要一个部分');
	const parsed = values.sections.length ? parseBlueprint(rawBlueprint(values)) : null;
	if (parsed && !parsed.ok) problems.push(...parsed.problems);
	let supply: SectionSupply[] = [];
	if (parsed?.ok && bankIds.length && bankIds.every((b) => visible.has(b))) {
		const pool = await loadPool(db, bankIds);
		problems.push(...checkBlueprintAgainstPool(parsed.blueprint, pool));
		supply = parsed.blueprint.sections.map((s, i) => ({ section: i + 1, description: describeSection(s), available: onePerDuplicateGroup(pool).filter((p) => sectionAccepts(s, p)).length, needed: s.count }));
	}
	if (problems.length || !meta.success || !parsed?.ok) return { ok: false, problems: [...new Set(problems)], supply };

	const m = meta.data;
	const stored = { name: m.name, bankIds, definition: parsed.blueprint, certificateType: m.certificateType, examKind: m.examKind, practiceOpen: m.practiceOpen, now };
	return withTransaction(db, async (tx) => {
		let blueprintId: number;
		if (id === null) {
			blueprintId = await insertBlueprint(tx, actor.orgId, actor.userId, stored);
		} else {
			if (!(await updateOwnBlueprint(tx, actor.orgId, id, stored))) return { ok: false as const, problems: ['组卷策略不存在'], supply };
			blueprintId = id;
		}
		await audit(tx, actor, now, id === null ? 'exam.blueprint_create' : 'exam.blueprint_update', `exam_blueprint:${blueprintId}`, {
			name: m.name,
			bankIds,
			certificateType: m.certificateType,
			examKind: m.examKind,
			totalPoints: parsed.blueprint.totalPoints,
			passMark: parsed.blueprint.passMark
		});
		return { ok: true as const, blueprintId };
	});
}

export async function listBlueprints(db: Db, orgId: number) {
	const rows = await listOrgBlueprints(db, orgId);
	return rows.map((r) => {
		const d = r.definition;
		return {
			id: r.id,
			name: r.name,
			bankIds: r.bank_ids,
			certificateType: r.certificate_type,
			examKind: r.exam_kind,
			practiceOpen: r.practice_open,
			questions: d.sections.reduce((s, x) => s + x.count, 0),
			totalPoints: d.totalPoints,
			passMark: d.passMark,
			durationMinutes: d.durationMinutes,
			sessions: r.sessions
		};
	});
}

export { findOwnBlueprintRow as findOwnBlueprint } from './session.repository.ts';
