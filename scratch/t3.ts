import { FaceEngine } from '../src/lib/server/face/engine.ts';
import { sampleJpeg, type FaceSample } from '../src/lib/server/face/samples.ts';
import { judgeFace, DEFAULT_FACE_THRESHOLDS as T } from '../src/lib/server/face/rules.ts';
const e = new FaceEngine({ workers: 1, queueMax: 16, timeoutMs: 20000 });
await e.warm();
const ref = await e.analyse(sampleJpeg('a_reference'));
const emb = ref.faces[0]!.embedding;
for (const s of ['a_reference','a_other','a_third','a_dark','b_person','c_person','two_faces','no_face'] as FaceSample[]) {
  const r = await e.analyse(sampleJpeg(s));
  const v = judgeFace(r, emb, T);
  console.log(s, r.ms, r.faces.length, v.outcome, v.score, v.real, v.live);
}
await e.close();
