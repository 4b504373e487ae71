import { studyConfigFromEnv, type StudyConfig } from './study/credit.ts';
import { countAppliedMigrations, databaseOptionsFromEnv, migrateToLatest, openDatabase, type Database, type Db } from './db/index.ts';
import { seedIfEmpty } from '../../../seeds/index.ts';
import { ensureIssuerKeysExist } from './certificates/keys.ts';
import { liveConfigFrom, liveServerConfigFromEnv, type LiveServerConfig } from './live/config.ts';
import type { LiveConfig } from './live/attendance.ts';
import { startSessionCache } from './auth/session-cache.ts';

// The process-wide database handle. Everything that matters (sessions, clocks, queues) is in
// PostgreSQL; this is only a connection, so N instances behind a load balancer just work.
let opening: Promise<Database> | null = null;

export function startDatabase(): Promise<Database> {
	opening ??= (async () => {
		const options = databaseOptionsFromEnv();
		const database = await openDatabase(options);
		await migrateToLatest(database.db);
		// Validated sessions cached per process for ANXUN_SESSION_CACHE_MS (default and most 5 min,
		// the last_seen_at interval; 0 = off), invalidated by NOTIFY at once (auth/session-cache.ts).
		// A candidate autosaves every 20–60 s, so a shorter limit missed on many autosaves.
		// PostgreSQL only.
		const stopSessionCache = options.kind === 'postgres' ? startSessionCache(options.url, sessionCacheMs(process.env)) : async () => {};
		if (process.env.ANXUN_SEED !== 'none') await seedIfEmpty(database.db, { demo: process.env.ANXUN_SEED !== 'reference' });
		// The platform's keys (status list, audit checkpoints) are published from the first start:
		// an offline verifier fetches the keys before anything was signed. Idempotent and
		// serialised across instances (advisory lock); no private key is decrypted here.
		await ensureIssuerKeysExist(database.db, null, new Date());
		// Close the embedded database cleanly (and drop its lock) when the server stops.
		process.once('sveltekit:shutdown', () => {
			void stopSessionCache()
				.then(() => database.close())
				.finally(() => process.exit(0));
		});
		return database;
	})();
	return opening;
}

function sessionCacheMs(env: NodeJS.ProcessEnv): number {
	const ms = Number(env.ANXUN_SESSION_CACHE_MS ?? 300_000);
	return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 300_000) : 0;
}

export async function getDb(): Promise<Db> {
	return (await startDatabase()).db;
}

export async function health(): Promise<{ ok: true; db: 'pglite' | 'postgres'; migrations: number }> {
	const database = await startDatabase();
	return { ok: true, db: database.kind, migrations: await countAppliedMigrations(database.db) };
}

export function now(): Date {
	return new Date();
}

let cachedStudyConfig: StudyConfig | null = null;
/** Heartbeat interval and attention-check timing; ANXUN_STUDY_* variables override (tests, demos). */
export function studyConfig(): StudyConfig {
	cachedStudyConfig ??= studyConfigFromEnv(process.env);
	return cachedStudyConfig;
}

let cachedLive: { server: LiveServerConfig | null; config: LiveConfig } | null = null;
/** The streaming server (null: 直播服务未配置) and the live-attendance timing. */
export function liveSettings(): { server: LiveServerConfig | null; config: LiveConfig } {
	cachedLive ??= { server: liveServerConfigFromEnv(process.env), config: liveConfigFrom(studyConfig(), process.env) };
	return cachedLive;
}
