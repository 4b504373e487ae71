import { canonicalPool, checkBlueprintAgainstPool, sectionAccepts, sectionsFitting, supplyGroups, type Blueprint, type BlueprintSection, type PoolItem } from './blueprint.ts';
import { randomInt, randomOrder, shuffle, type Rng } from './random.ts';
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
 *
 * Groups (issue 14): of a duplicate group (PoolItem.duplicateGroup) at most one question is drawn;
 * a case group (PoolItem.caseKey) is drawn whole — each member counts toward a section it fits — or
 * not at all, and its members stay consecutive whatever the shuffle (the case is one unit, placed
 * with the section of its first member). Cases take about their share of each section (the share
 * of case questions among the questions that fit it).
 * Throws (with the Chinese problems of checkBlueprintAgainstPool) when the pool cannot supply the blueprint.
 */
export function drawPaper(blueprint: Blueprint, pool: readonly PoolItem[], rng: Rng): PaperSlot[] {
	const problems = checkBlueprintAgainstPool(blueprint, pool);
	if (problems.length) throw new Error(`题库不足以按组卷策略组卷：${problems.join('；')}`);
	const { sections } = blueprint;
	const items = canonicalPool(pool);
	if (!items.some((i) => i.duplicateGroup || i.caseKey)) {
		const drawn = drawSingles(sections, sections.map((s) => s.count), items, rng);
		const bySection = drawn.map((picked) => (blueprint.shuffleQuestions === 'none' ? canonicalOrder(picked) : picked));
		// Candidates were taken in random order, so each section is already shuffled within.
		const ordered = blueprint.shuffleQuestions === 'across_sections' ? shuffle(bySection.flat(), rng) : bySection.flat();
		return toSlots(blueprint, ordered, rng);
	}
	return toSlots(blueprint, drawGrouped(blueprint, items, rng), rng);
}

type Drawn = { item: PoolItem; section: number; points: number };

function toSlots(blueprint: Blueprint, ordered: readonly Drawn[], rng: Rng): PaperSlot[] {
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

/** Fills demand[j] questions for each section j from `items` (taken in random order). */
function drawSingles(sections: readonly BlueprintSection[], counts: readonly number[], items: readonly PoolItem[], rng: Rng): Drawn[][] {
	const fits = sectionsFitting(sections, items);
	const groups = supplyGroups(fits);
	const groupOf = new Map(items.map((item, i) => [item.questionId, groups.get((fits[i] as number[]).join(','))]));
	const candidates: PoolItem[][] = sections.map(() => []);
	items.forEach((item, i) => {
		for (const j of fits[i] ?? []) candidates[j]?.push(item);
	});
	const demand = [...counts];
	const stillFeasible = () => {
		const supply = maxSupply([...groups.values()], demand);
		return supply.supplied === supply.demanded;
	};
	const drawn: Drawn[][] = [];
	const taken = new Set<string>();
	sections.forEach((section, j) => {
		const picked: Drawn[] = [];
		const want = counts[j] as number;
		if (want > 0) {
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
				if (picked.length === want) break;
			}
		}
		if (picked.length !== want) throw new Error(`第${j + 1}部分抽题失败：只抽到 ${picked.length} 道，需要 ${want} 道`);
		drawn.push(picked);
	});
	return drawn;
}

const byId = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/**
 * One question per duplicate group (chosen at random); a case that lost a member this way is
 * dropped whole (a case is drawn whole or not at all).
 */
export function collapseDuplicates(items: readonly PoolItem[], rng: Rng): PoolItem[] {
	const members = new Map<string, PoolItem[]>();
	for (const item of items) {
		if (!item.duplicateGroup) continue;
		const m = members.get(item.duplicateGroup);
		if (m) m.push(item);
		else members.set(item.duplicateGroup, [item]);
	}
	const dropped = new Set<string>();
	for (const key of [...members.keys()].sort()) {
		const group = members.get(key) as PoolItem[];
		if (group.length < 2) continue;
		const keep = group[randomInt(rng, group.length)] as PoolItem;
		for (const item of group) if (item !== keep) dropped.add(item.questionId);
	}
	const brokenCases = new Set(items.filter((i) => i.caseKey && dropped.has(i.questionId)).map((i) => i.caseKey as string));
	return items.filter((i) => !dropped.has(i.questionId) && !(i.caseKey && brokenCases.has(i.caseKey)));
}

