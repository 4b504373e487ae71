import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The Chinese font every generated PDF embeds (archives, certificates, admission tickets,
// coverage summaries, attendance sheets), and the China-time stamp they print.

const FONT_FILE = '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf';

let fontData: Buffer | null = null;

/**
 * The full Noto Sans SC TTF (woff2 subsets lack glyphs). Found via node resolution from this
 * module (the built server runs from build/) and from the working directory, or ANXUN_PDF_FONT.
 */
export function resolvePdfFont(): string {
	const candidates: string[] = [];
	if (process.env.ANXUN_PDF_FONT) candidates.push(process.env.ANXUN_PDF_FONT);
	for (const base of [import.meta.url, join(process.cwd(), 'package.json')]) {
		try {
			candidates.push(createRequire(base).resolve(FONT_FILE));
		} catch {
			// not resolvable from here; try the next base
		}
	}
	let here: string | null = null;
	try {
		here = dirname(fileURLToPath(import.meta.url));
	} catch {
		here = null;
	}
	for (const start of [process.cwd(), here]) {
		for (let dir = start; dir; ) {
			candidates.push(join(dir, 'node_modules', FONT_FILE));
			const up = dirname(dir);
			dir = up === dir ? null : up;
		}
	}
	const found = candidates.find((p) => existsSync(p));
	if (!found) throw new Error(`找不到 PDF 中文字体 ${FONT_FILE}（可用环境变量 ANXUN_PDF_FONT 指定）`);
	return found;
}

/** The font's bytes, read once per process. */
export function pdfFontData(): Buffer {
	fontData ??= readFileSync(resolvePdfFont());
	return fontData;
}

/** 2026-11-26 10:05 in China (UTC+8), independent of the server's time zone. */
export function formatChinaTime(d: Date): string {
	return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
