import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const fs = require('fs'); const jpeg = require('jpeg-js');
globalThis.fetch = ((o) => async (input, init) => { const u = typeof input === 'string' ? input : input.url; if (u.startsWith('file://')) return new Response(fs.readFileSync(new URL(u))); return o(input, init); })(globalThis.fetch);
const H = require(require.resolve('@vladmandic/human').replace(/human\.node\.js$/, 'human.node-wasm.js'));
const human = new H.Human({ backend: 'wasm', wasmPath: process.cwd() + '/node_modules/@tensorflow/tfjs-backend-wasm/dist/', wasmPlatformFetch: false, modelBasePath: 'file://' + process.cwd() + '/node_modules/@vladmandic/human/models/', debug: false, cacheSensitivity: 0, filter: { enabled: false },
  face: { enabled: true, detector: { rotation: false, maxDetected: 5, skipFrames: 0, minConfidence: 0.5 }, mesh: { enabled: true }, iris: { enabled: false }, description: { enabled: true, skipFrames: 0 }, emotion: { enabled: false }, antispoof: { enabled: true, skipFrames: 0 }, liveness: { enabled: true, skipFrames: 0 } },
  body: { enabled: false }, hand: { enabled: false }, object: { enabled: false }, gesture: { enabled: false }, segmentation: { enabled: false } });
await human.load();
const src = jpeg.decode(fs.readFileSync('node_modules/@vladmandic/human/assets/screenshot-facematch.jpg'), { useTArray: true, formatAsRGBA: false });
function crop(x0, y0, w, h, scale = 2, pad = 80) {
  const W = Math.round(w * scale) + 2 * pad, Hh = Math.round(h * scale) + 2 * pad; const out = new Uint8Array(W * Hh * 3).fill(40);
  for (let y = 0; y < h * scale; y++) for (let x = 0; x < w * scale; x++) { const si = ((y0 + Math.floor(y / scale)) * src.width + x0 + Math.floor(x / scale)) * 3, di = ((y + pad) * W + x + pad) * 3; out[di] = src.data[si]; out[di+1] = src.data[si+1]; out[di+2] = src.data[si+2]; }
  return { data: out, width: W, height: Hh };
}
const items = [['sel', crop(0, 25, 170, 165, 1.5)]];
for (let r = 0; r < 2; r++) for (let c = 0; c < 9; c++) items.push([`r${r}c${c}`, crop(c * 107, 300 + r * 107, 104, 90)]);
const embs = {};
for (const [name, im] of items) {
  const t = human.tf.tensor3d(im.data, [im.height, im.width, 3], 'int32'); const t0 = Date.now();
  const r = await human.detect(t); t.dispose();
  console.log(name, Date.now() - t0, 'ms', r.face.length, r.face.map(f => `score=${f.score.toFixed(2)} real=${f.real?.toFixed(2)} live=${f.live?.toFixed(2)} box=${f.box}`).join(' | '));
  if (r.face[0]) embs[name] = r.face[0].embedding;
}
const names = Object.keys(embs);
for (const a of names) console.log(a.padEnd(5), names.map(b => human.match.similarity(embs[a], embs[b]).toFixed(2)).join(' '));
