import type { Db } from '../db/index.ts';
import { saveFile } from '../files/files.repository.ts';
import { insertEvents } from './exam.repository.ts';
import { findSessionAttempt, insertSnapshot } from './snapshot.repository.ts';

export const SNAPSHOT_MAX_BYTES = 300 * 1024;

/** JPEG starts FF D8 FF; the page encodes camera frames as JPEG. */
export function isJpeg(bytes: Uint8Array): boolean {
	return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

export function checkSnapshot(bytes: Uint8Array): string | null {
	if (!bytes.length) return '照片为空';
	if (bytes.length > SNAPSHOT_MAX_BYTES) return `照片过大（最大 ${SNAPSHOT_MAX_BYTES / 1024} KB）`;
	if (!isJpeg(bytes)) return '照片须为 JPEG 格式';
	return null;
}

/**
 * Stores a webcam photo with the attempt. The file belongs to the institution running the session,
 * so its examiners can see it and nobody else can.
 */
export async function storeSnapshot(db: Db, input: { attemptId: number; personId: number; userId: number; kind: 'identity' | 'random'; image: Uint8Array }, now: Date): Promise<number> {
	const problem = checkSnapshot(input.image);
	if (problem) throw new Error(problem);
	const attempt = await findSessionAttempt(db, input.attemptId);
	if (!attempt || attempt.person_id !== input.personId) throw new Error('考试记录不存在');
	if (attempt.status !== 'in_progress') throw new Error('考试不在进行中，不再接收照片');
	const file = await saveFile(db, { ownerOrgId: attempt.owner_org_id, name: `attempt-${input.attemptId}-${input.kind}-${now.getTime()}.jpg`, mime: 'image/jpeg', data: input.image, createdBy: input.userId, now });
	const snapshotId = await insertSnapshot(db, { attemptId: input.attemptId, kind: input.kind, fileId: file.id, now });
	await insertEvents(db, input.attemptId, [{ at: now, source: 'server', kind: 'snapshot', detail: { snapshotId, photo: input.kind } }]);
	return snapshotId;
}
