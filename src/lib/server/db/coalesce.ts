// Group commit for a hot write. Calls made while `limit` batches are in flight wait, and the next
// batch takes them together: one statement and one commit (one WAL flush) for all of them. Under
// light load every call is a batch of one and starts at once, as if it were not coalesced. Each
// caller's promise settles only when its own batch's statement has finished — resolved after the
// commit, or rejected with the batch's error — so nothing waits in memory that a crash could lose:
// a request is answered only after its write is durable, exactly as without coalescing.

type Waiting<T> = { item: T; resolve: () => void; reject: (error: unknown) => void };

export type Coalesced<T> = (item: T) => Promise<void>;

export function coalescer<T>(run: (items: T[]) => Promise<void>, options: { limit: number; max: number }): Coalesced<T> {
	const queue: Waiting<T>[] = [];
	let inFlight = 0;
	const pump = () => {
		while (inFlight < options.limit && queue.length) {
			const batch = queue.splice(0, options.max);
			inFlight++;
			let settled: Promise<void>;
			try {
				settled = run(batch.map((w) => w.item));
			} catch (error) {
				settled = Promise.reject(error);
			}
			// the slot is free before the callers resume: a call they make next starts at once
			const finish = (settle: (w: Waiting<T>) => void) => {
				inFlight--;
				batch.forEach(settle);
				pump();
			};
			settled.then(
				() => finish((w) => w.resolve()),
				(error: unknown) => finish((w) => w.reject(error))
			);
		}
	};
	return (item) =>
		new Promise<void>((resolve, reject) => {
			queue.push({ item, resolve, reject });
			pump();
		});
}
