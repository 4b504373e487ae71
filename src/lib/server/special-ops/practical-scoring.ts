// Pure scoring rules for one practical attempt: replay an examiner's append-only ticks into a
// total, then combine the examiners' sign-offs into the final result. No db, no clock.
import { sheetItems, type SheetDefinition } from './practical-sheets.ts';

export type ScoreStep = { seq: number; itemCode: string; kind: 'deduct' | 'veto' | 'undo'; undoSeq: number | null; note?: string | null };

const STEP_KINDS: readonly string[] = ['deduct', 'veto', 'undo'] satisfies ScoreStep['kind'][];
/** practical_score_steps.kind read back (the CHECK constraint allows only these). */
export function stepKind(value: string): ScoreStep['kind'] {
	if (STEP_KINDS.includes(value)) return value as ScoreStep['kind'];
	throw new Error(`未知的评分步骤 practical_score_steps.kind：${value}`);
}

export type Tick = { seq: number; code: string; kind: 'deduct' | 'veto'; itemCode: string; subjectCode: string; text: string; points: number };
export type ReplayResult = {
	ticks: Tick[];
	/** points lost per subject, capped at the subject's points */
	lostBySubject: Record<string, number>;
	total: number;
	veto: boolean;
	vetoTexts: string[];
};

/** Resolves a tick code (a deduction or a 否决项 code) on the sheet. */
export function findTickRule(def: SheetDefinition, code: string): { kind: 'deduct' | 'veto'; itemCode: string; subjectCode: string; text: string; points: number } | null {
	for (const { subject, item } of sheetItems(def).values()) {
		const d = item.deductions.find((x) => x.code === code);
		if (d) return { kind: 'deduct', itemCode: item.code, subjectCode: subject.code, text: `${item.text}：${d.text}`, points: d.points };
		const v = item.veto.find((x) => x.code === code);
		if (v) return { kind: 'veto', itemCode: item.code, subjectCode: subject.code, text: `${item.text}：${v.text}（否决项）`, points: 0 };
	}
	return null;
}

/**
 * Replays one examiner's steps in seq order. An undo cancels the step it names (once); unknown codes
 * and undos of nothing are ignored (they were refused on the way in). The points come from the sheet,
 * never from the client.
 */
export function replaySteps(def: SheetDefinition, steps: readonly ScoreStep[]): ReplayResult {
	const live = new Map<number, Tick>();
	for (const s of [...steps].sort((a, b) => a.seq - b.seq)) {
		if (s.kind === 'undo') {
			if (s.undoSeq !== null) live.delete(s.undoSeq);
			continue;
		}
		const rule = findTickRule(def, s.itemCode);
		if (!rule || rule.kind !== s.kind) continue;
		live.set(s.seq, { seq: s.seq, code: s.itemCode, ...rule });
	}
	const ticks = [...live.values()];
	const lostBySubject: Record<string, number> = {};
	for (const subject of def.subjects) {
		const lost = ticks.filter((t) => t.subjectCode === subject.code && t.kind === 'deduct').reduce((sum, t) => sum + t.points, 0);
		lostBySubject[subject.code] = Math.min(subject.points, lost);
	}
	const total = round2(100 - Object.values(lostBySubject).reduce((a, b) => a + b, 0));
	const vetoes = ticks.filter((t) => t.kind === 'veto');
	return { ticks, lostBySubject, total, veto: vetoes.length > 0, vetoTexts: vetoes.map((v) => v.text) };
}

export type Signoff = { examinerUserId: number; role: 'first' | 'second' | 'third'; score: number; veto: boolean };

const SIGNOFF_ROLES: readonly string[] = ['first', 'second', 'third'] satisfies Signoff['role'][];
/** practical_signoffs.role read back (the CHECK constraint allows only these). */
export function signoffRole(value: string): Signoff['role'] {
	if (SIGNOFF_ROLES.includes(value)) return value as Signoff['role'];
	throw new Error(`未知的签字角色 practical_signoffs.role：${value}`);
}

export type Outcome =
	| { state: 'awaiting'; needed: number; message: string }
	| { state: 'third_review'; message: string }
	| { state: 'final'; score: number; veto: boolean; passed: boolean };

/**
 * The attempt's result from its sign-offs. With two examiners, totals that differ by more than the
 * tolerance (or disagree on a 否决项) need a third review, whose score is final. Otherwise the final
 * score is the mean of the examiners' totals; a 否决项 fails the exam whatever the score.
 */
export function combineSignoffs(def: SheetDefinition, signoffs: readonly Signoff[]): Outcome {
	const regular = signoffs.filter((s) => s.role !== 'third');
	const third = signoffs.find((s) => s.role === 'third');
	if (regular.length < def.examinersRequired) {
		const needed = def.examinersRequired - regular.length;
		return { state: 'awaiting', needed, message: `还需 ${needed} 名考评员签字确认` };
	}
	if (def.examinersRequired >= 2) {
		const [a, b] = regular as [Signoff, Signoff];
		const gap = Math.abs(a.score - b.score);
		if (gap > def.tolerance || a.veto !== b.veto) {
			if (!third) {
				const why = a.veto !== b.veto ? '两名考评员对否决项的判定不一致' : `两名考评员评分相差 ${round2(gap)} 分，超过允许差额 ${def.tolerance} 分`;
				return { state: 'third_review', message: `${why}，须由第三名考评员复评` };
			}
			return final(def, third.score, third.veto);
		}
	}
	const mean = regular.reduce((s, x) => s + x.score, 0) / regular.length;
	return final(def, round2(mean), regular.some((s) => s.veto));
}

function final(def: SheetDefinition, score: number, veto: boolean): Outcome {
	return { state: 'final', score, veto, passed: !veto && score >= def.passMark };
}

export function round2(n: number): number {
	return Math.round(n * 100) / 100;
}
