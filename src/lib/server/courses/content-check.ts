import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findCitedText } from '../question-bank/sources.ts';
import { loadCourseDirs, type CourseProblem, type LoadedCourse } from './course-files.ts';

// Content checks for repository courses (npm test): every lesson ends with its sources (「依据」),
// and every article a lesson cites (《文件》第…条) exists in the source texts of ../shared/sources.
// The 学时 rule (declared 学时 ≤ Σ minutes ÷ 45) is the publish rule, checked by loadCourseDirs.

const CN = '零〇一二三四五六七八九十百千';
const ARTICLE = new RegExp(`第[${CN}]+条(?:之[${CN}]+)?(?:第[${CN}]+款)?(?:第[${CN}]+项)?`, 'g');

/**
 * How lessons name the documents in the source pack: the title as cited between 《》 (without
 * 中华人民共和国) → the source id (file name stem in ../shared/sources).
 */
export const CITED_TITLES: Record<string, string> = {
	安全生产法: 'anquan-shengchan-fa-2021',
	生产经营单位安全培训规定: 'shengchan-jingying-danwei-anquan-peixun-guiding',
	安全生产培训管理办法: 'anquan-shengchan-peixun-guanli-banfa-44hao',
	安全生产许可证条例: 'anquan-shengchan-xukezheng-tiaoli-2014',
	安全生产资格考试与证书管理暂行办法: 'anquan-shengchan-zige-kaoshi-yu-zhengshu-guanli-zanxing-banfa-2013',
	重庆市安全生产条例: 'chongqing-anquan-shengchan-tiaoli-2024-partial',
	工贸企业粉尘防爆安全规定: 'gongmao-fenchen-fangbao-anquan-guiding-6hao-partial',
	工贸企业重大事故隐患判定标准: 'gongmao-qiye-zhongda-shigu-yinhuan-panding-biaozhun-2023',
	工贸企业有限空间作业安全规定: 'gongmao-youxian-kongjian-zuoye-anquan-guiding-13hao-partial',
	化工和危险化学品生产经营单位重大生产安全事故隐患判定标准: 'huagong-he-weixian-huaxuepin-zhongda-yinhuan-panding-biaozhun-2017',
	金属非金属矿山重大事故隐患判定标准: 'jinshu-feijinshu-kuangshan-zhongda-shigu-yinhuan-panding-biaozhun-2022',
	生产安全事故报告和调查处理条例: 'shengchan-anquan-shigu-baogao-he-diaocha-chuli-tiaoli-2007',
	生产安全事故应急条例: 'shengchan-anquan-shigu-yingji-tiaoli-2019',
	特种作业人员安全技术培训考核管理规定: 'tezhong-zuoye-renyuan-anquan-jishu-peixun-kaohe-guanli-guiding-30hao',
	危险化学品安全法: 'weixian-huaxuepin-anquan-fa-2025-partial',
	危险化学品安全管理条例: 'weixian-huaxuepin-anquan-guanli-tiaoli-2013',
	危险化学品登记管理办法: 'weixian-huaxuepin-dengji-guanli-banfa-53hao',
	刑法: 'xingfa-anquan-shengchan-xiangguan-tiaowen'
};

/** A cited title reduced to the key of CITED_TITLES: no 中华人民共和国, no （试行）/（2021年修正） etc. */
export function titleKey(title: string): string {
	return title
		.replace(/^中华人民共和国/, '')
		.replace(/[（(][^）)]*[）)]/g, '')
		.trim();
}

