import { describe, expect, it } from 'vitest';
import { applyReply, backoffMs, clockOffsetMs, emptyQueue, enqueueAnswer, enqueueEvent, formatClock, MAX_ANSWERS_PER_REQUEST, MAX_QUEUED_EVENTS, restoreQueue, secondsLeft, serializeQueue, takeBatch } from './exam-queue.ts';

const at = new Date('2026-12-01T02:00:00Z');

describe('exam offline queue', () => {
	it('hands out seqs above the server’s highest and keeps only the newest unsent answer per slot', () => {
		let q = emptyQueue(7);
		const a = enqueueAnswer(q, 1, 'A', at);
		expect(a.seq).toBe(8);
		q = a.queue;
		q = enqueueAnswer(q, 2, true, at).queue;
		const c = enqueueAnswer(q, 1, 'B', at);
		expect(c.seq).toBe(10);
		expect(c.queue.answers.map((x) => [x.seq, x.slot, x.response])).toEqual([
			[9, 2, true],
			[10, 1, 'B']
		]);
		expect(c.queue.nextSeq).toBe(11);
	});

	it('removes saved and rejected answers, keeps answers queued during the request, drops the events sent', () => {
		let q = enqueueAnswer(emptyQueue(0), 1, 'A', at).queue;
		q = enqueueAnswer(q, 2, ['A', 'C'], at).queue;
		q = enqueueEvent(q, { kind: 'page_hidden', at: at.toISOString() });
		const sent = takeBatch(q);
		// while in flight: one more answer and one more event
		q = enqueueAnswer(q, 3, false, at).queue;
		q = enqueueEvent(q, { kind: 'page_visible', at: at.toISOString() });
		const after = applyReply(q, sent, { status: 'in_progress', saved: [1], rejected: [{ seq: 2, slot: 2, error: 'x' }] });
		expect(after.answers.map((a) => a.seq)).toEqual([3]);
		expect(after.events.map((e) => e.kind)).toEqual(['page_visible']);
		expect(after.nextSeq).toBe(4);
	});

	it('keeps everything when another browser took over (superseded)', () => {
		const q = enqueueAnswer(emptyQueue(0), 1, 'A', at).queue;
		expect(applyReply(q, takeBatch(q), { status: 'superseded', saved: [], rejected: [{ seq: 1, slot: 1, error: 'x' }] })).toBe(q);
	});

	it('survives a reload through its stored text, and never lowers the seq counter', () => {
		let q = emptyQueue(3);
		q = enqueueAnswer(q, 5, 'C', at).queue;
		const text = serializeQueue(q);
		expect(restoreQueue(text, 3)).toEqual(q);
		// the server has seen more since (another tab): the counter moves above it
		expect(restoreQueue(text, 20).nextSeq).toBe(21);
		// stored counter ahead of everything: kept
		expect(restoreQueue(JSON.stringify({ nextSeq: 50, answers: [], events: [] }), 3).nextSeq).toBe(50);
	});

	it('repairs damaged storage instead of failing', () => {
		expect(restoreQueue('not json', 2)).toEqual(emptyQueue(2));
		expect(restoreQueue(null, 0)).toEqual(emptyQueue(0));
		const q = restoreQueue(JSON.stringify({ nextSeq: 'x', answers: [{ seq: 4, slot: 1, response: 'A', at: 'z' }, { seq: -1 }, null], events: [{ kind: 'copy', at: 'z' }, 5] }), 0);
		expect(q.answers.map((a) => a.seq)).toEqual([4]);
		expect(q.events).toHaveLength(1);
		expect(q.nextSeq).toBe(5);
	});

	it('sends at most the contract’s batch and caps stored events, never answers', () => {
		let q = emptyQueue(0);
		for (let slot = 1; slot <= 250; slot++) q = enqueueAnswer(q, slot, 'A', at).queue;
		for (let i = 0; i < MAX_QUEUED_EVENTS + 10; i++) q = enqueueEvent(q, { kind: 'window_blur', at: String(i) });
		expect(q.answers).toHaveLength(250);
		expect(q.events).toHaveLength(MAX_QUEUED_EVENTS);
		expect(q.events[0]!.at).toBe('10');
		const batch = takeBatch(q);
		expect(batch.answers).toHaveLength(MAX_ANSWERS_PER_REQUEST);
		expect(batch.events).toHaveLength(500);
	});

	it('backs off exponentially up to 30 s with jitter', () => {
		expect(backoffMs(1, () => 0.5)).toBe(1000);
		expect(backoffMs(3, () => 0.5)).toBe(4000);
		expect(backoffMs(10, () => 0.5)).toBe(30_000);
		expect(backoffMs(2, () => 0)).toBe(1600);
		expect(backoffMs(2, () => 1)).toBe(2400);
	});

	it('counts down from the server’s deadline whatever the device clock says', () => {
		// device clock 10 minutes fast: the offset from one exchange corrects it
		const server = Date.parse('2026-12-01T02:00:00Z');
		const device = server + 600_000;
		const offset = clockOffsetMs(new Date(server).toISOString(), device - 100, device + 100);
		expect(offset).toBe(-600_000);
		expect(secondsLeft('2026-12-01T02:30:00Z', offset, device)).toBe(1800);
		expect(secondsLeft('2026-12-01T01:00:00Z', offset, device)).toBe(0);
		expect(secondsLeft(null, offset, device)).toBeNull();
		expect(formatClock(3599)).toBe('59:59');
		expect(formatClock(7205)).toBe('2:00:05');
	});
});
