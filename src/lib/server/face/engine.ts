// The face model, run on the server (a browser can lie about its own result): @vladmandic/human
// with the TensorFlow.js WASM backend, in worker threads so that inference (≈150–300 ms of CPU
// per photo) never blocks HTTP handling. The model is loaded once per worker; a bounded queue
// refuses a burst with FaceBusyError ("核验繁忙，稍后重试") instead of letting it pile up.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkFaceImage } from './image.ts';

export type DetectedFace = {
	/** detection confidence 0..1 */
	score: number;
	/** antispoof: 0 (photo/screen) .. 1 (real face) */
	real: number;
	/** liveness 0..1 */
	live: number;
	box: [number, number, number, number];
	embedding: number[];
	/** face-mesh landmarks as x0, y0, x1, y1, … in pixels (468 points; empty without a mesh) */
	landmarks: number[];
};
export type FaceAnalysis = { width: number; height: number; faces: DetectedFace[]; ms: number };

/** The model cannot take the photo now (queue full, or it took too long): the page may retry. HTTP 503. */
export class FaceBusyError extends Error {
	constructor(message = '核验繁忙，稍后重试') {
		super(message);
	}
}
export class FaceImageError extends Error {}

export type EngineConfig = { workers: number; queueMax: number; timeoutMs: number };

export function engineConfigFromEnv(env: Record<string, string | undefined>): EngineConfig {
	const num = (name: string, fallback: number) => {
		const v = Number(env[name]);
		return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
	};
	return { workers: num('ANXUN_FACE_WORKERS', 1), queueMax: num('ANXUN_FACE_QUEUE_MAX', 16), timeoutMs: num('ANXUN_FACE_TIMEOUT_MS', 20000) };
}

/** Where the model files and the WASM binaries are: inside the installed npm packages. */
export function modelPaths(): { humanDir: string; modelDir: string; wasmDir: string; cwd: string } {
	const require = createRequire(join(process.cwd(), 'package.json'));
	const humanMain = require.resolve('@vladmandic/human'); // …/dist/human.node.js
	const humanDir = dirname(dirname(humanMain));
	const wasmMain = require.resolve('@tensorflow/tfjs-backend-wasm'); // …/dist/index.js or similar
	let wasmDir = dirname(wasmMain);
	if (!wasmDir.endsWith('dist')) wasmDir = join(wasmDir.split('/dist')[0]!, 'dist');
	return { humanDir, modelDir: join(humanDir, 'models'), wasmDir, cwd: process.cwd() };
}

