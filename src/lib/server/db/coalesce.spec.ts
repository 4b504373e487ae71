import { describe, expect, it } from 'vitest';
import { coalescer } from './coalesce.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('coalescer', () => {
	it('runs a lone call at once, and the calls that arrive while a batch is in flight as one batch', async () => {
		const batches: number[][] = [];
		const write = coalescer<number>(
			async (items) => {
				batches.push(items);
				await tick();
			},
			{ limit: 1, max: 100 }
		);
		await write(1);
		expect(batches).toEqual([[1]]);
		await Promise.all([2, 3, 4, 5].map((n) => write(n)));
		expect(batches).toEqual([[1], [2], [3, 4, 5]]);
	});

	it('keeps up to `limit` batches in flight and no batch larger than `max`', async () => {
		const batches: number[][] = [];
		let inFlight = 0;
		let most = 0;
		const write = coalescer<number>(
			async (items) => {
				batches.push(items);
				most = Math.max(most, ++inFlight);
				await tick();
				inFlight--;
			},
			{ limit: 2, max: 3 }
		);
		await Promise.all(Array.from({ length: 20 }, (_, i) => write(i)));
		expect(most).toBe(2);
		expect(Math.max(...batches.map((b) => b.length))).toBe(3);
		expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
	});

	it("settles each caller only when its own batch has finished, and gives a failed batch's error to each of its callers", async () => {
		let fail = false;
		const done: number[] = [];
		const write = coalescer<number>(
			async (items) => {
				await tick();
				if (fail && items.includes(13)) throw new Error('batch failed');
				done.push(...items);
			},
			{ limit: 1, max: 100 }
		);
		const first = write(1);
		fail = true;
		const rest = [12, 13, 14].map((n) => write(n).then(() => 'ok', (e: Error) => e.message));
		await first;
		expect(done).toEqual([1]);
		expect(await Promise.all(rest)).toEqual(['batch failed', 'batch failed', 'batch failed']);
		// the queue goes on after a failure
		fail = false;
		await write(15);
		expect(done).toEqual([1, 15]);
	});
});
