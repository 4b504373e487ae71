// One photo from the front camera for a face check (study lesson, live class, 点名 by photo). The
// photo is matched on the server; the page only takes it. The camera is on only while it is taken.

/**
 * Opens the front camera, waits for a steady frame, and returns it as base64 JPEG (no data: prefix),
 * or null when there is no camera (refused, absent, busy). `onCamera` reports when the camera is on,
 * so the page can show that it is.
 */
export async function takeFacePhoto(onCamera: (on: boolean) => void): Promise<string | null> {
	let stream: MediaStream | null = null;
	try {
		stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user', width: 640, height: 480 }, audio: false });
		onCamera(true);
		const video = document.createElement('video');
		video.muted = true;
		video.playsInline = true;
		video.srcObject = stream;
		await video.play();
		await new Promise((r) => setTimeout(r, 400));
		const canvas = document.createElement('canvas');
		canvas.width = video.videoWidth || 640;
		canvas.height = video.videoHeight || 480;
		canvas.getContext('2d')!.drawImage(video, 0, 0, canvas.width, canvas.height);
		const dataUrl = canvas.toDataURL('image/jpeg', 0.85);
		return dataUrl.slice(dataUrl.indexOf(',') + 1);
	} catch {
		return null;
	} finally {
		stream?.getTracks().forEach((t) => t.stop());
		onCamera(false);
	}
}
