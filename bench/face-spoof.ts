// npm run bench:face-spoof — what the antispoof ("real") and liveness models score on the package's
// face photos and on synthetic re-photographed versions of them (print, moiré, screen: see
// src/lib/server/face/recapture.ts), and what the enrolment liveness rule sees between frames
// (embedding similarity of the same picture re-encoded vs. moved). Figures go to docs/FACE.md.
// Needs no database (BENCH_DATABASE_URL is not read). Baseline in the same run: the same photos
// with no transform.
import { FaceEngine } from '../src/lib/server/face/engine.ts';
import { encodeJpeg } from '../src/lib/server/face/image.ts';
import { sampleRgb, tileRgb, type FaceSample } from '../src/lib/server/face/samples.ts';
import { RECAPTURES, shifted, zoomed, type RecaptureName } from '../src/lib/server/face/recapture.ts';
import { DEFAULT_FACE_THRESHOLDS as T, shapeChange, similarity } from '../src/lib/server/face/rules.ts';

const engine = new FaceEngine({ workers: 1, queueMax: 500, timeoutMs: 60_000 });
await engine.warm();
const named: FaceSample[] = ['a_reference', 'a_other', 'a_third', 'b_person', 'c_person'];
const photos = [...named.map((n) => ({ name: n, rgb: sampleRgb(n) })), ...[0, 2, 4, 5, 7, 8].map((c) => ({ name: `row1_${c}`, rgb: tileRgb(1, c) }))];

type Row = { real: number; live: number } | null;
const one = async (rgb: Parameters<typeof encodeJpeg>[0]): Promise<Row> => {
	const a = await engine.analyse(encodeJpeg(rgb));
	const f = a.faces.filter((x) => x.score >= T.minScore);
	return f.length === 1 ? { real: f[0]!.real, live: f[0]!.live } : null;
};
const stats = (xs: number[]) => (xs.length ? `min ${Math.min(...xs).toFixed(2)} median ${[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(2)} max ${Math.max(...xs).toFixed(2)}` : 'none');

const kinds: ('original' | RecaptureName)[] = ['original', ...(Object.keys(RECAPTURES) as RecaptureName[])];
const table: Record<string, { real: number[]; live: number[]; lost: number }> = {};
for (const k of kinds) table[k] = { real: [], live: [], lost: 0 };
for (const p of photos) {
	for (const k of kinds) {
		const r = await one(k === 'original' ? p.rgb : RECAPTURES[k](p.rgb));
		if (!r) table[k]!.lost++;
		else {
			table[k]!.real.push(r.real);
			table[k]!.live.push(r.live);
		}
	}
}
console.log(`${photos.length} photos; thresholds minReal=${T.minReal} minLive=${T.minLive}`);
for (const k of kinds) {
	const t = table[k]!;
	const caught = t.real.filter((v, i) => v < T.minReal || t.live[i]! < T.minLive).length;
	console.log(`${k.padEnd(12)} real: ${stats(t.real)} | live: ${stats(t.live)} | spoof at defaults: ${caught}/${t.real.length} | no single face: ${t.lost}`);
}

// frame-to-frame: the same picture three times (re-encoded), moved, brought closer — what a photo
// held up to the camera gives — against different photos of the same man (a live head moving)
const analyse = async (rgb: Parameters<typeof encodeJpeg>[0], q = 90) => (await engine.analyse(encodeJpeg(rgb, q))).faces[0];
const same: number[] = [];
const moved: number[] = [];
const stillShape: number[] = [];
for (const p of photos) {
	const f0 = (await analyse(p.rgb, 90))!;
	const variants = [await analyse(p.rgb, 80), await analyse(shifted(p.rgb, 6, 3, 1.05)), await analyse(shifted(p.rgb, -5, 4, 0.95)), await analyse(zoomed(p.rgb, 1.1)), await analyse(RECAPTURES.print(p.rgb))];
	same.push(similarity(f0.embedding, variants[0]!.embedding));
	for (const v of variants.slice(1)) if (v) moved.push(similarity(f0.embedding, v.embedding));
	for (const v of variants) if (v) stillShape.push(shapeChange(f0.landmarks, v.landmarks));
}
// a_other and a_third are tiles of this row: not counted twice
const man = [await analyse(sampleRgb('a_reference'))];
const manRow: Awaited<ReturnType<typeof analyse>>[] = [];
for (let c = 0; c < 9; c++) manRow.push(await analyse(tileRgb(0, c)));
const liveShape: number[] = [];
const all = [...man, ...manRow].filter((f) => f !== undefined);
for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) liveShape.push(shapeChange(all[i]!.landmarks, all[j]!.landmarks));
console.log(`frame embedding similarity, same picture re-encoded: ${stats(same)} | moved/closer/re-printed: ${stats(moved)}`);
console.log(`shape change (Procrustes) of one still picture re-encoded/moved/closer/re-printed: ${stats(stillShape)} | between photos of the same man: ${stats(liveShape)} | minMotion=${T.minMotion}`);
const realOrig = table.original!.real;
const realSpoof = kinds.filter((k) => k !== 'original').flatMap((k) => table[k]!.real);
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(2);
console.log(`photos=${photos.length} real_p50_original=${med(realOrig)} real_p50_recaptured=${med(realSpoof)} still_shape_max=${Math.max(...stillShape).toFixed(4)} live_shape_min=${Math.min(...liveShape).toFixed(4)}`);
await engine.close();
