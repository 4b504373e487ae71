import type { AttemptView, CandidateQuestion } from '#lib/server/exams/attempt-service.ts';
// The exam page's connection to the server: autosave with a per-attempt seq, an offline queue kept
// in localStorage, retries with backoff, the server's clock, examiner warnings. The pure queue
// rules are in exam-queue.ts; this file holds the state the page shows and the timers.

import {
	applyReply,
	backoffMs,
	clockOffsetMs,
	enqueueAnswer,
	enqueueEvent,
	restoreQueue,
	secondsLeft,
	serializeQueue,
	storageKey,
	takeBatch,
	type QueueState,
	type QueuedEvent,
	type Response
} from './exam-queue.ts';

export type { Response as ExamResponse } from './exam-queue.ts';

// The page's view of the attempt is the server's reply type itself (type-only import: erased in the bundle).
export type ExamQuestion = CandidateQuestion;
export type ExamView = Extract<AttemptView, { status: 'in_progress' }>;
export type Warning = { id: number; message: string; at: string };
export type Feedback = { slot: number; correct: boolean; answer: string[]; explanation: string };
type SyncResult = {
	status: 'in_progress' | 'finished' | 'superseded';
	saved: number[];
	rejected: { seq: number; slot: number; error: string }[];
	deadline: string | null;
	serverNow: string;
	warnings: Warning[];
	feedback?: Feedback[];
	message?: string;
};

const CLIENT_KEY = 'anxun-exam-client';
/** Events alone wait this long for company; answers go at once (see ANSWER_BATCH_MS). */
const EVENT_DELAY_MS = 3000;
/** Answers go at once, then at most one answer request a second: those given within it go together. */
const ANSWER_BATCH_MS = 1000;
/** A quiet page still asks now and then: warnings, extensions, a finish by the examiner. */
const POLL_MS = 20_000;
/** After the deadline, the server waits a few seconds' grace; ask after that. */
const AFTER_DEADLINE_MS = 7000;

/** This browser's id for exams (localStorage): the server tells one browser from another by it. */
export function examClientId(): string {
	let id = localStorage.getItem(CLIENT_KEY);
	if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
		id = crypto.randomUUID().replaceAll('-', '');
		localStorage.setItem(CLIENT_KEY, id);
	}
	return id;
}

/** A timestamp, not state. */
function nowDate(): Date {
	return new Date();
}

export class ExamSync {
	readonly attemptId: number;
	readonly mode: 'exam' | 'practice';
	readonly clientId: string;
	/** The current answer per slot as the page shows it (saved or not). */
	answers = $state<Record<number, Response>>({});
	/** Slots whose latest answer the server has acknowledged. */
	saved = $state<Record<number, boolean>>({});
	/** A refused answer's reason, by slot. */
	errors = $state<Record<number, string>>({});
	feedback = $state<Record<number, Feedback>>({});
	pending = $state(0);
	online = $state(true);
	/** Shown once back online until the queue is empty. */
	reconnected = $state(false);
	status = $state<'in_progress' | 'finished' | 'superseded'>('in_progress');
	deadline = $state<string | null>(null);
	offsetMs = $state(0);
	clientNow = $state(Date.now());
	warnings = $state<Warning[]>([]);
	problem = $state<string | null>(null);
	submitting = $state(false);

	#queue: QueueState;
	// Bookkeeping, not shown: plain collections on purpose.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#lastSeq = new Map<number, number>();
	#inFlight = false;
	#again = false;
	#failures = 0;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	#eventTimer: ReturnType<typeof setTimeout> | null = null;
	#answerTimer: ReturnType<typeof setTimeout> | null = null;
	#answersSentAt = 0;
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#ack = new Set<number>();
	#onFinished: () => void;

