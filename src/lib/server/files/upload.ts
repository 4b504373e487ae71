// What may be uploaded as lesson material. The stored type comes from the file's first bytes,
// not from what the browser (or the file name) claims.

export type UploadKind = 'video' | 'pdf';

export const UPLOAD_LIMITS: Record<UploadKind, { maxBytes: number; label: string; mimes: readonly string[] }> = {
	video: { maxBytes: 200 * 1024 * 1024, label: '视频（MP4 或 WebM）', mimes: ['video/mp4', 'video/webm'] },
	pdf: { maxBytes: 30 * 1024 * 1024, label: 'PDF 文档', mimes: ['application/pdf'] }
};

/** Bytes of the start of a file that sniffMime needs. */
export const SNIFF_BYTES = 16;

/** The type the content really is, or null when it is none we accept. */
export function sniffMime(head: Uint8Array): 'video/mp4' | 'video/webm' | 'application/pdf' | null {
	const at = (offset: number, ascii: string) => [...ascii].every((c, i) => head[offset + i] === c.charCodeAt(0));
	if (at(0, '%PDF-')) return 'application/pdf';
	if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'video/webm';
	if (at(4, 'ftyp')) return 'video/mp4';
	return null;
}

export function formatMegabytes(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** A file name fit for the database (1–200 characters, no path, no control characters). */
export function cleanFileName(name: string): string {
	// eslint-disable-next-line no-control-regex
	const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
	return [...(base || '未命名文件')].slice(0, 200).join('');
}

export type UploadCheck = { ok: true; mime: string; name: string } | { ok: false; message: string };

/** The rules, on what is known about a file: its name, declared type, size and first bytes. */
export function checkUpload(kind: UploadKind, file: { name: string; type: string; size: number; head: Uint8Array }): UploadCheck {
	const limits = UPLOAD_LIMITS[kind];
	const name = cleanFileName(file.name);
	if (file.size === 0) return { ok: false, message: `文件“${name}”是空的，请重新选择` };
	if (file.size > limits.maxBytes) return { ok: false, message: `文件“${name}”有 ${formatMegabytes(file.size)}，超过上限 ${formatMegabytes(limits.maxBytes)}（${limits.label}）` };
	// Browsers leave the type empty for extensions they do not know; the content decides then.
	const declared = file.type.split(';')[0]!.trim().toLowerCase();
	const sniffed = sniffMime(file.head);
	if ((declared && !limits.mimes.includes(declared)) || !sniffed || !limits.mimes.includes(sniffed)) {
		const what = kind === 'pdf' ? ' PDF 文档（内容应以 %PDF- 开头）' : ' MP4 或 WebM 视频';
		return { ok: false, message: `文件“${name}”不是${what}，请重新选择` };
	}
	return { ok: true, mime: sniffed, name };
}

export type ValidUpload = { kind: UploadKind; name: string; mime: string; size: number; data: Blob | Uint8Array };

/** Checks a file posted from a form; reads only its first bytes. */
export async function validateUpload(kind: UploadKind, file: File): Promise<{ ok: true; upload: ValidUpload } | { ok: false; message: string }> {
	const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
	const r = checkUpload(kind, { name: file.name, type: file.type, size: file.size, head });
	if (!r.ok) return r;
	return { ok: true, upload: { kind, name: r.name, mime: r.mime, size: file.size, data: file } };
}
