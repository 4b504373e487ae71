// Factories for the certificate / 换证 / return-to-post / exchange part of 特种作业 (h4): the rows the
// earlier steps (application, scheduling, practical scoring) would have written, inserted directly.
import { deflateSync } from 'node:zlib';
import type { Db } from '../../src/lib/server/db/index.ts';
import { saveFile } from '../../src/lib/server/files/files.repository.ts';
import { makeBlueprint, makeCandidatePerson, makeEnterprise, makeSession } from './cert-factories.ts';
import { makeOrg, makeUser, validIdNumber } from './factories.ts';

let n = 0;
const T0 = new Date('2026-03-01T02:00:00Z');

const CRC_TABLE = Array.from({ length: 256 }, (_, i) => {
	let c = i;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
function crc32(buf: Buffer): number {
	let c = 0xffffffff;
	for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([len, body, crc]);
}

/** A real RGB PNG (5:7, light background with a darker centre: an ID-photo stand-in). */
export function makePhotoPng(width = 50, height = 70, shade = 60): Buffer {
	const raw = Buffer.alloc((width * 3 + 1) * height);
	for (let y = 0; y < height; y++) {
		raw[y * (width * 3 + 1)] = 0;
		for (let x = 0; x < width; x++) {
			const inner = x > width / 4 && x < (3 * width) / 4 && y > height / 5;
			const o = y * (width * 3 + 1) + 1 + x * 3;
			raw[o] = inner ? shade : 235;
			raw[o + 1] = inner ? shade : 240;
			raw[o + 2] = inner ? shade + 20 : 250;
		}
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8;
	ihdr[9] = 2;
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export async function makeSoWorld(db: Db) {
	const institution = await makeOrg(db, 'institution', '500112', `特种作业培训中心${++n}`);
	const regulator = await makeOrg(db, 'regulator', '500112', `渝北区应急管理局h4-${n}`);
	const enterprise = await makeEnterprise(db, '500112007', `渝北机械h4-${n}`);
	const users = {
		institution: await makeUser(db, { role: 'institution_admin', orgId: institution }),
		regulator: await makeUser(db, { role: 'regulator', orgId: regulator }),
		enterprise: await makeUser(db, { role: 'enterprise_admin', orgId: enterprise })
	};
	await db.insertInto('institution_scopes').values({ institution_org_id: institution, scope: 'special_operation', special_operation_code: '1.2', valid_from: '2025-01-01', created_at: T0 }).execute();
	return { ...(await soRows(db, institution, enterprise)), regulator, users, actors: {
		institution: { userId: users.institution.id, role: 'institution_admin', orgId: institution, personId: null, ip: '10.0.4.1' },
		regulator: { userId: users.regulator.id, role: 'regulator', orgId: regulator, regionPath: '/500000/500112/', regionCode: '500112', personId: null, ip: '10.0.4.2' },
		enterprise: { userId: users.enterprise.id, role: 'enterprise_admin', orgId: enterprise, personId: null, ip: '10.0.4.3' }
	} };
}

/** Row makers for applications of one institution and enterprise (test worlds and demo data directories). */
async function soRows(db: Db, institution: number, enterprise: number) {
	const blueprint = await makeBlueprint(db, institution, 'special_work');
	const theorySession = await makeSession(db, institution, blueprint, null);
	const centre = await db.insertInto('exam_centres').values({ institution_org_id: institution, name: `考试点${n}`, address: '渝北区测试路1号', region_code: '500112', created_at: T0 }).returning('id').executeTakeFirstOrThrow();
	const room = await db.insertInto('exam_centre_rooms').values({ centre_id: centre.id, kind: 'practical', name: '实操室', capacity: 20, special_operation_code: '1.2' }).returning('id').executeTakeFirstOrThrow();
	const sheetCode = `h4-sheet-${n}-${Date.now().toString(36)}`;
	await db.insertInto('practical_sheets').values({ code: sheetCode, version: 1, special_operation_code: '1.2', title: '测试评分表', definition: '{}', created_at: T0 }).execute();
	const practicalSession = async () =>
		(
			await db
				.insertInto('practical_sessions')
				.values({ institution_org_id: institution, room_id: room.id, special_operation_code: '1.2', sheet_code: sheetCode, sheet_version: 1, name: `实操场次${++n}`, opens_at: T0, closes_at: new Date(T0.getTime() + 4 * 3600_000), created_at: T0 })
				.returning('id')
				.executeTakeFirstOrThrow()
		).id;

	/** An accepted application of a new worker with a stored photo. */
	const application = async (o: { kind?: 'initial' | 'renewal' | 'return_to_post'; person?: number; previousCertificateId?: number | null; photo?: Buffer | null; name?: string } = {}) => {
		const person = o.person ?? (await makeCandidatePerson(db, enterprise, { op: '1.2', name: o.name ?? `工人${++n}`, idNumber: validIdNumber('500112', `1990${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (n % 28)).padStart(2, '0')}`) }));
		const photoBytes = o.photo === undefined ? makePhotoPng() : o.photo;
		const file = photoBytes ? await saveFile(db, { ownerOrgId: enterprise, name: 'photo.png', mime: 'image/png', data: new Uint8Array(photoBytes), createdBy: null, now: T0 }) : null;
		const row = await db
			.insertInto('so_applications')
			.values({
				person_id: person,
				special_operation_code: '1.2',
				institution_org_id: institution,
				enterprise_org_id: enterprise,
				channel: 'enterprise',
				kind: o.kind ?? 'initial',
				status: 'accepted',
				photo_file_id: file?.id ?? null,
				photo_sha256: file?.sha256 ?? null,
				previous_certificate_id: o.previousCertificateId ?? null,
				submitted_at: T0,
				updated_at: T0
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		return { person, application: row.id, photo: photoBytes, fileId: file?.id ?? null };
	};

	/** A finished theory attempt of the application (exam_candidates.application_id). */
	const theory = async (applicationId: number, personId: number, o: { passed?: boolean; finishedAt?: Date } = {}) => {
		const session = await makeSession(db, institution, blueprint, null);
		const cand = await db.insertInto('exam_candidates').values({ session_id: session, person_id: personId, added_at: T0, application_id: applicationId }).returning('id').executeTakeFirstOrThrow();
		const paper = await db.insertInto('exam_papers').values({ session_id: session, seed: `h4-${++n}`, slots: '[]', total_points: '100', created_at: T0 }).returning('id').executeTakeFirstOrThrow();
		const finishedAt = o.finishedAt ?? new Date(T0.getTime() + 3600_000);
		const passed = o.passed ?? true;
		return (
			await db
				.insertInto('exam_attempts')
				.values({ mode: 'exam', session_id: session, candidate_id: cand.id, person_id: personId, paper_id: paper.id, status: 'finished', finish_reason: 'submitted', started_at: finishedAt, deadline_at: new Date(finishedAt.getTime() + 7200_000), finished_at: finishedAt, score: passed ? '88' : '60', passed, created_at: finishedAt })
				.returning('id')
				.executeTakeFirstOrThrow()
		).id;
	};

	/** A practical attempt of the application: final (signed off) by default. */
	const practical = async (applicationId: number, personId: number, o: { passed?: boolean; status?: 'scheduled' | 'scored' | 'final'; finalisedAt?: Date; attemptNo?: number } = {}) => {
		const session = await practicalSession();
		const status = o.status ?? 'final';
		const passed = o.passed ?? true;
		const at = o.finalisedAt ?? new Date(T0.getTime() + 7 * 86_400_000);
		return (
			await db
				.insertInto('practical_attempts')
				.values({ session_id: session, application_id: applicationId, person_id: personId, station_no: 1, attempt_no: o.attemptNo ?? 1, status, score: status === 'scheduled' ? null : passed ? '90' : '40', veto: status === 'scheduled' ? null : !passed, passed: status === 'scheduled' ? null : passed, finalised_at: status === 'final' ? at : null, created_at: at })
				.returning('id')
				.executeTakeFirstOrThrow()
		).id;
	};

	return { institution, enterprise, theorySession, application, theory, practical };
}
