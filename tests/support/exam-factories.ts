// Small factories for candidate-side exam tests: a bank with known keys, a blueprint, a session
// with a roster and prepared papers, and a database laid out for a built server to run on.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/lib/server/db/index.ts';
import { migrateToLatest, openDatabase, type Database } from '../../src/lib/server/db/index.ts';
import type { Blueprint } from '../../src/lib/server/question-engine/blueprint.ts';
import { prepareSessionPapers } from '../../src/lib/server/exams/paper-service.ts';
import { seedIfEmpty } from '../../seeds/index.ts';
import { makeExamBank, smallBlueprint } from './exam-engine-fixture.ts';
import { createEmptyPostgresDatabase, type BackendName } from './db.ts';

export { makeExamBank, smallBlueprint };

export type ExamBank = Awaited<ReturnType<typeof makeExamBank>>;

export async function makeBlueprint(db: Db, ownerOrgId: number, bankIds: number[], overrides: Partial<Blueprint> = {}, name = '安全生产知识考试组卷') {
	const row = await db
		.insertInto('exam_blueprints')
		.values({ owner_org_id: ownerOrgId, name, bank_ids: JSON.stringify(bankIds), definition: JSON.stringify(smallBlueprint(overrides)), certificate_type: 'training', created_at: new Date(), updated_at: new Date() })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export type SessionOptions = {
	name?: string;
	opensAt?: Date;
	closesAt?: Date;
	accessCode?: string | null;
	reviewPolicy?: 'none' | 'score_only' | 'after_close';
	maxAttempts?: number | null;
	requireWebcam?: boolean;
	requireFullscreen?: boolean;
	allowNewDevice?: boolean;
	courseId?: number | null;
	paperMode?: 'fixed' | 'per_candidate';
};

/** A session of the blueprint with the persons on its roster, papers prepared (starting is one UPDATE). */
export async function makeSession(db: Db, input: { ownerOrgId: number; blueprintId: number; personIds: number[]; prepare?: boolean } & SessionOptions) {
	const now = Date.now();
	const row = await db
		.insertInto('exam_sessions')
		.values({
			owner_org_id: input.ownerOrgId,
			blueprint_id: input.blueprintId,
			course_id: input.courseId ?? null,
			name: input.name ?? '安全生产知识考试（测试场次）',
			mode: 'online',
			opens_at: input.opensAt ?? new Date(now - 10 * 60_000),
			closes_at: input.closesAt ?? new Date(now + 3 * 3600_000),
			access_code: input.accessCode ?? null,
			paper_mode: input.paperMode ?? 'per_candidate',
			max_attempts: input.maxAttempts === undefined ? 2 : input.maxAttempts,
			require_fullscreen: input.requireFullscreen ?? false,
			require_webcam: input.requireWebcam ?? false,
			allow_new_device: input.allowNewDevice ?? true,
			review_policy: input.reviewPolicy ?? 'after_close',
			created_at: new Date()
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	for (const personId of input.personIds) {
		await db.insertInto('exam_candidates').values({ session_id: row.id, person_id: personId, added_at: new Date() }).execute();
	}
	if (input.prepare !== false) await prepareSessionPapers(db, row.id, new Date());
	return row.id;
}

/** The person behind a demo account (mobile or ID number). */
export async function personOfAccount(db: Db, account: string): Promise<number> {
	const row = await db
		.selectFrom('users')
		.select('person_id')
		.where((eb) => eb.or([eb('mobile', '=', account), eb('id_number', '=', account)]))
		.executeTakeFirstOrThrow();
	if (row.person_id === null) throw new Error(`account ${account} has no person`);
	return row.person_id;
}

export async function orgByName(db: Db, name: string): Promise<number> {
	return (await db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
}

export const DEMO_INSTITUTION = '重庆安训安全技术培训中心';

/**
 * The demo data plus an institution bank, a blueprint and sessions for the given demo learners,
 * all open now. Returns what the tests need to know (the bank's keys and explanations included).
 */
export async function seedExamScenario(db: Db, opts: { learners: string[]; sessions?: SessionOptions[]; blueprint?: Partial<Blueprint>; perType?: number }) {
	await seedIfEmpty(db, { demo: true });
	const institutionId = await orgByName(db, DEMO_INSTITUTION);
	const bank = await makeExamBank(db, institutionId, opts.perType ?? 6);
	const blueprintId = await makeBlueprint(db, institutionId, [bank.id], opts.blueprint);
	const personIds = await Promise.all(opts.learners.map((a) => personOfAccount(db, a)));
	const sessionIds: number[] = [];
	for (const s of opts.sessions ?? [{}]) sessionIds.push(await makeSession(db, { ownerOrgId: institutionId, blueprintId, personIds, ...s }));
	return { institutionId, bank, blueprintId, personIds, sessionIds };
}

/**
 * A database a built server can be started on, prepared with `prepare` first: an embedded data
 * directory (closed before the server opens it: one process at a time) or a new PostgreSQL database.
 */
export async function prepareServerDatabase<T>(backend: BackendName, prepare: (db: Db) => Promise<T>): Promise<{ env: Record<string, string>; url: string | null; value: T }> {
	let database: Database;
	let env: Record<string, string>;
	let url: string | null = null;
	if (backend === 'pglite') {
		const dir = mkdtempSync(join(tmpdir(), 'anxun-exam-'));
		database = await openDatabase({ kind: 'pglite', dataDir: dir });
		env = { ANXUN_DATA_DIR: dir };
	} else {
		url = await createEmptyPostgresDatabase();
		database = await openDatabase({ kind: 'postgres', url, max: 3 });
		env = { DATABASE_URL: url };
	}
	try {
		await migrateToLatest(database.db);
		const value = await prepare(database.db);
		return { env, url, value };
	} finally {
		await database.close();
	}
}

/** A tiny valid JPEG (SOI … EOI) for identity photos and snapshots. */
export const TINY_JPEG_BASE64 = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9]).toString('base64');