// Plain CommonJS run with eval: works the same under vitest, tsx and the built server.
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const req = createRequire(path.join(workerData.cwd, 'package.json'));
const jpeg = req('jpeg-js');
const { PNG } = req('pngjs');
const realFetch = globalThis.fetch;
// the model files are read from the installed package, never from the network
globalThis.fetch = async (input, init) => {
	const u = typeof input === 'string' ? input : input.url;
	if (u.startsWith('file://')) return new Response(fs.readFileSync(new URL(u)), { status: 200 });
	throw new Error('face worker: no network access (' + u + ')');
};
void realFetch;
const H = req(path.join(workerData.humanDir, 'dist', 'human.node-wasm.js'));
const human = new H.Human({
	backend: 'wasm', wasmPath: workerData.wasmDir + '/', wasmPlatformFetch: false,
	modelBasePath: 'file://' + workerData.modelDir + '/', debug: false, cacheSensitivity: 0, filter: { enabled: false },
	face: { enabled: true, detector: { rotation: false, maxDetected: 4, skipFrames: 0, minConfidence: 0.5, return: false },
		mesh: { enabled: true }, iris: { enabled: false }, attention: { enabled: false }, description: { enabled: true, skipFrames: 0 },
		emotion: { enabled: false }, antispoof: { enabled: true, skipFrames: 0 }, liveness: { enabled: true, skipFrames: 0 } },
	body: { enabled: false }, hand: { enabled: false }, object: { enabled: false }, gesture: { enabled: false }, segmentation: { enabled: false }
});
function decode(bytes) {
	if (bytes[0] === 0xff && bytes[1] === 0xd8) {
		const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: 2, maxMemoryUsageInMB: 128 });
		return { width: img.width, height: img.height, data: img.data };
	}
	const png = PNG.sync.read(Buffer.from(bytes));
	if (png.width * png.height > 2000000) throw new Error('照片像素过多');
	const out = new Uint8Array(png.width * png.height * 3);
	for (let i = 0, j = 0; i < png.data.length; i += 4, j += 3) { out[j] = png.data[i]; out[j + 1] = png.data[i + 1]; out[j + 2] = png.data[i + 2]; }
	return { width: png.width, height: png.height, data: out };
}
const ready = human.load().then(() => human.warmup()).then(() => parentPort.postMessage({ ready: true }), (e) => parentPort.postMessage({ fatal: String(e && e.message || e) }));
parentPort.on('message', async (msg) => {
	await ready;
	const t0 = performance.now();
	let img;
	try { img = decode(new Uint8Array(msg.bytes)); } catch (e) { parentPort.postMessage({ id: msg.id, imageError: '照片无法解码' }); return; }
	try {
		const t = human.tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
		const r = await human.detect(t);
		t.dispose();
		const faces = r.face.map((f) => ({ score: f.boxScore ?? f.score ?? 0, real: f.real ?? 0, live: f.live ?? 0, box: f.box, embedding: Array.from(f.embedding ?? []), landmarks: (f.mesh ?? []).flatMap((p) => [p[0], p[1]]) }));
		parentPort.postMessage({ id: msg.id, result: { width: img.width, height: img.height, faces, ms: Math.round(performance.now() - t0) } });
	} catch (e) {
		parentPort.postMessage({ id: msg.id, error: String(e && e.message || e) });
	}
});
`;

type Job = { id: number; bytes: Uint8Array; resolve: (a: FaceAnalysis) => void; reject: (e: Error) => void; timer?: ReturnType<typeof setTimeout> };
type Slot = { worker: Worker; busy: Job | null; ready: Promise<void> };

export class FaceEngine {
	private slots: Slot[] = [];
	private queue: Job[] = [];
	private nextId = 1;
	constructor(private config: EngineConfig) {}

	private start(): void {
		if (this.slots.length) return;
		const paths = modelPaths();
		for (let i = 0; i < this.config.workers; i++) this.slots.push(this.spawn(paths));
	}

	private spawn(paths: ReturnType<typeof modelPaths>): Slot {
		const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: paths });
		worker.unref();
		let onReady: () => void = () => {};
		let onFail: (e: Error) => void = () => {};
		const slot: Slot = { worker, busy: null, ready: new Promise<void>((res, rej) => ((onReady = res), (onFail = rej))) };
		slot.ready.catch(() => {});
		worker.on('message', (msg: { ready?: boolean; fatal?: string; id?: number; result?: FaceAnalysis; error?: string; imageError?: string }) => {
			if (msg.ready) return onReady();
			if (msg.fatal) return onFail(new Error(msg.fatal));
			const job = slot.busy;
			if (!job || job.id !== msg.id) return;
			slot.busy = null;
			clearTimeout(job.timer);
			if (msg.result) job.resolve(msg.result);
			else if (msg.imageError) job.reject(new FaceImageError(msg.imageError));
			else job.reject(new Error(msg.error ?? '人脸核验失败'));
			this.pump();
		});
		worker.on('error', (e: Error) => {
			onFail(e);
			const job = slot.busy;
			slot.busy = null;
			if (job) job.reject(e);
			const i = this.slots.indexOf(slot);
			if (i >= 0) this.slots[i] = this.spawn(modelPaths());
			this.pump();
		});
		return slot;
	}

	private pump(): void {
		for (const slot of this.slots) {
			if (slot.busy || !this.queue.length) continue;
			const job = this.queue.shift()!;
			slot.busy = job;
			job.timer = setTimeout(() => {
				if (slot.busy !== job) return;
				job.reject(new FaceBusyError('人脸核验超时，请稍后重试'));
				// a stuck worker is replaced
				slot.busy = null;
				void slot.worker.terminate();
				const i = this.slots.indexOf(slot);
				if (i >= 0) this.slots[i] = this.spawn(modelPaths());
				this.pump();
			}, this.config.timeoutMs);
			const copy = job.bytes.slice();
			slot.worker.postMessage({ id: job.id, bytes: copy.buffer }, [copy.buffer]);
		}
	}

	/** Waits until every worker has loaded the model (bench, tests, readiness). */
	async warm(): Promise<void> {
		this.start();
		await Promise.all(this.slots.map((s) => s.ready));
	}

	/** Jobs waiting or running. */
	get load(): number {
		return this.queue.length + this.slots.filter((s) => s.busy).length;
	}

	/** Detects faces with antispoof/liveness scores and embeddings. Rejects with FaceBusyError when the queue is full. */
	analyse(bytes: Uint8Array): Promise<FaceAnalysis> {
		const problem = checkFaceImage(bytes);
		if (problem) return Promise.reject(new FaceImageError(problem));
		this.start();
		if (this.queue.length >= this.config.queueMax) return Promise.reject(new FaceBusyError());
		return new Promise<FaceAnalysis>((resolve, reject) => {
			this.queue.push({ id: this.nextId++, bytes, resolve, reject });
			this.pump();
		});
	}

	async close(): Promise<void> {
		const slots = this.slots;
		this.slots = [];
		for (const job of this.queue.splice(0)) job.reject(new Error('人脸核验已停止'));
		await Promise.all(slots.map((s) => s.worker.terminate()));
	}
}

let shared: FaceEngine | null = null;
/** The process's engine (model loaded once per worker, on first use). */
export function faceEngine(): FaceEngine {
	shared ??= new FaceEngine(engineConfigFromEnv(process.env));
	return shared;
}
