// Factories for 特种作业 scheduling tests (h2): an institution with a 考试点 (a computer room and a
// 低压电工 practical room), examiners, a scoring sheet, and accepted applications written directly
// (the application use cases belong to another capability).
import { crc32, deflateSync } from 'node:zlib';
import type { Db } from '../../src/lib/server/db/index.ts';
import { saveFile } from '../../src/lib/server/files/files.repository.ts';
import { makeOrg, makeUser, validIdNumber } from './factories.ts';
import { prepareDemoDir } from './demo-dir.ts';

let n = 0;
export const DIYA = '1.2'; // 低压电工作业
export const HANJIE = '2.1'; // 熔化焊接与热切割作业

/** A 5:7 PNG ID photo (light background, a dark head-and-shoulders block), built without an image library. */
export function idPhotoPng(width = 295, height = 413): Buffer {
	const raw = Buffer.alloc((width * 3 + 1) * height);
	for (let y = 0; y < height; y++) {
		const row = y * (width * 3 + 1);
		raw[row] = 0;
		for (let x = 0; x < width; x++) {
			const person = (x - width / 2) ** 2 / (width * 0.22) ** 2 + (y - height * 0.38) ** 2 / (height * 0.2) ** 2 < 1 || (y > height * 0.62 && Math.abs(x - width / 2) < width * 0.38);
			const [r, g, b] = person ? [40, 48, 60] : [225, 236, 248];
			raw[row + 1 + x * 3] = r;
			raw[row + 2 + x * 3] = g;
			raw[row + 3 + x * 3] = b;
		}
	}
	const chunk = (type: string, data: Buffer) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(crc32(td) >>> 0);
		return Buffer.concat([len, td, crc]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8;
	ihdr[9] = 2;
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export async function makeSheet(db: Db, code: string, specialOperationCode: string) {
	await db
		.insertInto('practical_sheets')
		.values({ code, version: 1, special_operation_code: specialOperationCode, title: `测试评分表 ${code}`, definition: JSON.stringify({ subjects: [], passMark: 80 }), created_at: new Date() })
		.onConflict((oc) => oc.columns(['code', 'version']).doNothing())
		.execute();
	return `${code}@1`;
}

export async function makeCentre(db: Db, institutionOrgId: number, opts: { computerSeats?: number; practicalStations?: number; code?: string } = {}) {
	const centre = await db
		.insertInto('exam_centres')
		.values({ institution_org_id: institutionOrgId, name: `测试考试点${++n}`, address: '渝北区测试路1号', region_code: '500112', video_recording: true, created_at: new Date() })
		.returning('id')
		.executeTakeFirstOrThrow();
	const computer = await db.insertInto('exam_centre_rooms').values({ centre_id: centre.id, kind: 'computer', name: '机考室一', capacity: opts.computerSeats ?? 3 }).returning('id').executeTakeFirstOrThrow();
	const practical = await db
		.insertInto('exam_centre_rooms')
		.values({ centre_id: centre.id, kind: 'practical', name: '低压电工实操室', capacity: opts.practicalStations ?? 2, special_operation_code: opts.code ?? DIYA })
		.returning('id')
		.executeTakeFirstOrThrow();
	return { centreId: centre.id, computerRoomId: computer.id, practicalRoomId: practical.id };
}

export async function makePerson(db: Db, orgId: number, name?: string, birth = '19900505') {
	const row = await db
		.insertInto('persons')
		.values({ name: name ?? `考生${++n}`, id_number: validIdNumber('500112', birth), org_id: orgId, role_category: 'special_worker', special_operation_code: DIYA })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function makeApplication(
	db: Db,
	v: { personId: number; institutionOrgId: number; enterpriseOrgId?: number | null; code?: string; status?: 'submitted' | 'returned' | 'accepted' | 'refused' | 'withdrawn'; cohortId?: number | null; photo?: boolean }
) {
	const now = new Date();
	let photoFileId: number | null = null;
	let photoSha: string | null = null;
	if (v.photo) {
		const file = await saveFile(db, { ownerOrgId: v.institutionOrgId, name: 'photo.png', mime: 'image/png', data: idPhotoPng(), createdBy: null, now });
		photoFileId = file.id;
		photoSha = file.sha256;
	}
	const row = await db
		.insertInto('so_applications')
		.values({
			person_id: v.personId,
			special_operation_code: v.code ?? DIYA,
			institution_org_id: v.institutionOrgId,
			enterprise_org_id: v.enterpriseOrgId ?? null,
			channel: v.enterpriseOrgId ? 'enterprise' : 'individual',
			cohort_id: v.cohortId ?? null,
			status: v.status ?? 'accepted',
			education: 'senior',
			photo_file_id: photoFileId,
			photo_sha256: photoSha,
			submitted_at: now,
			updated_at: now
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function makeCohort(db: Db, institutionOrgId: number, teacherIds: number[], code = DIYA) {
	const row = await db
		.insertInto('training_cohorts')
		.values({ institution_org_id: institutionOrgId, special_operation_code: code, name: `低压电工培训班${++n}`, starts_on: '2026-06-01', ends_on: '2026-06-20', created_at: new Date() })
		.returning('id')
		.executeTakeFirstOrThrow();
	for (const user_id of teacherIds) await db.insertInto('training_cohort_teachers').values({ cohort_id: row.id, user_id }).execute();
	return row.id;
}

// A definition the blueprint pages can read (the list sums section counts); '{}' made them fail with a 500.
const THEORY_DEFINITION = {
	sections: [{ title: '单选题', type: 'single', count: 10, points: 10 }],
	multipleScoring: 'all_or_nothing',
	durationMinutes: 60,
	totalPoints: 100,
	passMark: 80,
	shuffleQuestions: 'within_sections',
	shuffleOptions: true
};

export async function makeTheoryBlueprint(db: Db, institutionOrgId: number) {
	const row = await db
		.insertInto('exam_blueprints')
		.values({ owner_org_id: institutionOrgId, name: `特种作业理论${++n}`, bank_ids: '[]', definition: JSON.stringify(THEORY_DEFINITION), certificate_type: 'special_work', created_at: new Date(), updated_at: new Date() })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** An institution (admin + two examiners), its 考试点, an enterprise, and the 低压电工 sheet. */
export async function makeSchedulingWorld(db: Db, opts: { computerSeats?: number; practicalStations?: number } = {}) {
	const institution = await makeOrg(db, 'institution');
	const admin = await makeUser(db, { role: 'institution_admin', orgId: institution });
	const examinerA = await makeUser(db, { role: 'examiner', orgId: institution });
	const examinerB = await makeUser(db, { role: 'examiner', orgId: institution });
	await db.updateTable('users').set({ display_name: '考评员甲' }).where('id', '=', examinerA.id).execute();
	await db.updateTable('users').set({ display_name: '考评员乙' }).where('id', '=', examinerB.id).execute();
	const enterprise = await makeOrg(db, 'enterprise');
	const rooms = await makeCentre(db, institution, opts);
	const sheet = await makeSheet(db, 'h2-test-diya', DIYA);
	const blueprintId = await makeTheoryBlueprint(db, institution);
	const actor = { userId: admin.id, role: 'institution_admin', orgId: institution, personId: null, ip: null };
	return { institution, admin, examinerA, examinerB, enterprise, ...rooms, sheet, blueprintId, actor };
}

/**
 * A PGlite data directory with the demo data plus what the scheduling journey starts from: two
 * accepted 低压电工 applications of 渝北精工 workers (孙海涛 13800000007 and 李电工) at the demo
 * institution, with ID photos; a second examiner (王考评); a 低压电工 scoring sheet and a theory
 * blueprint. Closed before returning (the server takes the directory's lock).
 */
export async function prepareSchedulingDemoDir(dir: string): Promise<{ sunApp: number; liApp: number }> {
	const { hashPassword } = await import('../../src/lib/server/auth/password.ts');
	return prepareDemoDir(dir, async (db, demo) => {
		const inst = demo.institutionId;
		const sun = await demo.person('13800000007');
		const li = await makePerson(db, sun.org_id, '李电工');
		const sunApp = await makeApplication(db, { personId: sun.id, institutionOrgId: inst, enterpriseOrgId: sun.org_id, photo: true });
		const liApp = await makeApplication(db, { personId: li, institutionOrgId: inst, enterpriseOrgId: sun.org_id, photo: true });
		const wang = await db.insertInto('users').values({ display_name: '王考评', mobile: '13800000055', password_hash: await hashPassword('Anxun@2026'), must_change_password: false }).returning('id').executeTakeFirstOrThrow();
		await db.insertInto('memberships').values({ user_id: wang.id, role: 'examiner', org_id: inst }).execute();
		await makeSheet(db, 'h2-test-diya', DIYA);
		await makeTheoryBlueprint(db, inst);
		return { sunApp, liApp };
	});
}
