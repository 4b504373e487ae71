import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser, validIdNumber } from '../support/factories.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import type { Role } from '../../src/lib/domain/labels.ts';
import { CHUNK_BYTES, getFile, readFileRange, saveFile } from '../../src/lib/server/files/files.repository.ts';
import { streamFileRange } from '../../src/lib/server/files/file-stream.ts';
import { canReadFile } from '../../src/lib/server/files/access.ts';

const NOW = new Date('2026-11-26T08:00:00Z');

async function makePerson(db: Db, orgId: number): Promise<number> {
	const row = await db.insertInto('persons').values({ name: '学员', id_number: validIdNumber(), org_id: orgId, role_category: 'principal' }).returning('id').executeTakeFirstOrThrow();
	return row.id;
}

/** A course owned by `ownerOrgId` with one lesson that uses `fileId`. */
async function makeCourseUsing(db: Db, ownerOrgId: number, fileId: number, status: 'draft' | 'published' | 'retired' = 'published') {
	const course = await db
		.insertInto('courses')
		.values({ code: `files-${randomBytes(4).toString('hex')}`, title: '文件测试课程', training_type: 'topic', credit_hours: '0.1', owner_org_id: ownerOrgId, status, created_at: NOW, updated_at: NOW, published_at: NOW })
		.returning('id')
		.executeTakeFirstOrThrow();
	const mod = await db.insertInto('course_modules').values({ course_id: course.id, title: '第一章', position: 1 }).returning('id').executeTakeFirstOrThrow();
	await db.insertInto('lessons').values({ course_id: course.id, module_id: mod.id, title: 'PDF', kind: 'pdf', file_id: fileId, minutes: 5, position: 1 }).execute();
	return course.id;
}

async function enrol(db: Db, personId: number, courseId: number, status: 'active' | 'withdrawn' = 'active') {
	await db.insertInto('enrolments').values({ person_id: personId, course_id: courseId, plan_year: 2026, source: 'manual', status, created_at: NOW }).execute();
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
	const parts: Uint8Array[] = [];
	for await (const part of stream) parts.push(part);
	return Buffer.concat(parts);
}

