import { writeFileSync } from 'node:fs';
import { FaceEngine } from '../src/lib/server/face/engine.ts';
import { sampleJpeg } from '../src/lib/server/face/samples.ts';
const e = new FaceEngine({ workers: 1, queueMax: 8, timeoutMs: 60000 });
await e.warm();
const out: Record<string, number[]> = {};
for (const s of ['a_reference', 'a_other'] as const) out[s] = (await e.analyse(sampleJpeg(s))).faces[0]!.embedding.map((x) => Math.round(x * 1e5) / 1e5);
writeFileSync('seeds/face-demo-embeddings.json', JSON.stringify(out));
await e.close();
