// Uploaded photos: JPEG or PNG only, checked by their first bytes and bounded in bytes before any
// work; and JPEG encoding. Pure (no model).
import jpeg from 'jpeg-js';

export const FACE_IMAGE_MAX_BYTES = 600 * 1024;

export type Rgb = { width: number; height: number; data: Uint8Array };

export function imageKind(bytes: Uint8Array): 'jpeg' | 'png' | null {
	if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
	if (bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
	return null;
}

/** Why the bytes cannot be a photo to check, in Chinese naming the field; null when fine. */
export function checkFaceImage(bytes: Uint8Array): string | null {
	if (!bytes.length) return '照片为空';
	if (bytes.length > FACE_IMAGE_MAX_BYTES) return `照片过大（最大 ${FACE_IMAGE_MAX_BYTES / 1024} KB）`;
	if (!imageKind(bytes)) return '照片须为 JPEG 或 PNG 格式';
	return null;
}

/** Encodes RGB as JPEG (reference images and test fixtures). */
export function encodeJpeg(img: Rgb, quality = 90): Uint8Array {
	const rgba = Buffer.alloc(img.width * img.height * 4);
	for (let i = 0, j = 0; j < img.data.length; i += 4, j += 3) {
		rgba[i] = img.data[j]!;
		rgba[i + 1] = img.data[j + 1]!;
		rgba[i + 2] = img.data[j + 2]!;
		rgba[i + 3] = 255;
	}
	return new Uint8Array(jpeg.encode({ data: rgba, width: img.width, height: img.height }, quality).data);
}
