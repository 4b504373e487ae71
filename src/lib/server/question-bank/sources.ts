import { createHash } from 'node:crypto';

// Finding a cited article or clause in a source text (Markdown copied from the official text).
// Mirrors ../shared/tools/check-citations.mjs, and also returns the article's text so the app
// can show it beside a question and notice when it changes.

const CN = '零〇一二三四五六七八九十百千';
const LEAD = String.raw`^[\s#>*\-|]*`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ARTICLE_HEAD = new RegExp(`${LEAD}第[${CN}]+[条條]`);

function findHead(lines: string[], head: string): number {
	const re = new RegExp(`${LEAD}${escape(head)}(?=[\\s\\u3000：:、.）)]|$)`);
	return lines.findIndex((l) => re.test(l));
}

function cnToInt(s: string): number {
	const d: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
	let total = 0;
	let cur = 0;
	for (const ch of s) {
		if (ch in d) cur = d[ch]!;
		else {
			const unit = ch === '十' ? 10 : ch === '百' ? 100 : ch === '千' ? 1000 : 0;
			total += (cur || 1) * unit;
			cur = 0;
		}
	}
	return total + cur;
}

function articleBlock(lines: string[], at: number): string[] {
	const out: string[] = [];
	for (let i = at; i < lines.length; i++) {
		if (i > at && (ARTICLE_HEAD.test(lines[i]!) || /^#/.test(lines[i]!))) break;
		if (lines[i]!.trim()) out.push(lines[i]!.replace(/^[\s>]+/, ''));
	}
	return out;
}

export type CitedText = { ok: true; text: string } | { ok: false; problem: string };

/** The text a `ref` points at in `source` (a source file's content), or why it cannot be found. */
export function findCitedText(source: string, ref: string): CitedText {
	const lines = source.split(/\r?\n/);
	const art = ref.match(new RegExp(`^(第[${CN}]+[条條])(?:之[${CN}]+)?(?:第([${CN}]+)款)?(?:第([${CN}]+)项)?$`));
	if (art) {
		const at = findHead(lines, art[1]!);
		if (at < 0) return { ok: false, problem: `找不到${art[1]}` };
		const block = articleBlock(lines, at);
		if (art[2]) {
			const n = cnToInt(art[2]);
			if (n > block.length) return { ok: false, problem: `${art[1]}只有${block.length}款，没有第${art[2]}款` };
		}
		return { ok: true, text: block.join('\n') };
	}
	if (/^[\d.]+$/.test(ref) || /^[A-Z](\.\d+)+$/.test(ref)) {
		const at = findHead(lines, ref);
		return at < 0 ? { ok: false, problem: `找不到条款 ${ref}` } : { ok: true, text: articleBlock(lines, at).join('\n') };
	}
	const line = lines.find((l) => l.includes(ref));
	return line ? { ok: true, text: line.replace(/^[\s>#*|-]+/, '').trim() } : { ok: false, problem: `原文中找不到“${ref}”` };
}

export function hashText(text: string): string {
	return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

const ARTICLE_LINE = new RegExp(`${LEAD}(第[${CN}]+[条條](?:之[${CN}]+)?)(?=[\\s\\u3000：:、.）)]|$)(.*)$`);

/** The articles (第…条) a source's text lets a question cite, in order, each with its opening words. */
export function listArticles(source: string): { ref: string; snippet: string }[] {
	const out: { ref: string; snippet: string }[] = [];
	const seen = new Set<string>();
	for (const line of source.split(/\r?\n/)) {
		const m = ARTICLE_LINE.exec(line);
		if (!m || seen.has(m[1]!) || !findCitedText(source, m[1]!).ok) continue;
		seen.add(m[1]!);
		const rest = m[2]!.replace(/[*#|]/g, '').trim();
		out.push({ ref: m[1]!, snippet: rest.length > 24 ? `${rest.slice(0, 24)}…` : rest });
	}
	return out;
}
