import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { Db } from '../../src/lib/server/db/index.ts';
import { validIdNumber } from './factories.ts';

// 特种作业 报名 (h1) test data: ID photos drawn in memory, 机构资质 rows, workers of a given age.

export type PhotoSpec = { width?: number; height?: number; shoulders?: number; background?: [number, number, number]; noisyBackground?: boolean; format?: 'png' | 'jpeg' };

/** A portrait-like image: a plain background with a dark head and shoulders in the lower middle. */
export function drawPhoto(spec: PhotoSpec = {}): Uint8Array {
	const width = spec.width ?? 413;
	const height = spec.height ?? 578;
	const [br, bg, bb] = spec.background ?? [250, 250, 250];
	const data = Buffer.alloc(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 4;
			const nx = (x - width / 2) / (width * 0.22);
			const ny = (y - height * 0.45) / (height * 0.2);
			const head = nx * nx + ny * ny <= 1;
			const shoulders = y > height * 0.72 && Math.abs(x - width / 2) < width * (spec.shoulders ?? 0.4);
			let c: [number, number, number] = head ? [120, 90, 70] : shoulders ? [30, 30, 60] : [br, bg, bb];
			if (!head && !shoulders && spec.noisyBackground) c = (x * 7 + y * 13) % 3 === 0 ? [20, 120, 40] : [200, 60, 60];
			data[i] = c[0];
			data[i + 1] = c[1];
			data[i + 2] = c[2];
			data[i + 3] = 255;
		}
	}
	if (spec.format === 'jpeg') return new Uint8Array(jpeg.encode({ width, height, data }, 90).data);
	const png = new PNG({ width, height });
	data.copy(png.data);
	return new Uint8Array(PNG.sync.write(png));
}

/** A small document image (身份证 front/back). */
export function drawDocument(): Uint8Array {
	return drawPhoto({ width: 320, height: 200, background: [200, 220, 240] });
}

export async function grantScope(db: Db, institutionOrgId: number, code: string, validFrom = '2025-01-01', validUntil: string | null = null) {
	await db
		.insertInto('institution_scopes')
		.values({ institution_org_id: institutionOrgId, scope: 'special_operation', special_operation_code: code, valid_from: validFrom, valid_until: validUntil, created_at: new Date() })
		.execute();
}

let n = 0;

/** A worker of the organisation born on the date (YYYYMMDD); odd sequence digit = male. */
export async function makeWorker(db: Db, orgId: number, birth: string, opts: { name?: string; female?: boolean } = {}) {
	let id = validIdNumber('500112', birth);
	// The 17th digit carries the sex: make it match what was asked.
	for (let tries = 0; tries < 20 && (Number(id[16]) % 2 === 1) === Boolean(opts.female); tries++) id = validIdNumber('500112', birth);
	const row = await db
		.insertInto('persons')
		.values({ name: opts.name ?? `作业人员${++n}`, id_number: id, org_id: orgId, role_category: 'special_worker', special_operation_code: '1.2' })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}
