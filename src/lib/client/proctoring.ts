// Proctoring on the exam page: what the browser can observe, reported as events with the answers.
// Copy, paste, cut and the context menu are also prevented. Nothing here decides anything: the
// server computes flags, and an examiner decides.

type Record = (kind: string, detail?: { [key: string]: unknown }) => void;

/** Listens for the events the exam log records; returns the cleanup. */
export function watchExamPage(record: Record): () => void {
	const off: (() => void)[] = [];
	const on = <K extends keyof WindowEventMap>(target: Window, type: K, fn: (e: WindowEventMap[K]) => void) => {
		target.addEventListener(type, fn);
		off.push(() => target.removeEventListener(type, fn));
	};
	const onDoc = <K extends keyof DocumentEventMap>(type: K, fn: (e: DocumentEventMap[K]) => void) => {
		document.addEventListener(type, fn);
		off.push(() => document.removeEventListener(type, fn));
	};
	onDoc('visibilitychange', () => record(document.visibilityState === 'hidden' ? 'page_hidden' : 'page_visible'));
	on(window, 'blur', () => record('window_blur'));
	on(window, 'focus', () => record('window_focus'));
	onDoc('fullscreenchange', () => record(document.fullscreenElement ? 'fullscreen_enter' : 'fullscreen_exit'));
	for (const type of ['copy', 'paste', 'cut'] as const) {
		onDoc(type, (e) => {
			e.preventDefault();
			record(type);
		});
	}
	onDoc('contextmenu', (e) => {
		e.preventDefault();
		record('context_menu');
	});
	on(window, 'beforeprint', () => record('print'));
	on(window, 'offline', () => record('offline'));
	on(window, 'online', () => record('online'));
	return () => off.forEach((f) => f());
}

export async function enterFullscreen(): Promise<boolean> {
	try {
		if (!document.fullscreenElement) await document.documentElement.requestFullscreen?.({ navigationUI: 'hide' });
		return !!document.fullscreenElement;
	} catch {
		return false;
	}
}

/** The camera, or the reason there is none, in words a candidate understands. */
export async function openCamera(): Promise<{ ok: true; stream: MediaStream } | { ok: false; reason: string }> {
	if (!navigator.mediaDevices?.getUserMedia) {
		return { ok: false, reason: '此浏览器不支持摄像头（或页面不是通过安全连接打开的）。请换用安装了摄像头的手机或电脑，并使用最新版浏览器。' };
	}
	try {
		const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
		return { ok: true, stream };
	} catch (err) {
		const name = err instanceof DOMException ? err.name : '';
		if (name === 'NotAllowedError' || name === 'SecurityError') return { ok: false, reason: '您未允许本页面使用摄像头。请在浏览器设置中允许使用摄像头后刷新页面。' };
		if (name === 'NotFoundError' || name === 'OverconstrainedError') return { ok: false, reason: '未检测到摄像头。本场考试要求开启摄像头，没有摄像头的设备不能参加。' };
		if (name === 'NotReadableError') return { ok: false, reason: '摄像头正被其他程序占用，请关闭其他使用摄像头的程序后刷新页面。' };
		return { ok: false, reason: '无法打开摄像头。本场考试要求开启摄像头，请检查设备后刷新页面。' };
	}
}

export function stopCamera(stream: MediaStream | null): void {
	stream?.getTracks().forEach((t) => t.stop());
}

/** A frame of the video as Base64 JPEG (no data: prefix), lowering quality until it fits the limit. */
export function captureJpeg(video: HTMLVideoElement, maxBytes = 300 * 1024): string | null {
	const w = video.videoWidth;
	const h = video.videoHeight;
	if (!w || !h) return null;
	const scale = Math.min(1, 640 / w);
	const canvas = document.createElement('canvas');
	canvas.width = Math.round(w * scale);
	canvas.height = Math.round(h * scale);
	const ctx = canvas.getContext('2d');
	if (!ctx) return null;
	ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
	for (const quality of [0.8, 0.65, 0.5, 0.35, 0.2]) {
		const base64 = canvas.toDataURL('image/jpeg', quality).split(',')[1] ?? '';
		if (base64.length * 0.75 <= maxBytes) return base64;
	}
	return null;
}

/** Random snapshot times: every 3–8 minutes. */
export function nextSnapshotDelayMs(random = Math.random): number {
	return Math.round((3 + 5 * random()) * 60_000);
}
