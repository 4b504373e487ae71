// Group commit for a hot statement: while `inFlight` statements of a kind are running in this process,
// further calls wait and then go to PostgreSQL together, in one statement (`many`). A call alone — an
// ordinary minute — goes at once in the single statement (`one`), one event-loop turn later. In a spike
// the statement's fixed cost (round trip, executing the plan, commit) is shared by the batch. A batch
// statement that fails (a deadlock with another process's batch, say) is retried one call at a time,
// so each caller gets its own answer or its own error. The queue holds only calls in flight.

export type TurnBatcherOptions<I, O> = {
	/** At most this many calls in one statement. */
	max: number;
	/** At most this many statements of this kind in flight per process. */
	inFlight: number;
	one: (input: I) => Promise<O>;
	/** The results in the order of `inputs`. */
	many: (inputs: readonly I[]) => Promise<O[]>;
};

type Pending<I, O> = { input: I; resolve: (value: O) => void; reject: (error: unknown) => void };

export class TurnBatcher<I, O> {
	private queue: Pending<I, O>[] = [];
	private running = 0;
	private scheduled = false;
	private readonly options: TurnBatcherOptions<I, O>;
	constructor(options: TurnBatcherOptions<I, O>) {
		this.options = options;
	}

	run(input: I): Promise<O> {
		return new Promise<O>((resolve, reject) => {
			this.queue.push({ input, resolve, reject });
			this.schedule();
		});
	}

	private schedule(): void {
		if (this.scheduled || this.running >= this.options.inFlight || this.queue.length === 0) return;
		this.scheduled = true;
		// the calls that arrive in this event-loop turn go together
		setImmediate(() => {
			this.scheduled = false;
			while (this.running < this.options.inFlight && this.queue.length) {
				const batch = this.queue.splice(0, this.options.max);
				this.running++;
				void this.execute(batch).finally(() => {
					this.running--;
					this.schedule();
				});
			}
		});
	}

	private async execute(batch: Pending<I, O>[]): Promise<void> {
		if (batch.length > 1) {
			let results: O[] | null = null;
			try {
				results = await this.options.many(batch.map((p) => p.input));
			} catch {
				results = null; // one by one below
			}
			if (results) {
				batch.forEach((p, i) => p.resolve(results[i]!));
				return;
			}
		}
		await Promise.all(batch.map((p) => this.options.one(p.input).then(p.resolve, p.reject)));
	}
}

/** One batcher per database handle (a WeakMap: a closed handle's batcher goes with it). */
export function batcherPerHandle<D extends object, I, O>(make: (db: D) => TurnBatcher<I, O>): (db: D) => TurnBatcher<I, O> {
	const batchers = new WeakMap<D, TurnBatcher<I, O>>();
	return (db) => {
		let b = batchers.get(db);
		if (!b) batchers.set(db, (b = make(db)));
		return b;
	};
}