describe.each(BACKENDS)('file store (%s)', (backend) => {
	let t: TestDatabase;
	let db: Db;
	let instA: number;
	let instB: number;
	let enterprise: number;
	let user: number;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		db = t.db;
		instA = await makeOrg(db, 'institution');
		instB = await makeOrg(db, 'institution');
		enterprise = await makeOrg(db, 'enterprise');
		user = (await makeUser(db, { role: 'institution_admin', orgId: instA })).id;
	});
	afterAll(async () => t?.close());

	const megabyte = randomBytes(1024 * 1024 + 123); // four full chunks and a short fifth

	it('a 1 MB file round-trips through 256 KiB chunks', async () => {
		const saved = await saveFile(db, { ownerOrgId: instA, name: '课件.pdf', mime: 'application/pdf', data: megabyte, createdBy: user, now: NOW });
		expect(saved).toMatchObject({ ownerOrgId: instA, name: '课件.pdf', mime: 'application/pdf', sizeBytes: megabyte.length, chunkBytes: CHUNK_BYTES, createdBy: user });
		expect(saved.sha256).toBe(createHash('sha256').update(megabyte).digest('hex'));
		const chunks = await db.selectFrom('file_chunks').select(['seq', (eb) => eb.fn('length', ['data']).as('len')]).where('file_id', '=', saved.id).orderBy('seq').execute();
		expect(chunks.map((c) => [c.seq, Number(c.len)])).toEqual([[0, CHUNK_BYTES], [1, CHUNK_BYTES], [2, CHUNK_BYTES], [3, CHUNK_BYTES], [4, 123]]);
		expect(Buffer.from(await readFileRange(db, saved.id, 0, megabyte.length - 1)).equals(megabyte)).toBe(true);
		expect(await getFile(db, saved.id)).toEqual(saved);
		expect(await getFile(db, saved.id + 1000)).toBeUndefined();
	});

	it('stores a Blob (a posted File) the same way as bytes', async () => {
		const saved = await saveFile(db, { ownerOrgId: instA, name: 'v.webm', mime: 'video/webm', data: new Blob([megabyte]), createdBy: null, now: NOW });
		expect(saved.sha256).toBe(createHash('sha256').update(megabyte).digest('hex'));
		expect(Buffer.from(await readFileRange(db, saved.id, 0, megabyte.length - 1)).equals(megabyte)).toBe(true);
	});

	it('returns the exact bytes of ranges inside, across and at the ends of chunks', async () => {
		const { id } = await saveFile(db, { ownerOrgId: instA, name: 'r.pdf', mime: 'application/pdf', data: megabyte, createdBy: null, now: NOW });
		const size = megabyte.length;
		const ranges: [number, number][] = [
			[0, 0],
			[0, 99],
			[CHUNK_BYTES - 1, CHUNK_BYTES], // one byte either side of a boundary
			[CHUNK_BYTES - 10, 3 * CHUNK_BYTES + 10], // across four chunks
			[2 * CHUNK_BYTES, 3 * CHUNK_BYTES - 1], // exactly one chunk
			[4 * CHUNK_BYTES, size - 1], // the short last chunk
			[size - 1, size - 1]
		];
		for (const [a, b] of ranges) {
			const got = Buffer.from(await readFileRange(db, id, a, b));
			expect(got.equals(megabyte.subarray(a, b + 1)), `${a}-${b}`).toBe(true);
		}
		// past the end: what there is; nonsense: nothing
		expect(Buffer.from(await readFileRange(db, id, size - 5, size + 1000)).equals(megabyte.subarray(size - 5))).toBe(true);
		expect((await readFileRange(db, id, 10, 5)).byteLength).toBe(0);
		expect((await readFileRange(db, id, -1, 5)).byteLength).toBe(0);
	});

	it('reads only the chunks a range overlaps', async () => {
		const { id } = await saveFile(db, { ownerOrgId: instA, name: 'p.pdf', mime: 'application/pdf', data: megabyte, createdBy: null, now: NOW });
		// with chunks 0, 1 and 4 gone, a range within chunks 2–3 still reads exactly
		await db.deleteFrom('file_chunks').where('file_id', '=', id).where('seq', 'in', [0, 1, 4]).execute();
		const a = 2 * CHUNK_BYTES + 7;
		const b = 4 * CHUNK_BYTES - 3;
		expect(Buffer.from(await readFileRange(db, id, a, b)).equals(megabyte.subarray(a, b + 1))).toBe(true);
		// and the stream notices a hole instead of sending short content
		await expect(readAll(streamFileRange(db, id, 0, 100))).rejects.toThrow(/expected 101 bytes/);
	});

	it('streams a range in windows with the exact bytes', async () => {
		const big = randomBytes(9 * 1024 * 1024 + 5); // three 4 MiB windows
		const { id } = await saveFile(db, { ownerOrgId: instA, name: 'big.webm', mime: 'video/webm', data: big, createdBy: null, now: NOW });
		expect((await readAll(streamFileRange(db, id, 0, big.length - 1))).equals(big)).toBe(true);
		const a = 4 * 1024 * 1024 - 3;
		expect((await readAll(streamFileRange(db, id, a, big.length - 2))).equals(big.subarray(a, big.length - 1))).toBe(true);
	});

	it('saveFile writes nothing when the surrounding transaction fails', async () => {
		const before = await db.selectFrom('files').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
		await expect(
			db.transaction().execute(async (tx) => {
				await saveFile(tx, { ownerOrgId: instA, name: 'x.pdf', mime: 'application/pdf', data: megabyte, createdBy: null, now: NOW });
				throw new Error('rollback');
			})
		).rejects.toThrow('rollback');
		const after = await db.selectFrom('files').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
		expect(Number(after.n)).toBe(Number(before.n));
	});

	describe('canReadFile', () => {
		let fileId: number;
		let courseId: number;
		const scope = (role: Role, orgId: number, personId: number | null = null) => ({ role, orgId, personId, userId: 0 });
		beforeAll(async () => {
			fileId = (await saveFile(db, { ownerOrgId: instA, name: '处置卡.pdf', mime: 'application/pdf', data: megabyte.subarray(0, 1000), createdBy: user, now: NOW })).id;
			courseId = await makeCourseUsing(db, instA, fileId);
		});

		it('lets the owner institution\'s staff and platform admins read', async () => {
			expect(await canReadFile(db, scope('institution_admin', instA), fileId)).toBe(true);
			expect(await canReadFile(db, scope('examiner', instA), fileId)).toBe(true);
			expect(await canReadFile(db, scope('platform_admin', 1), fileId)).toBe(true);
		});

		it('should not let another institution read it', async () => {
			expect(await canReadFile(db, scope('institution_admin', instB), fileId)).toBe(false);
			expect(await canReadFile(db, scope('examiner', instB), fileId)).toBe(false);
		});

		it('lets a learner enrolled in a published course using the file read it', async () => {
			const learner = await makePerson(db, enterprise);
			await enrol(db, learner, courseId);
			expect(await canReadFile(db, scope('learner', enterprise, learner), fileId)).toBe(true);
		});

		it('should not let an un-enrolled, withdrawn or retired-course learner read it', async () => {
			const stranger = await makePerson(db, enterprise);
			expect(await canReadFile(db, scope('learner', enterprise, stranger), fileId)).toBe(false);
			const withdrawn = await makePerson(db, enterprise);
			await enrol(db, withdrawn, courseId, 'withdrawn');
			expect(await canReadFile(db, scope('learner', enterprise, withdrawn), fileId)).toBe(false);
			// enrolled in another course, which does not use this file
			const other = await makePerson(db, enterprise);
			const otherFile = (await saveFile(db, { ownerOrgId: instA, name: 'o.pdf', mime: 'application/pdf', data: megabyte.subarray(0, 10), createdBy: null, now: NOW })).id;
			await enrol(db, other, await makeCourseUsing(db, instA, otherFile));
			expect(await canReadFile(db, scope('learner', enterprise, other), fileId)).toBe(false);
			expect(await canReadFile(db, scope('learner', enterprise, other), otherFile)).toBe(true);
			// learners can no longer study a retired course
			const retiredFile = (await saveFile(db, { ownerOrgId: instA, name: 'r.pdf', mime: 'application/pdf', data: megabyte.subarray(0, 10), createdBy: null, now: NOW })).id;
			const late = await makePerson(db, enterprise);
			await enrol(db, late, await makeCourseUsing(db, instA, retiredFile, 'retired'));
			expect(await canReadFile(db, scope('learner', enterprise, late), retiredFile)).toBe(false);
		});

		it('should not let other roles read, nor anyone read a file that does not exist', async () => {
			const learner = await makePerson(db, enterprise);
			await enrol(db, learner, courseId);
			// the same person acting as an enterprise admin or regulator gets nothing from the enrolment
			expect(await canReadFile(db, scope('enterprise_admin', enterprise, learner), fileId)).toBe(false);
			expect(await canReadFile(db, scope('regulator', enterprise, learner), fileId)).toBe(false);
			expect(await canReadFile(db, scope('learner', enterprise, null), fileId)).toBe(false);
			expect(await canReadFile(db, scope('platform_admin', 1), 987654)).toBe(false);
		});
	});
});
