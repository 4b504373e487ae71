// npm run bench:face — the face model on one core: detection + embedding + antispoof/liveness +
// match per photo (one worker thread, photos one at a time), then the throughput of the
// verification queue with a burst of photos. Photos: 18 faces cut from the model package's own
// picture (src/lib/server/face/samples.ts). Baseline in the same run: the match step alone
// (embedding comparison in plain JS), i.e. what the rules cost without the model.
// Options: --rounds 5 --workers 1. Needs no database (BENCH_DATABASE_URL is not read).
import { performance } from 'node:perf_hooks';
import { FaceEngine } from '../src/lib/server/face/engine.ts';
import { benchImages, sampleJpeg } from '../src/lib/server/face/samples.ts';
import { DEFAULT_FACE_THRESHOLDS, judgeFace, similarity } from '../src/lib/server/face/rules.ts';
import { numberArg } from './support.ts';

const ROUNDS = numberArg('rounds', 5);
const WORKERS = numberArg('workers', 1);
const images = benchImages();
const engine = new FaceEngine({ workers: WORKERS, queueMax: images.length * ROUNDS + 1, timeoutMs: 60_000 });
let t = performance.now();
await engine.warm();
console.log(`model load + warm-up: ${Math.round(performance.now() - t)} ms (${WORKERS} worker)`);
const reference = (await engine.analyse(sampleJpeg('a_reference'))).faces[0]!.embedding;
// first real photo compiles the remaining kernels: not counted
await engine.analyse(images[0]!);

const pct = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

// 1. one at a time: latency per photo as a caller sees it (queue + worker + match)
const lat: number[] = [];
const inWorker: number[] = [];
const outcomes: Record<string, number> = {};
for (let r = 0; r < ROUNDS; r++) {
	for (const img of images) {
		const t0 = performance.now();
		const a = await engine.analyse(img);
		const v = judgeFace(a, reference, DEFAULT_FACE_THRESHOLDS);
		lat.push(performance.now() - t0);
		inWorker.push(a.ms);
		outcomes[v.outcome] = (outcomes[v.outcome] ?? 0) + 1;
	}
}
console.log(`sequential: ${lat.length} photos, p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms (in worker p50 ${pct(inWorker, 50)} ms)`, outcomes);

// 2. a burst: every photo queued at once
t = performance.now();
const burst = await Promise.all(Array.from({ length: images.length * ROUNDS }, (_, i) => engine.analyse(images[i % images.length]!)));
const burstMs = performance.now() - t;
const perS = burst.length / (burstMs / 1000);
console.log(`burst: ${burst.length} photos in ${Math.round(burstMs)} ms → ${perS.toFixed(2)} photos/s with ${WORKERS} worker`);

// 3. busy: a queue bound of 4 refuses the rest at once
const small = new FaceEngine({ workers: 1, queueMax: 4, timeoutMs: 60_000 });
const refused = (await Promise.allSettled(Array.from({ length: 10 }, () => small.analyse(images[0]!)))).filter((r) => r.status === 'rejected').length;
console.log(`bounded queue (4): ${refused} of 10 refused with 核验繁忙，稍后重试`);
await small.close();

// baseline: the match step alone
const e = burst.flatMap((b) => b.faces.map((f) => f.embedding));
t = performance.now();
let n = 0;
for (let i = 0; i < 20_000; i++) {
	similarity(e[i % e.length]!, reference);
	n++;
}
console.log(`baseline: embedding match alone ${(((performance.now() - t) * 1000) / n).toFixed(1)} µs per comparison`);
await engine.close();
console.log(`images=${lat.length} face_ms_p50=${Math.round(pct(lat, 50))} face_ms_p99=${Math.round(pct(lat, 99))} per_s=${perS.toFixed(2)}`);
