// Can every section of a blueprint get its count of distinct questions when one question may fit
// several sections (a section for knowledge point ch2 and a section for any single-choice item)?
// Counting each section alone is not enough, so this is a maximum flow: source → group of
// questions that fit the same sections → section → sink. Questions are grouped by the sections they
// fit, so the network stays small however large the pool is.

/** Questions that fit exactly these sections (indices into the demand list). */
export type SupplyGroup = { sections: readonly number[]; available: number };

export type Supply = {
	demanded: number;
	supplied: number;
	/** When supplied < demanded: sections that together need more questions than fit any of them (Hall's condition fails for this set). */
	shortSections: number[];
};

export function maxSupply(groups: readonly SupplyGroup[], demand: readonly number[]): Supply {
	const demanded = demand.reduce((s, d) => s + d, 0);
	const source = 0;
	const sink = groups.length + demand.length + 1;
	const sectionNode = (j: number) => groups.length + 1 + j;
	const head: number[][] = Array.from({ length: sink + 1 }, () => []);
	const to: number[] = [];
	const cap: number[] = [];
	const addEdge = (u: number, v: number, c: number) => {
		head[u]?.push(to.length);
		to.push(v);
		cap.push(c);
		head[v]?.push(to.length);
		to.push(u);
		cap.push(0);
	};
	// (group, section, index of the group → section edge)
	const links: { group: number; section: number; edge: number }[] = [];
	groups.forEach((g, i) => {
		addEdge(source, i + 1, g.available);
		for (const j of g.sections) {
			links.push({ group: i, section: j, edge: to.length });
			addEdge(i + 1, sectionNode(j), demanded + 1);
		}
	});
	const sinkEdge = demand.map((d, j) => {
		const e = to.length;
		addEdge(sectionNode(j), sink, d);
		return e;
	});

	// Edmonds–Karp: the flow is at most the paper's question count, each augmentation is one BFS.
	let supplied = 0;
	const via = new Array<number>(sink + 1);
	const reach = (): boolean => {
		via.fill(-1);
		const seen = new Array<boolean>(sink + 1).fill(false);
		seen[source] = true;
		const queue = [source];
		for (let q = 0; q < queue.length; q++) {
			const u = queue[q] as number;
			for (const e of head[u] ?? []) {
				const v = to[e] as number;
				if (!seen[v] && (cap[e] as number) > 0) {
					seen[v] = true;
					via[v] = e;
					if (v === sink) return true;
					queue.push(v);
				}
			}
		}
		return false;
	};
	while (reach()) {
		let push = Infinity;
		for (let v = sink; v !== source; v = to[(via[v] as number) ^ 1] as number) push = Math.min(push, cap[via[v] as number] as number);
		for (let v = sink; v !== source; v = to[(via[v] as number) ^ 1] as number) {
			const e = via[v] as number;
			cap[e] = (cap[e] as number) - push;
			cap[e ^ 1] = (cap[e ^ 1] as number) + push;
		}
		supplied += push;
	}
	return { demanded, supplied, shortSections: supplied < demanded ? shortTogether(links, sinkEdge, cap) : [] };
}

// From each section left short, follow alternating paths: to every group that fits it, then to
// every section that group's questions went to. The groups reached are used up, and all their
// questions went to the sections reached, which still lack some: those sections are short together
// (a set for which Hall's condition fails), without sections that merely happen to be full.
function shortTogether(links: readonly { group: number; section: number; edge: number }[], sinkEdge: readonly number[], cap: readonly number[]): number[] {
	const short = new Set(sinkEdge.flatMap((e, j) => ((cap[e] as number) > 0 ? [j] : [])));
	const queue = [...short];
	const groupsSeen = new Set<number>();
	for (let q = 0; q < queue.length; q++) {
		const j = queue[q] as number;
		for (const l of links) {
			if (l.section !== j || groupsSeen.has(l.group)) continue;
			groupsSeen.add(l.group);
			for (const m of links) {
				const carried = cap[m.edge ^ 1] as number;
				if (m.group === l.group && carried > 0 && !short.has(m.section)) {
					short.add(m.section);
					queue.push(m.section);
				}
			}
		}
	}
	return [...short].sort((a, b) => a - b);
}
