// Difficulty from data (issue 14): once a question's current version has enough counted responses,
// its facility p (share answering correctly) gives an empirical difficulty on the same 1–5 scale
// the authors use. The bands are a convention (settings), not a rule: p ≥ 0.90 → 1, ≥ 0.75 → 2,
// ≥ 0.55 → 3, ≥ 0.35 → 4, below → 5.

export const EMPIRICAL_DIFFICULTY = {
	/** Responses needed before the empirical difficulty replaces "unknown"; env ANXUN_EMPIRICAL_MIN_RESPONSES. */
	minResponses: 30,
	/** Lower facility bound of difficulty 1, 2, 3, 4 (difficulty 5 below the last). */
	facilityBands: [0.9, 0.75, 0.55, 0.35] as const,
	/** Declared and empirical difficulty this many levels apart are flagged on the analysis page. */
	flagGap: 2
};

/** The configured minimum: ANXUN_EMPIRICAL_MIN_RESPONSES when it is a positive integer, else the default. */
export function empiricalMinResponses(env: Record<string, string | undefined>): number {
	const raw = env.ANXUN_EMPIRICAL_MIN_RESPONSES;
	const n = raw === undefined ? NaN : Number(raw);
	return Number.isInteger(n) && n > 0 ? n : EMPIRICAL_DIFFICULTY.minResponses;
}

export function difficultyFromFacility(facility: number): number {
	const i = EMPIRICAL_DIFFICULTY.facilityBands.findIndex((lower) => facility >= lower);
	return i < 0 ? 5 : i + 1;
}

export type EmpiricalUpdate = { questionId: number; difficulty: number | null; responses: number };

/**
 * For every question of the bank: its empirical difficulty from the statistics of its current
 * version (null while that version has fewer than `minResponses` responses — a new version starts
 * over, its content changed).
 */
export function empiricalDifficulties(
	questions: readonly { id: number; currentVersion: number }[],
	stats: readonly { questionId: number; version: number; responses: number; facility: number | null }[],
	minResponses: number
): EmpiricalUpdate[] {
	const byKey = new Map(stats.map((s) => [`${s.questionId}@${s.version}`, s]));
	return questions.map((q) => {
		const s = byKey.get(`${q.id}@${q.currentVersion}`);
		const responses = s?.responses ?? 0;
		const difficulty = s && s.facility !== null && responses >= minResponses ? difficultyFromFacility(s.facility) : null;
		return { questionId: q.id, difficulty, responses };
	});
}

/** Declared vs empirical difficulty at least `gap` levels apart. */
export function difficultyMismatch(declared: number, empirical: number | null, gap = EMPIRICAL_DIFFICULTY.flagGap): boolean {
	return empirical !== null && Math.abs(declared - empirical) >= gap;
}
