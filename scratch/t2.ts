import { readFileSync } from 'node:fs';
import { FaceEngine } from '../src/lib/server/face/engine.ts';
const e = new FaceEngine({ workers: 1, queueMax: 4, timeoutMs: 20000 });
let t = Date.now(); await e.warm(); console.log('warm', Date.now() - t);
const b = new Uint8Array(readFileSync('node_modules/@vladmandic/human/assets/screenshot-faceid.jpg'));
t = Date.now(); const r = await e.analyse(b); console.log(Date.now() - t, r.ms, r.faces.map(f => [f.score, f.real, f.live, f.box, f.embedding.length]));
const ps = Array.from({ length: 8 }, () => e.analyse(b).then(() => 'ok', (x) => x.message));
console.log(await Promise.all(ps));
await e.close();