	constructor(view: ExamView, onFinished: () => void, receivedAtMs = Date.now()) {
		this.attemptId = view.attemptId;
		this.mode = view.mode;
		this.clientId = examClientId();
		this.#onFinished = onFinished;
		this.deadline = view.deadline;
		this.offsetMs = Date.parse(view.serverNow) - receivedAtMs;
		this.warnings = view.warnings;
		this.#queue = restoreQueue(localStorage.getItem(storageKey(view.attemptId)), view.maxSeq);
		const answers: Record<number, Response> = {};
		const saved: Record<number, boolean> = {};
		for (const a of view.answers) {
			answers[a.slot] = a.response;
			saved[a.slot] = true;
			this.#lastSeq.set(a.slot, a.seq);
		}
		// Answers given here but not yet acknowledged (offline, or the page closed) come back on top.
		for (const a of this.#queue.answers) {
			if (a.seq > (this.#lastSeq.get(a.slot) ?? 0)) {
				answers[a.slot] = a.response;
				saved[a.slot] = false;
				this.#lastSeq.set(a.slot, a.seq);
			}
		}
		this.answers = answers;
		this.saved = saved;
		this.pending = this.#queue.answers.length;
		this.#persist();
	}

	get secondsLeft(): number | null {
		return secondsLeft(this.deadline, this.offsetMs, this.clientNow);
	}

	/** Starts timers and listeners; returns the cleanup. */
	start(): () => void {
		this.online = navigator.onLine;
		const tick = setInterval(() => {
			this.clientNow = Date.now();
			const left = this.secondsLeft;
			if (left !== null && left <= 0 && this.status === 'in_progress' && !this.#inFlight && Date.now() - this.#deadlineCheckAt > AFTER_DEADLINE_MS) {
				this.#deadlineCheckAt = Date.now();
				void this.flush();
			}
		}, 1000);
		const poll = setInterval(() => void this.flush(), POLL_MS);
		const onOnline = () => {
			this.online = true;
			this.reconnected = this.#queue.answers.length > 0;
			this.#failures = 0;
			void this.flush();
		};
		const onOffline = () => {
			this.online = false;
			this.reconnected = false;
		};
		window.addEventListener('online', onOnline);
		window.addEventListener('offline', onOffline);
		if (this.#queue.answers.length || this.#queue.events.length) void this.flush();
		return () => {
			clearInterval(tick);
			clearInterval(poll);
			if (this.#retryTimer) clearTimeout(this.#retryTimer);
			if (this.#eventTimer) clearTimeout(this.#eventTimer);
			if (this.#answerTimer) clearTimeout(this.#answerTimer);
			window.removeEventListener('online', onOnline);
			window.removeEventListener('offline', onOffline);
		};
	}
	#deadlineCheckAt = 0;

	/** Records an answer (autosave): queued, kept in localStorage, sent at once. */
	answer(slot: number, response: Response): void {
		if (this.status !== 'in_progress') return;
		const { queue, seq } = enqueueAnswer(this.#queue, slot, response, nowDate());
		this.#queue = queue;
		this.#lastSeq.set(slot, seq);
		this.answers[slot] = response;
		this.saved[slot] = false;
		delete this.errors[slot];
		this.#persist();
		this.#sendAnswers();
	}

	/** The queue is in localStorage already, so waiting up to a second loses nothing. */
	#sendAnswers(): void {
		if (this.#answerTimer) return;
		const wait = this.#answersSentAt + ANSWER_BATCH_MS - Date.now();
		if (wait <= 0) {
			void this.flush();
			return;
		}
		this.#answerTimer = setTimeout(() => {
			this.#answerTimer = null;
			if (this.#queue.answers.length) void this.flush();
		}, wait);
	}

	/** Records a proctoring event; sent with the next answer, or within a few seconds. */
	recordEvent(kind: string, detail?: Record<string, unknown>): void {
		if (this.status !== 'in_progress') return;
		const at = nowDate().toISOString();
		const event: QueuedEvent = detail ? { kind, at, detail } : { kind, at };
		this.#queue = enqueueEvent(this.#queue, event);
		this.#persist();
		if (!this.#eventTimer) {
			this.#eventTimer = setTimeout(() => {
				this.#eventTimer = null;
				void this.flush();
			}, EVENT_DELAY_MS);
		}
	}

	acknowledge(id: number): void {
		this.#ack.add(id);
		this.warnings = this.warnings.filter((w) => w.id !== id);
		void this.flush();
	}

	/** Sends the queue (one request at a time; a change during a request sends again after it). */
	async flush(): Promise<void> {
		if (this.status !== 'in_progress' || this.submitting) return;
		if (this.#inFlight) {
			this.#again = true;
			return;
		}
		if (this.#retryTimer) {
			clearTimeout(this.#retryTimer);
			this.#retryTimer = null;
		}
		this.#inFlight = true;
		const batch = takeBatch(this.#queue);
		const ack = [...this.#ack];
		const sentAt = Date.now();
		if (batch.answers.length) this.#answersSentAt = sentAt;
		let retry = false;
		try {
			const r = await fetch(`/api/exam/attempts/${this.attemptId}/sync`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ clientId: this.clientId, answers: batch.answers, events: batch.events, ack })
			});
			if (r.ok) {
				const reply = (await r.json()) as SyncResult;
				this.#failures = 0;
				this.online = true;
				for (const id of ack) this.#ack.delete(id);
				this.#applyServer(reply, sentAt, Date.now());
				this.#queue = applyReply(this.#queue, batch, reply);
				this.#markSaved(reply);
				this.#persist();
				if (this.#queue.answers.length === 0) this.reconnected = false;
				if (reply.status === 'finished') this.#finish();
				else if (reply.status === 'superseded') this.status = 'superseded';
				else if (this.#queue.answers.length > 0) this.#again = true;
			} else if (r.status >= 500 || r.status === 429) {
				retry = true;
			} else {
				const body = (await r.json().catch(() => ({}))) as { message?: string };
				this.problem = r.status === 401 ? '登录已失效：作答已暂存在本机。请在新窗口重新登录后回到本页，作答会自动提交。' : (body.message ?? `保存失败（${r.status}）`);
				if (r.status === 401) retry = true;
			}
		} catch {
			// No network (or the server is restarting): keep the queue, try again later.
			retry = true;
			if (!navigator.onLine) this.online = false;
		} finally {
			this.#inFlight = false;
		}
		if (retry) {
			this.#failures++;
			this.#retryTimer = setTimeout(() => {
				this.#retryTimer = null;
				void this.flush();
			}, backoffMs(this.#failures));
		} else if (this.#again) {
			this.#again = false;
			void this.flush();
		}
	}

	/** 交卷: sends whatever is still queued with the submit. Needs the network. */
	async submit(): Promise<boolean> {
		if (this.status !== 'in_progress') return false;
		this.submitting = true;
		this.problem = null;
		// Wait for a request in flight so the submit carries the rest of the queue.
		for (let i = 0; i < 50 && this.#inFlight; i++) await new Promise((r) => setTimeout(r, 100));
		const batch = takeBatch(this.#queue);
		try {
			const r = await fetch(`/api/exam/attempts/${this.attemptId}/submit`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ clientId: this.clientId, answers: batch.answers, events: batch.events })
			});
			const body = (await r.json().catch(() => ({}))) as { status?: string; message?: string };
			if (r.ok && body.status === 'finished') {
				this.#finish();
				return true;
			}
			if (r.ok && body.status === 'superseded') this.status = 'superseded';
			else this.problem = body.message ?? `交卷失败（${r.status}），请稍后重试`;
		} catch {
			this.problem = '网络不通，交卷未成功。作答已暂存在本机，网络恢复后请再次交卷。';
		} finally {
			this.submitting = false;
		}
		return false;
	}

	#applyServer(reply: SyncResult, sentAt: number, receivedAt: number) {
		this.deadline = reply.deadline;
		this.offsetMs = clockOffsetMs(reply.serverNow, sentAt, receivedAt);
		this.warnings = reply.warnings.filter((w) => !this.#ack.has(w.id));
		for (const f of reply.feedback ?? []) this.feedback[f.slot] = f;
	}

	#markSaved(reply: SyncResult) {
		for (const seq of reply.saved) {
			for (const [slot, last] of this.#lastSeq) if (last === seq) this.saved[slot] = true;
		}
		for (const r of reply.rejected) {
			if (this.#lastSeq.get(r.slot) === r.seq) this.errors[r.slot] = r.error;
		}
		this.pending = this.#queue.answers.length;
	}

	#finish() {
		this.status = 'finished';
		localStorage.removeItem(storageKey(this.attemptId));
		this.#onFinished();
	}

	#persist() {
		this.pending = this.#queue.answers.length;
		try {
			localStorage.setItem(storageKey(this.attemptId), serializeQueue(this.#queue));
		} catch {
			// Storage full or disabled: the answers still go to the server while online.
		}
	}
}
