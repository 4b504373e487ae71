import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { bankSchema, caseSchema, flattenKnowledge, normaliseStem, questionFileSchema, questionSchema, type Bank, type Question, type QuestionCase } from '../../question-bank/schema.ts';
import { qualityConfigSchema, type QualityConfig } from './quality.ts';
import { findCitedText } from './sources.ts';

// Reading question-banks/ from disk and checking it (npm run banks:check, banks:import).

export const sourceMetaSchema = z.object({ sources: z.array(
	z.object({
		id: z.string(),
		title: z.string(),
		effective_from: z.coerce.date(),
		effective_to: z.coerce.date().optional(),
		superseded_by: z.string().optional(),
		note: z.string().optional()
	})
) });
export type SourceMeta = z.infer<typeof sourceMetaSchema>['sources'][number];

export type LoadedSource = SourceMeta & { text: string };
export type LoadedCase = QuestionCase & { file: string };
export type LoadedBank = { bank: Bank; dir: string; questions: (Question & { file: string })[]; cases: LoadedCase[] };
export type Problem = { file: string; id: string | null; message: string };

export function formatProblem(p: Problem): string {
	return `${p.file}: ${p.id ?? '-'}: ${p.message}`;
}

function parseYaml(file: string, problems: Problem[], root: string): unknown {
	try {
		return YAML.parse(readFileSync(file, 'utf8'));
	} catch (e) {
		problems.push({ file: relative(root, file), id: null, message: `YAML 解析失败：${(e as Error).message.split('\n')[0]}` });
		return undefined;
	}
}

function zodMessage(error: z.ZodError): string[] {
	return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
}

export function loadSources(root: string, problems: Problem[] = []): Map<string, LoadedSource> {
	const dir = join(root, 'sources');
	const out = new Map<string, LoadedSource>();
	const metaFile = join(dir, 'sources.yaml');
	if (!existsSync(metaFile)) {
		problems.push({ file: 'sources/sources.yaml', id: null, message: '缺少来源清单' });
		return out;
	}
	const parsed = sourceMetaSchema.safeParse(parseYaml(metaFile, problems, root));
	if (!parsed.success) {
		for (const m of zodMessage(parsed.error)) problems.push({ file: 'sources/sources.yaml', id: null, message: m });
		return out;
	}
	for (const meta of parsed.data.sources) {
		const file = join(dir, `${meta.id}.md`);
		if (!existsSync(file)) problems.push({ file: 'sources/sources.yaml', id: meta.id, message: `缺少原文文件 sources/${meta.id}.md` });
		else out.set(meta.id, { ...meta, text: readFileSync(file, 'utf8') });
	}
	return out;
}