function drawGrouped(blueprint: Blueprint, all: readonly PoolItem[], rng: Rng): Drawn[] {
	const { sections } = blueprint;
	const items = collapseDuplicates(all, rng);
	const singles = items.filter((i) => !i.caseKey);
	const caseMembers = new Map<string, PoolItem[]>();
	for (const item of items) {
		if (!item.caseKey) continue;
		const m = caseMembers.get(item.caseKey);
		if (m) m.push(item);
		else caseMembers.set(item.caseKey, [item]);
	}
	for (const m of caseMembers.values()) m.sort((a, b) => byId(a.questionId, b.questionId));

	const remaining = sections.map((s) => s.count);
	const singleGroups = () => [...supplyGroups(sectionsFitting(sections, singles)).values()];
	const singlesSuffice = () => {
		const supply = maxSupply(singleGroups(), remaining);
		return supply.supplied === supply.demanded;
	};
	// each section's share of case questions among all the questions that fit it
	const fitsAll = sectionsFitting(sections, items);
	const target = sections.map((s, j) => {
		const fitting = items.filter((_, i) => fitsAll[i]?.includes(j));
		const inCases = fitting.filter((i) => i.caseKey).length;
		return fitting.length ? Math.ceil((s.count * inCases) / fitting.length) : 0;
	});
	const caseSlots = sections.map(() => 0);

	type Unit = { section: number; drawn: Drawn[] };
	const units: Unit[] = [];
	for (const key of randomOrder([...caseMembers.keys()].sort(), rng)) {
		const members = caseMembers.get(key) as PoolItem[];
		// each member to a section it fits that still has room (the emptiest first)
		const room = [...remaining];
		const assigned: number[] = [];
		for (const m of members) {
			let best = -1;
			sections.forEach((s, j) => {
				if (sectionAccepts(s, m) && (room[j] as number) > 0 && (best < 0 || (room[j] as number) > (room[best] as number))) best = j;
			});
			if (best < 0) break;
			assigned.push(best);
			room[best] = (room[best] as number) - 1;
		}
		if (assigned.length !== members.length) continue;
		const needed = !singlesSuffice();
		if (!needed && assigned.some((j) => (caseSlots[j] as number) >= (target[j] as number))) continue;
		const before = [...remaining];
		assigned.forEach((j) => (remaining[j] = (remaining[j] as number) - 1));
		if (!needed && !singlesSuffice()) {
			before.forEach((d, j) => (remaining[j] = d));
			continue;
		}
		assigned.forEach((j) => (caseSlots[j] = (caseSlots[j] as number) + 1));
		units.push({ section: assigned[0] as number, drawn: members.map((item, i) => ({ item, section: (assigned[i] as number) + 1, points: (sections[assigned[i] as number] as BlueprintSection).points })) });
	}
	const singlesDrawn = drawSingles(sections, remaining, singles, rng);
	singlesDrawn.forEach((picked, j) => {
		for (const d of picked) units.push({ section: j, drawn: [d] });
	});

	const firstId = (u: Unit) => (u.drawn[0] as Drawn).item.questionId;
	let ordered: Unit[];
	if (blueprint.shuffleQuestions === 'across_sections') ordered = shuffle(units, rng);
	else {
		ordered = sections.flatMap((_, j) => {
			const mine = units.filter((u) => u.section === j).sort((a, b) => byId(firstId(a), firstId(b)));
			return blueprint.shuffleQuestions === 'within_sections' ? shuffle(mine, rng) : mine;
		});
	}
	return ordered.flatMap((u) => u.drawn);
}

function canonicalOrder<T extends { item: PoolItem }>(picked: T[]): T[] {
	return [...picked].sort((a, b) => (a.item.questionId < b.item.questionId ? -1 : a.item.questionId > b.item.questionId ? 1 : 0));
}

/** The pool as drawing units: a case's members together (in id order, at its first member's place), every other question alone. */
export function groupUnits(items: readonly PoolItem[]): PoolItem[][] {
	const units: PoolItem[][] = [];
	const byCase = new Map<string, PoolItem[]>();
	for (const item of items) {
		if (!item.caseKey) {
			units.push([item]);
			continue;
		}
		const unit = byCase.get(item.caseKey);
		if (unit) unit.push(item);
		else {
			const fresh = [item];
			byCase.set(item.caseKey, fresh);
			units.push(fresh);
		}
	}
	for (const unit of byCase.values()) unit.sort((a, b) => byId(a.questionId, b.questionId));
	return units;
}

/** Practice: whole cases or single questions, in random order, up to `count` questions (a case that would overshoot is skipped). */
export function takeUnits(pool: readonly PoolItem[], rng: Rng, count: number): PoolItem[] {
	const out: PoolItem[] = [];
	for (const unit of randomOrder(groupUnits(canonicalPool(pool)), rng)) {
		if (out.length >= count) break;
		if (out.length + unit.length > count) continue;
		out.push(...unit);
	}
	return out;
}
