import { questionVersionKey } from './paper.ts';

// Classical item analysis of finished attempts, per pinned question version. Every threshold
// below is a convention of classical test theory, not a legal rule; they are settings.

/** One slot of one finished attempt. */
export type ItemResponseRow = {
	attemptId: string;
	/** The attempt's total score. */
	attemptScore: number;
	questionId: string;
	version: number;
	/** Letters chosen; ['true'] / ['false'] for judge items (as answerKeys spells answers); [] when unanswered. */
	chosen: readonly string[];
	correct: boolean;
};

export const ITEM_ANALYSIS_CONVENTIONS = {
	/** Below this, results are reported but flagged too_few_responses only: with 20 responses the 27% groups hold 5 people each, so one person moves D by 0.2. */
	minResponses: 20,
	/** Upper and lower groups of 27% of respondents by total score (Kelley 1939). */
	groupFraction: 0.27,
	/** Facility p above this is flagged too_easy. In a mastery exam with an 80% pass mark many items are meant to be easy: a prompt to review, not a defect. */
	tooEasyAbove: 0.9,
	/** Facility p below this is flagged too_hard (often a wrong key or an unclear stem). */
	tooHardBelow: 0.2,
	/** Ebel & Frisbie (1991): D ≥ 0.40 very good, 0.30–0.39 reasonably good, 0.20–0.29 marginal, < 0.20 poor. */
	lowDiscriminationBelow: 0.2
};
export type ItemAnalysisSettings = typeof ITEM_ANALYSIS_CONVENTIONS;

/**
 * too_few_responses replaces all the others. negative_discrimination (D < 0 or r_pb < 0) and
 * low_discrimination (0 ≤ D < 0.2) exclude each other; too_easy / too_hard may come with either.
 */
export type ItemFlag = 'too_few_responses' | 'too_easy' | 'too_hard' | 'negative_discrimination' | 'low_discrimination';

export type OptionFrequency = {
	option: string;
	/** Respondents who chose it (a multiple-choice respondent may count for several options). */
	count: number;
	/** count ÷ respondents */
	proportion: number;
	/** Chosen in the upper / lower group: a distractor chosen more by the upper group deserves a look. */
	upper: number;
	lower: number;
};

export type ItemStats = {
	questionId: string;
	version: number;
	responses: number;
	unanswered: number;
	/** p: proportion of respondents who answered correctly (partial credit counts as not correct). */
	facility: number;
	/** Size of each of the upper and lower groups; 0 when there are fewer than 2 responses. */
	groupSize: number;
	upperFacility: number | null;
	lowerFacility: number | null;
	/** D = p(upper) − p(lower). */
	discrimination: number | null;
	/** Item–total point-biserial correlation; null when everyone, or no one, answered correctly, or all totals are equal. */
	pointBiserial: number | null;
	options: OptionFrequency[];
	flags: ItemFlag[];
};

/**
 * Item statistics per (questionId, version), sorted by question id then version.
 *
 * Papers are drawn per candidate, so each item is analysed over the attempts that contained it,
 * ranked by their total score. Ties on the group boundary are broken by attemptId, so the result
 * does not depend on row order. The point-biserial is uncorrected (the item's own score is part of
 * the total), which overstates it slightly on short papers.
 * optionKeys (by questionVersionKey) lists options nobody chose, with count 0.
 */
export function analyseItems(
	rows: readonly ItemResponseRow[],
	settings: Partial<ItemAnalysisSettings> & { optionKeys?: ReadonlyMap<string, readonly string[]> } = {}
): ItemStats[] {
	const s = { ...ITEM_ANALYSIS_CONVENTIONS, ...settings };
	const byItem = new Map<string, ItemResponseRow[]>();
	for (const row of rows) {
		const key = questionVersionKey(row.questionId, row.version);
		byItem.set(key, [...(byItem.get(key) ?? []), row]);
	}
	return [...byItem.entries()]
		.map(([key, itemRows]) => analyseItem(itemRows, s, s.optionKeys?.get(key) ?? []))
		.sort((a, b) => (a.questionId < b.questionId ? -1 : a.questionId > b.questionId ? 1 : a.version - b.version));
}

function analyseItem(rows: ItemResponseRow[], s: ItemAnalysisSettings, optionKeys: readonly string[]): ItemStats {
	const first = rows[0] as ItemResponseRow;
	const attempts = new Set(rows.map((r) => r.attemptId));
	if (attempts.size !== rows.length) throw new Error(`题目 ${first.questionId} 第 ${first.version} 版在同一次考试中出现了不止一次`);

	const ranked = [...rows].sort((a, b) => b.attemptScore - a.attemptScore || (a.attemptId < b.attemptId ? -1 : a.attemptId > b.attemptId ? 1 : 0));
	const n = ranked.length;
	const correct = ranked.filter((r) => r.correct).length;
	const facility = correct / n;

	const groupSize = n >= 2 ? Math.max(1, Math.round(s.groupFraction * n)) : 0;
	const upper = ranked.slice(0, groupSize);
	const lower = groupSize ? ranked.slice(-groupSize) : [];
	const correctIn = (group: ItemResponseRow[]) => group.filter((r) => r.correct).length;
	const upperFacility = groupSize ? correctIn(upper) / groupSize : null;
	const lowerFacility = groupSize ? correctIn(lower) / groupSize : null;
	const discrimination = groupSize ? (correctIn(upper) - correctIn(lower)) / groupSize : null;

	const pointBiserial = pointBiserialOf(ranked, facility);

	const optionSet = new Set([...optionKeys, ...ranked.flatMap((r) => r.chosen)]);
	const chose = (group: ItemResponseRow[], option: string) => group.filter((r) => r.chosen.includes(option)).length;
	const options = [...optionSet].sort().map((option) => {
		const count = chose(ranked, option);
		return { option, count, proportion: count / n, upper: chose(upper, option), lower: chose(lower, option) };
	});

	const flags: ItemFlag[] = [];
	if (n < s.minResponses) flags.push('too_few_responses');
	else {
		if (facility > s.tooEasyAbove) flags.push('too_easy');
		if (facility < s.tooHardBelow) flags.push('too_hard');
		if ((discrimination !== null && discrimination < 0) || (pointBiserial !== null && pointBiserial < 0)) flags.push('negative_discrimination');
		else if (discrimination !== null && discrimination < s.lowDiscriminationBelow) flags.push('low_discrimination');
	}

	return {
		questionId: first.questionId,
		version: first.version,
		responses: n,
		unanswered: ranked.filter((r) => r.chosen.length === 0).length,
		facility,
		groupSize,
		upperFacility,
		lowerFacility,
		discrimination,
		pointBiserial,
		options,
		flags
	};
}

/** r_pb = (M1 − M0) ÷ σ × √(p(1 − p)), σ the population standard deviation of the totals. */
function pointBiserialOf(rows: readonly ItemResponseRow[], p: number): number | null {
	if (p === 0 || p === 1) return null;
	const n = rows.length;
	const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
	const totals = rows.map((r) => r.attemptScore);
	const m = mean(totals);
	const sigma = Math.sqrt(totals.reduce((sum, x) => sum + (x - m) ** 2, 0) / n);
	if (sigma === 0) return null;
	const m1 = mean(rows.filter((r) => r.correct).map((r) => r.attemptScore));
	const m0 = mean(rows.filter((r) => !r.correct).map((r) => r.attemptScore));
	return ((m1 - m0) / sigma) * Math.sqrt(p * (1 - p));
}