/** Loads every bank under `root` and reports every problem (never throws on bad content). */
export function loadBanks(root: string): { banks: LoadedBank[]; sources: Map<string, LoadedSource>; problems: Problem[] } {
	const problems: Problem[] = [];
	const sources = loadSources(root, problems);
	const banks: LoadedBank[] = [];
	const dirs = readdirSync(root, { withFileTypes: true })
		.filter((d) => d.isDirectory() && !['sources', 'schema'].includes(d.name))
		.map((d) => d.name)
		.sort();
	for (const name of dirs) {
		const dir = join(root, name);
		const bankFile = join(dir, 'bank.yaml');
		if (!existsSync(bankFile)) {
			problems.push({ file: `${name}/bank.yaml`, id: null, message: '缺少 bank.yaml' });
			continue;
		}
		const parsedBank = bankSchema.safeParse(parseYaml(bankFile, problems, root));
		if (!parsedBank.success) {
			for (const m of zodMessage(parsedBank.error)) problems.push({ file: `${name}/bank.yaml`, id: null, message: m });
			continue;
		}
		const bank = parsedBank.data;
		if (bank.code !== name) problems.push({ file: `${name}/bank.yaml`, id: null, message: `code “${bank.code}” 与目录名不一致` });
		const knowledge = new Set<string>();
		for (const k of flattenKnowledge(bank.knowledge)) {
			if (knowledge.has(k.id)) problems.push({ file: `${name}/bank.yaml`, id: null, message: `知识点编号重复：${k.id}` });
			knowledge.add(k.id);
		}
		for (const s of bank.sources) if (!sources.has(s)) problems.push({ file: `${name}/bank.yaml`, id: null, message: `来源 ${s} 不在 sources/sources.yaml 中` });

		const questions: LoadedBank['questions'] = [];
		const cases: LoadedCase[] = [];
		const caseFile = new Map<string, string>();
		const ids = new Map<string, string>();
		const stems = new Map<string, string>();
		const qdir = join(dir, 'questions');
		const files = existsSync(qdir) ? readdirSync(qdir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
		for (const f of files) {
			const rel = `${name}/questions/${f}`;
			const doc = questionFileSchema.safeParse(parseYaml(join(qdir, f), problems, root));
			if (!doc.success) {
				problems.push({ file: rel, id: null, message: '文件顶层应为 questions: 列表（可另有 cases: 列表）' });
				continue;
			}
			const fileCases = new Set<string>();
			(doc.data.cases ?? []).forEach((raw, i) => {
				const rawId = (raw as { id?: unknown })?.id;
				const label = typeof rawId === 'string' ? rawId : `cases #${i + 1}`;
				const parsed = caseSchema.safeParse(raw);
				if (!parsed.success) {
					for (const m of zodMessage(parsed.error)) problems.push({ file: rel, id: label, message: `案例：${m}` });
					return;
				}
				if (caseFile.has(parsed.data.id)) problems.push({ file: rel, id: parsed.data.id, message: `案例编号重复（已在 ${caseFile.get(parsed.data.id)} 中出现）` });
				caseFile.set(parsed.data.id, rel);
				fileCases.add(parsed.data.id);
				cases.push({ ...parsed.data, file: rel });
			});
			doc.data.questions.forEach((raw, i) => {
				const rawId = (raw as { id?: unknown })?.id;
				const label = typeof rawId === 'string' ? rawId : `#${i + 1}`;
				const parsed = questionSchema.safeParse(raw);
				if (!parsed.success) {
					for (const m of zodMessage(parsed.error)) problems.push({ file: rel, id: label, message: m });
					return;
				}
				const q = parsed.data;
				const where = (message: string) => problems.push({ file: rel, id: q.id, message });
				if (ids.has(q.id)) where(`题号重复（已在 ${ids.get(q.id)} 中出现）`);
				ids.set(q.id, rel);
				const stem = normaliseStem(q.stem);
				if (stems.has(stem)) where(`题干重复（与 ${stems.get(stem)} 相同）`);
				stems.set(stem, q.id);
				if (!knowledge.has(q.knowledge)) where(`未知的知识点：${q.knowledge}`);
				if (q.case && !fileCases.has(q.case)) where(`案例 ${q.case} 未在本文件的 cases: 中声明（案例的题目须与案例写在同一文件）`);
				for (const b of q.basis) {
					const src = sources.get(b.source);
					if (!src) where(`依据来源 ${b.source} 不在 question-banks/sources 中`);
					else {
						const cited = findCitedText(src.text, b.ref);
						if (!cited.ok) where(`依据 ${b.source} ${b.ref}：${cited.problem}`);
					}
				}
				questions.push({ ...q, file: rel });
			});
		}
		if (questions.length === 0) problems.push({ file: `${name}/questions`, id: null, message: '题库没有题目' });
		banks.push({ bank, dir, questions, cases });
	}
	return { banks, sources, problems };
}

/** question-banks/quality.yaml: the thresholds of the quality rules (quality.ts). */
export function loadQualityConfig(root: string): { config: QualityConfig | null; problems: Problem[] } {
	const problems: Problem[] = [];
	const file = join(root, 'quality.yaml');
	if (!existsSync(file)) return { config: null, problems: [{ file: 'quality.yaml', id: null, message: '缺少质量规则阈值文件 quality.yaml' }] };
	const parsed = qualityConfigSchema.safeParse(parseYaml(file, problems, root));
	if (!parsed.success) {
		for (const m of zodMessage(parsed.error)) problems.push({ file: 'quality.yaml', id: null, message: m });
		return { config: null, problems };
	}
	return { config: parsed.data, problems };
}
