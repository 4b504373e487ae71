import type { Db } from '../db/index.ts';
import type { Scope } from '../auth/guards.ts';
import { getFile, readFileRange } from '../files/files.repository.ts';

// What a 准考证 prints, read for one caller: the applicant themself (learner), the enterprise that
// applied (enterprise_admin) or the institution that examines (institution_admin / examiner).
// Anyone else gets undefined (404).

export type AdmissionViewer = Pick<Scope, 'role' | 'orgId' | 'personId'>;

export type AdmissionData = {
	applicationId: number;
	name: string;
	idNumber: string;
	item: string;
	category: string;
	institutionName: string;
	photo: { bytes: Uint8Array; mime: string } | null;
	theory: { sessionId: number; name: string; opensAt: Date; closesAt: Date; place: string; room: string; seatNo: number | null } | null;
	practical: { sessionId: number; name: string; opensAt: Date; closesAt: Date; place: string; room: string; stationNo: number; attemptNo: number } | null;
};

export async function findAdmissionApplication(db: Db, viewer: AdmissionViewer, applicationId: number) {
	let q = db
		.selectFrom('so_applications as a')
		.innerJoin('persons as p', 'p.id', 'a.person_id')
		.innerJoin('special_operations as o', 'o.code', 'a.special_operation_code')
		.innerJoin('organisations as i', 'i.id', 'a.institution_org_id')
		.select(['a.id', 'a.status', 'a.photo_file_id', 'p.name', 'p.id_number', 'o.item', 'o.category', 'i.name as institution_name'])
		.where('a.id', '=', applicationId);
	if (viewer.role === 'learner') {
		if (viewer.personId === null) return undefined;
		q = q.where('a.person_id', '=', viewer.personId);
	} else if (viewer.role === 'enterprise_admin') q = q.where('a.enterprise_org_id', '=', viewer.orgId);
	else if (viewer.role === 'institution_admin' || viewer.role === 'examiner') q = q.where('a.institution_org_id', '=', viewer.orgId);
	else return undefined;
	return q.executeTakeFirst();
}

/** The 准考证 of an application, or undefined when the viewer may not see it; theory/practical null when not scheduled. */
export async function loadAdmission(db: Db, viewer: AdmissionViewer, applicationId: number): Promise<AdmissionData | undefined> {
	const app = await findAdmissionApplication(db, viewer, applicationId);
	if (!app) return undefined;
	const theory = await db
		.selectFrom('exam_candidates as k')
		.innerJoin('exam_sessions as s', 's.id', 'k.session_id')
		.innerJoin('exam_centre_rooms as x', 'x.id', 's.room_id')
		.innerJoin('exam_centres as c', 'c.id', 'x.centre_id')
		.select(['s.id', 's.name', 's.opens_at', 's.closes_at', 'c.name as centre_name', 'c.address', 'x.name as room_name', 'k.seat_no'])
		.where('k.application_id', '=', applicationId)
		.where('s.status', '!=', 'cancelled')
		.orderBy('s.opens_at', 'desc')
		.limit(1)
		.executeTakeFirst();
	const practical = await db
		.selectFrom('practical_attempts as t')
		.innerJoin('practical_sessions as s', 's.id', 't.session_id')
		.innerJoin('exam_centre_rooms as x', 'x.id', 's.room_id')
		.innerJoin('exam_centres as c', 'c.id', 'x.centre_id')
		.select(['s.id', 's.name', 's.opens_at', 's.closes_at', 'c.name as centre_name', 'c.address', 'x.name as room_name', 't.station_no', 't.attempt_no'])
		.where('t.application_id', '=', applicationId)
		.where('s.status', '!=', 'cancelled')
		.orderBy('t.attempt_no', 'desc')
		.limit(1)
		.executeTakeFirst();
	let photo: AdmissionData['photo'] = null;
	if (app.photo_file_id !== null) {
		const file = await getFile(db, app.photo_file_id);
		if (file && (file.mime === 'image/jpeg' || file.mime === 'image/png')) photo = { bytes: await readFileRange(db, file.id, 0, file.sizeBytes - 1), mime: file.mime };
	}
	return {
		applicationId: app.id,
		name: app.name,
		idNumber: app.id_number,
		item: app.item,
		category: app.category,
		institutionName: app.institution_name,
		photo,
		theory: theory ? { sessionId: theory.id, name: theory.name, opensAt: theory.opens_at, closesAt: theory.closes_at, place: `${theory.centre_name}（${theory.address}）`, room: theory.room_name, seatNo: theory.seat_no } : null,
		practical: practical
			? { sessionId: practical.id, name: practical.name, opensAt: practical.opens_at, closesAt: practical.closes_at, place: `${practical.centre_name}（${practical.address}）`, room: practical.room_name, stationNo: practical.station_no, attemptNo: practical.attempt_no }
			: null
	};
}
