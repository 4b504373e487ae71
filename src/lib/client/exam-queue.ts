// The exam page's offline queue, as plain data and pure functions (unit-tested in exam-queue.spec.ts).
// Every answer gets the next seq of this attempt; the server stores each seq once, so sending a
// queued answer again after a lost response is harmless, and a late retry never beats a newer answer.

export type Response = string | string[] | boolean | null;
export type QueuedAnswer = { seq: number; slot: number; response: Response; at: string };
export type QueuedEvent = { kind: string; at: string; detail?: Record<string, unknown> };

export type QueueState = {
	/** The next seq to hand out (always above every seq the server has seen from this attempt). */
	nextSeq: number;
	answers: QueuedAnswer[];
	events: QueuedEvent[];
};

export type SyncReply = {
	status: 'in_progress' | 'finished' | 'superseded';
	saved: number[];
	rejected: { seq: number; slot: number; error: string }[];
};

export const MAX_ANSWERS_PER_REQUEST = 200;
export const MAX_EVENTS_PER_REQUEST = 500;
/** Beyond this, the oldest proctoring events are dropped (answers never are). */
export const MAX_QUEUED_EVENTS = 2000;

export function storageKey(attemptId: number): string {
	return `anxun-exam:${attemptId}`;
}

export function emptyQueue(serverMaxSeq: number): QueueState {
	return { nextSeq: serverMaxSeq + 1, answers: [], events: [] };
}

/** The stored queue (from localStorage text), repaired; the seq counter never goes below the server's. */
export function restoreQueue(text: string | null, serverMaxSeq: number): QueueState {
	const fresh = emptyQueue(serverMaxSeq);
	if (!text) return fresh;
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch {
		return fresh;
	}
	if (!raw || typeof raw !== 'object') return fresh;
	const r = raw as Partial<QueueState>;
	const answers = Array.isArray(r.answers)
		? r.answers.filter((a): a is QueuedAnswer => !!a && Number.isInteger(a.seq) && a.seq > 0 && Number.isInteger(a.slot) && a.slot > 0 && typeof a.at === 'string')
		: [];
	const events = Array.isArray(r.events) ? r.events.filter((e): e is QueuedEvent => !!e && typeof e.kind === 'string' && typeof e.at === 'string') : [];
	const highest = Math.max(serverMaxSeq, ...answers.map((a) => a.seq), Number.isInteger(r.nextSeq) ? (r.nextSeq as number) - 1 : 0);
	return { nextSeq: highest + 1, answers: answers.sort((a, b) => a.seq - b.seq), events };
}

export function serializeQueue(q: QueueState): string {
	return JSON.stringify(q);
}

/**
 * Queues an answer with the next seq. An older unsent answer to the same slot is dropped: the newer
 * seq wins at the server anyway, and the page need not send what it no longer means.
 */
export function enqueueAnswer(q: QueueState, slot: number, response: Response, at: Date): { queue: QueueState; seq: number } {
	const seq = q.nextSeq;
	return {
		seq,
		queue: { nextSeq: seq + 1, answers: [...q.answers.filter((a) => a.slot !== slot), { seq, slot, response, at: at.toISOString() }], events: q.events }
	};
}

export function enqueueEvent(q: QueueState, event: QueuedEvent): QueueState {
	const events = [...q.events, event];
	return { ...q, events: events.length > MAX_QUEUED_EVENTS ? events.slice(events.length - MAX_QUEUED_EVENTS) : events };
}

/** What one request carries: the oldest answers and events, within the contract's limits. */
export function takeBatch(q: QueueState): { answers: QueuedAnswer[]; events: QueuedEvent[] } {
	return { answers: q.answers.slice(0, MAX_ANSWERS_PER_REQUEST), events: q.events.slice(0, MAX_EVENTS_PER_REQUEST) };
}

/**
 * The queue after the server answered a batch: saved and rejected answers leave the queue (a
 * rejected one will never be accepted: it is shown to the candidate instead), the events sent
 * leave it. Answers queued while the request was in flight stay.
 */
export function applyReply(q: QueueState, sent: { answers: QueuedAnswer[]; events: QueuedEvent[] }, reply: SyncReply): QueueState {
	if (reply.status === 'superseded') return q;
	const done = new Set([...reply.saved, ...reply.rejected.map((r) => r.seq)]);
	const sentEvents = new Set(sent.events);
	return { nextSeq: q.nextSeq, answers: q.answers.filter((a) => !done.has(a.seq)), events: q.events.filter((e) => !sentEvents.has(e)) };
}

/** Retry delay after the n-th consecutive failure (1-based): 1, 2, 4, 8, 16, 30, 30 … seconds, ± 20 %. */
export function backoffMs(failures: number, random = Math.random): number {
	const base = Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));
	return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Client clock offset from one exchange: the server's time at the midpoint of the request. The
 * deadline comes from the server; the offset only turns it into "seconds left" on this device.
 */
export function clockOffsetMs(serverNowIso: string, sentAtMs: number, receivedAtMs: number): number {
	return Date.parse(serverNowIso) - (sentAtMs + receivedAtMs) / 2;
}

export function secondsLeft(deadlineIso: string | null, offsetMs: number, clientNowMs: number): number | null {
	if (!deadlineIso) return null;
	return Math.max(0, Math.floor((Date.parse(deadlineIso) - (clientNowMs + offsetMs)) / 1000));
}

export function formatClock(seconds: number): string {
	const h = Math.floor(seconds / 3600);
	const m = Math.floor((seconds % 3600) / 60);
	const s = seconds % 60;
	const mm = String(m).padStart(2, '0');
	const ss = String(s).padStart(2, '0');
	return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
