import { canonicalPool, checkBlueprintAgainstPool, sectionsFitting, supplyGroups, type Blueprint, type PoolItem } from './blueprint.ts';
import { randomOrder, shuffle, type Rng } from './random.ts';
import { maxSupply } from './supply.ts';

/**
 * One question of one paper. The exam activity stores these and addresses answers by slot; the
 * question content is read at the pinned version, so editing a question never changes a paper.
 */
export type PaperSlot = {
	/** 1 … n, the display position. */
	slot: number;
	/** 1-based index of the blueprint section it was drawn for. */
	section: number;
	questionId: string;
	version: number;
	points: number;
	/** Option letters in display order (the letters keep their meaning: the answer key is unchanged); [] for judge. */
	optionOrder: string[];
};

/** Key of a pinned question version, e.g. in the map gradePaper reads questions from. */
export function questionVersionKey(questionId: string, version: number): string {
	return `${questionId}@${version}`;
}

/**
 * Draws one candidate's paper: each section in blueprint order gets `count` questions that fit it,
 * no question twice, then questions and options are ordered as the blueprint says.
 *
 * Deterministic: the same blueprint, pool (in any order) and rng seed give the same paper. A fixed
 * paper — the same for every candidate — is drawPaper with one seed for the whole exam
 * (e.g. createRng(`exam:${examId}`)); with shuffleQuestions 'none' and shuffleOptions false it is
 * also in the same order for everyone. A question added to or retired from the pool changes the
 * draw, so draw a fixed paper once and store its slots rather than re-drawing per candidate.
 *
 * When sections overlap (a question fits more than one), a question is taken for a section only
 * if the remaining sections can still be filled, so a draw never strands a later section.
 * Throws (with the Chinese problems of checkBlueprintAgainstPool) when the pool cannot supply the blueprint.
 */
export function drawPaper(blueprint: Blueprint, pool: readonly PoolItem[], rng: Rng): PaperSlot[] {
	const problems = checkBlueprintAgainstPool(blueprint, pool);
	if (problems.length) throw new Error(`题库不足以按组卷策略组卷：${problems.join('；')}`);

	const { sections } = blueprint;
	const items = canonicalPool(pool);
	const fits = sectionsFitting(sections, items);
	const groups = supplyGroups(fits);
	const groupOf = new Map(items.map((item, i) => [item.questionId, groups.get((fits[i] as number[]).join(','))]));
	const candidates: PoolItem[][] = sections.map(() => []);
	items.forEach((item, i) => {
		for (const j of fits[i] ?? []) candidates[j]?.push(item);
	});
	const demand = sections.map((s) => s.count);
	const stillFeasible = () => {
		const supply = maxSupply([...groups.values()], demand);
		return supply.supplied === supply.demanded;
	};

	type Drawn = { item: PoolItem; section: number; points: number };
	const drawn: Drawn[][] = [];
	const taken = new Set<string>();
	sections.forEach((section, j) => {
		const picked: Drawn[] = [];
		for (const item of randomOrder(candidates[j] ?? [], rng)) {
			const group = groupOf.get(item.questionId);
			if (!group || taken.has(item.questionId)) continue;
			group.available--;
			demand[j] = (demand[j] as number) - 1;
			// Taking a question that fits only this section can never strand another one.
			if (group.sections.length > 1 && !stillFeasible()) {
				group.available++;
				demand[j] = (demand[j] as number) + 1;
				continue;
			}
			taken.add(item.questionId);
			picked.push({ item, section: j + 1, points: section.points });
			if (picked.length === section.count) break;
		}
		if (picked.length !== section.count) throw new Error(`第${j + 1}部分抽题失败：只抽到 ${picked.length} 道，需要 ${section.count} 道`);
		drawn.push(blueprint.shuffleQuestions === 'none' ? canonicalOrder(picked) : picked);
	});

	// Candidates were taken in random order, so each section is already shuffled within.
	const ordered = blueprint.shuffleQuestions === 'across_sections' ? shuffle(drawn.flat(), rng) : drawn.flat();
	return ordered.map(({ item, section, points }, i) => {
		const letters = [...item.optionKeys].sort();
		const shuffleOptions = blueprint.shuffleOptions && !item.keepOptionOrder && letters.length > 1;
		return {
			slot: i + 1,
			section,
			questionId: item.questionId,
			version: item.version,
			points,
			optionOrder: shuffleOptions ? shuffle(letters, rng) : [...letters]
		};
	});
}

function canonicalOrder<T extends { item: PoolItem }>(picked: T[]): T[] {
	return [...picked].sort((a, b) => (a.item.questionId < b.item.questionId ? -1 : a.item.questionId > b.item.questionId ? 1 : 0));
}