/** The 「依据」 part of a lesson text: from its last 依据 heading or bold label to the end; null when there is none. */
export function sourcesSection(md: string): string | null {
	const lines = md.replace(/\r\n/g, '\n').split('\n');
	for (let i = lines.length - 1; i >= 0; i--) {
		const m = /^\s*(?:#{1,6}\s*)?(?:\*\*|「)?依据(?:\*\*|」)?\s*(?:\*\*)?[：:]?\s*(?:\*\*)?(.*)$/.exec(lines[i]!);
		if (m && !lines[i]!.includes('|')) {
			const text = [m[1] ?? '', ...lines.slice(i + 1)].join('\n').trim();
			return text.length > 0 ? text : null;
		}
	}
	return null;
}

export type Citation = { title: string; articles: string[] };

/** The documents a 依据 text names (《…》) and the articles cited right after each. */
export function parseCitations(text: string): Citation[] {
	const out: Citation[] = [];
	const re = /《([^》]+)》/g;
	const marks = [...text.matchAll(re)];
	marks.forEach((m, i) => {
		const from = m.index! + m[0].length;
		const to = i + 1 < marks.length ? marks[i + 1]!.index! : text.length;
		// articles belong to this title until the next title or the end of its clause (；)
		const tail = text.slice(from, to).split(/[；;]/)[0]!;
		out.push({ title: m[1]!, articles: [...tail.matchAll(ARTICLE)].map((a) => a[0]) });
	});
	return out;
}

const LEAD = String.raw`^[\s#>*\-|]*`;

/**
 * Why `ref` cannot be found in a source text, or null. As the banks' check (findCitedText), and
 * also accepts the traditional 條 and a head run on into its text (第九条生产经营单位…), as some
 * copied texts in the pack are written.
 */
export function articleProblem(text: string, ref: string): string | null {
	const found = findCitedText(text, ref);
	if (found.ok) return null;
	const traditional = findCitedText(text, ref.replace(/条/g, '條'));
	if (traditional.ok) return null;
	const head = /^(第[^条]+条(?:之[^第]+)?)(?:第|$)/.exec(ref)?.[1];
	if (head && !ref.slice(head.length)) {
		const runOn = new RegExp(`${LEAD}${head}(?![${CN}之])`, 'm');
		if (runOn.test(text)) return null;
		// scanned excerpts run several articles into one quoted paragraph (…。第二十五条特种作业人员…,
		// …,第十四条,厂,矿。级…): a head right after a sentence or clause break, in a quoted line, counts;
		// a cross-reference (依照本规定第十四条, 第二十五条第(二)项) does not
		const inQuote = new RegExp(`^>.*[。.，,；;、]${head}(?![${CN}之第(（])`, 'm');
		if (inQuote.test(text)) return null;
	}
	return found.problem;
}

function sourceText(dir: string, id: string, cache: Map<string, string | null>): string | null {
	if (!cache.has(id)) {
		const file = [`${id}.md`, `${id}.txt`].map((n) => join(dir, n)).find((p) => existsSync(p) && statSync(p).isFile());
		cache.set(id, file ? readFileSync(file, 'utf8') : null);
	}
	return cache.get(id)!;
}

/** The source texts folder: SOURCES_DIR, else ../shared/sources beside the project, else /work/shared/sources. */
export function findSourcesDir(projectRoot = process.cwd()): string | null {
	const candidates = [process.env.SOURCES_DIR, resolve(projectRoot, '../shared/sources'), '/work/shared/sources'].filter((p): p is string => !!p);
	return candidates.find((p) => existsSync(p) && statSync(p).isDirectory() && readdirSync(p).some((n) => n.endsWith('.md'))) ?? null;
}

/** Problems with the sources of every lesson of the loaded courses (empty when all is well). */
export function checkCourseSources(courses: LoadedCourse[], sourcesDir: string): CourseProblem[] {
	const problems: CourseProblem[] = [];
	const cache = new Map<string, string | null>();
	for (const c of courses) {
		const file = `${c.course.code}/course.yaml`;
		c.modules.forEach((m, mi) =>
			m.lessons.forEach((l, li) => {
				const at = `第${mi + 1}章第${li + 1}个课时“${l.title}”`;
				const section = sourcesSection(l.bodyMd);
				if (section === null) {
					problems.push({ file, message: `${at}：没有「依据」（课时正文须以“**依据**：……”结尾；视频、PDF 课时在 course.yaml 中填写 sources）` });
					return;
				}
				for (const cite of parseCitations(section)) {
					if (cite.articles.length === 0) continue;
					const id = CITED_TITLES[titleKey(cite.title)];
					if (!id) {
						problems.push({ file, message: `${at}：引用了《${cite.title}》${cite.articles.join('、')}，但资料库（../shared/sources）中没有该文件` });
						continue;
					}
					const text = sourceText(sourcesDir, id, cache);
					if (text === null) {
						problems.push({ file, message: `${at}：资料库中找不到 ${id}（《${cite.title}》）` });
						continue;
					}
					for (const a of cite.articles) {
						const problem = articleProblem(text, a);
						if (problem) problems.push({ file, message: `${at}：《${cite.title}》${a} 不在资料原文中（${problem}）` });
					}
				}
			})
		);
	}
	return problems;
}

/**
 * Every check of the repository courses: the loader's (schema, files, 学时 ≤ Σ minutes ÷ 45)
 * and the sources'. `sourcesDir` null reports that the source texts cannot be found.
 */
export function checkRepositoryCourses(root: string, sourcesDir: string | null): { courses: LoadedCourse[]; problems: CourseProblem[] } {
	const { courses, problems } = loadCourseDirs(root);
	if (sourcesDir === null) problems.push({ file: root, message: '找不到资料库（../shared/sources）；请设置 SOURCES_DIR 指向资料原文目录' });
	else problems.push(...checkCourseSources(courses, sourcesDir));
	return { courses, problems };
}
