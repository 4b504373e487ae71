// The state each learner's last heartbeat left, as this process wrote it, so that the next beat of the
// same page can be decided without reading it back (one round trip per beat instead of two).
//
// It holds nothing that matters: an entry is only ever a guess at the database's state, and the write
// made on it is a compare-and-set on the learner's lease version, guarded by what the read would have
// checked (study.repository.ts writeBeat `guard`). A guess that is wrong — another instance or tab
// beat in between, an attention check was answered, the enrolment was closed, a live class started
// counting — makes that write miss, and the beat is read and decided again on fresh state. Only the
// plain beat of the session the page holds is taken this way; a new session (it may start with a face
// check), a check to issue or end, a completed lesson, a takeover or a release always go through the
// read. ANXUN_BEAT_CACHE=0 turns it off.
import type { Db } from '../db/index.ts';
import type { BeatState } from './study.repository.ts';

type Entry = { enrolmentId: number; lessonId: number; state: BeatState; at: number };

export class BeatStateCache {
	readonly #entries = new Map<number, Entry>();
	/** beats written on a cached state, and cached states whose write missed (decided again on a read) */
	hits = 0;
	misses = 0;

	constructor(
		readonly maxEntries = 50_000,
		/** older entries are not used: a page silent this long starts a new session anyway */
		readonly maxAgeMs = 10 * 60_000
	) {}

	get size(): number {
		return this.#entries.size;
	}

	/** The state last written for the learner's beat on this enrolment and lesson, or null. */
	get(personId: number, enrolmentId: number, lessonId: number, now: Date): BeatState | null {
		const e = this.#entries.get(personId);
		if (!e || e.enrolmentId !== enrolmentId || e.lessonId !== lessonId) return null;
		const age = now.getTime() - e.at;
		return age >= 0 && age <= this.maxAgeMs ? e.state : null;
	}

	set(personId: number, enrolmentId: number, lessonId: number, state: BeatState, now: Date): void {
		this.#entries.delete(personId); // re-inserted last: the Map's order is the eviction order
		this.#entries.set(personId, { enrolmentId, lessonId, state, at: now.getTime() });
		if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
	}

	delete(personId: number): void {
		this.#entries.delete(personId);
	}
}

// One cache per database handle: two databases in one process (the tests) never share entries.
const caches = new WeakMap<Db, BeatStateCache>();

/** The process's cache for `db`, or null when ANXUN_BEAT_CACHE=0. */
export function beatStateCacheFor(db: Db, env: NodeJS.ProcessEnv = process.env): BeatStateCache | null {
	if (env.ANXUN_BEAT_CACHE === '0') return null;
	let cache = caches.get(db);
	if (!cache) {
		cache = new BeatStateCache();
		caches.set(db, cache);
	}
	return cache;
}
