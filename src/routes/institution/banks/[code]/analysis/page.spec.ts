import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import Page from './+page.svelte';

// Server-rendered item analysis: each option's percentage is its own list item (laid out with a gap), not text run together.
describe('item analysis option percentages', () => {
	it('renders one item per option', () => {
		const item = {
			questionId: 1, version: 1, code: 'Q001', type: 'single', current: true, key: 'B', stem: '题干', responses: 40,
			facility: 0.55, discrimination: 0.3, pointBiserial: 0.25, flags: [], declaredDifficulty: 1, empiricalDifficulty: 3, difficultyMismatch: true,
			options: [{ option: 'A', proportion: 0.125 }, { option: 'B', proportion: 0.55 }, { option: 'C', proportion: 0.2 }, { option: 'D', proportion: 0.125 }]
		};
		const data = { bank: { code: 'b', name: '题库' }, conventions: { groupFraction: 0.27 }, computedAt: null, flagLabels: {}, mismatchLabel: { label: '难度标注偏差', explanation: '说明' }, items: [item] };
		const { body } = render(Page, { props: { data, form: null } as never });
		const cell = /<ul class="opts[^"]*">([\s\S]*?)<\/ul>/.exec(body)?.[1] ?? '';
		const items = [...cell.matchAll(/<li[^>]*>([^<]*)<\/li>/g)].map((m) => m[1]!.trim());
		expect(items).toEqual(['A 13%', 'B 55%', 'C 20%', 'D 13%']);
	});

	it('shows declared / empirical difficulty and flags a gap of two levels or more', () => {
		const base = {
			questionId: 1, version: 1, code: 'Q001', type: 'single', current: true, key: 'B', stem: '题干', responses: 40,
			facility: 0.3, discrimination: 0.3, pointBiserial: 0.25, flags: [], options: []
		};
		const data = (extra: object) => ({ bank: { code: 'b', name: '题库' }, conventions: { groupFraction: 0.27 }, computedAt: null, flagLabels: {}, mismatchLabel: { label: '难度标注偏差', explanation: '说明' }, items: [{ ...base, ...extra }] });
		const flagged = render(Page, { props: { data: data({ declaredDifficulty: 1, empiricalDifficulty: 4, difficultyMismatch: true }), form: null } as never }).body;
		expect(flagged).toContain('1 / 4');
		expect(flagged).toMatch(/flag-difficulty[^>]*>难度标注偏差/);
		const fine = render(Page, { props: { data: data({ declaredDifficulty: 3, empiricalDifficulty: null, difficultyMismatch: false }), form: null } as never }).body;
		expect(fine).toContain('3 / —');
		expect(fine).not.toMatch(/flag-difficulty[^>]*>/);
	});
});
