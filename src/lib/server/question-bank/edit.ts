import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Question, StoredQuestion } from '../../question-bank/schema.ts';
import { audit, type Actor } from '../audit/actor.ts';
import { findCitedText } from './sources.ts';
import { listBankQuestionsForExport, listCaseMembers, listCurrentContents, listKnowledge, loadSourceMap } from './bank.query.ts';
import { bankCodeExists, findCurrentContent, lockQuestionByCode, replaceKnowledgePoints, setQuestionStatus, setReview } from './bank.repository.ts';
import { syncBank } from './sync.ts';
import { exportQuestionsXlsx, GROUP_COLUMNS, MIN_CASE_QUESTIONS, parseQuestionsXlsx, type GroupColumn, type RowError } from './excel.ts';
import { snippet } from '../excel/sheet.ts';

// Use cases behind the bank screens. Each opens its own transaction and writes an audit entry.

/** Problems with a question's knowledge point and citations, in Chinese, or [] when it can be saved. */
async function checkAgainstBank(db: Db, bankId: number, q: Question): Promise<{ field: string; message: string }[]> {
	const problems: { field: string; message: string }[] = [];
	const knowledge = new Set((await listKnowledge(db, bankId)).map((k) => k.code));
	if (!knowledge.has(q.knowledge)) problems.push({ field: 'knowledge', message: `题库中没有知识点“${q.knowledge}”` });
	const sources = await loadSourceMap(db);
	for (const b of q.basis) {
		const s = sources.get(b.source);
		if (!s) problems.push({ field: 'basis', message: `依据来源“${b.source}”不存在` });
		else {
			const cited = findCitedText(s.text, b.ref);
			if (!cited.ok) problems.push({ field: 'basis', message: `依据“${b.source} ${b.ref}”：${cited.problem}` });
		}
	}
	return problems;
}

export async function saveQuestion(db: Db, bank: { id: number; code: string; name: string }, q: Question, actor: Actor, mode: 'create' | 'edit', now: Date) {
	return withTransaction(db, async (tx) => {
		const existing = await lockQuestionByCode(tx, bank.id, q.id);
		if (mode === 'create' && existing) return { ok: false as const, errors: { id: `题号“${q.id}”已存在` } };
		if (mode === 'edit' && !existing) return { ok: false as const, errors: { id: '题目不存在' } };
		const problems = await checkAgainstBank(tx, bank.id, q);
		if (problems.length) return { ok: false as const, errors: Object.fromEntries(problems.map((p) => [p.field, p.message])) };
		// The form does not show case / same_fact / trivia_ok: an edit keeps them from the current version.
		let stored: StoredQuestion = q;
		if (existing) {
			const prev = ((await findCurrentContent(tx, existing.id)) ?? {}) as StoredQuestion;
			const kept = { case: prev.case, same_fact: prev.same_fact, trivia_ok: prev.trivia_ok, case_title: prev.case_title, case_scenario: prev.case_scenario };
			stored = { ...q, ...Object.fromEntries(Object.entries(kept).filter(([, v]) => v !== undefined)) };
		}
		const summary = await syncBank(tx, {
			bank: { code: bank.code, name: bank.name, industry: null, audience: [] },
			questions: [stored],
			sources: await loadSourceMap(tx),
			ownerOrgId: null,
			origin: 'browser',
			retireMissing: false,
			actorUserId: actor.userId,
			now
		});
		await audit(tx, actor, now, mode === 'create' ? 'question.create' : 'question.edit', `question:${bank.code}/${q.id}`, { changed: summary.changed + summary.added });
		return { ok: true as const, unchanged: summary.unchanged === 1 };
	});
}

export async function setQuestionRetired(db: Db, bank: { id: number; code: string }, code: string, retired: boolean, actor: Actor, now: Date) {
	return withTransaction(db, async (tx) => {
		const q = await lockQuestionByCode(tx, bank.id, code);
		if (!q) return false;
		await setQuestionStatus(tx, [q.id], retired ? 'retired' : 'active', now);
		await audit(tx, actor, now, retired ? 'question.retire' : 'question.restore', `question:${bank.code}/${code}`);
		return true;
	});
}

/** An admin checked a 待复核 question whose cited article changed and confirms it is still right. */
export async function confirmQuestionReview(db: Db, bank: { id: number; code: string }, code: string, actor: Actor, now: Date) {
	return withTransaction(db, async (tx) => {
		const q = await lockQuestionByCode(tx, bank.id, code);
		if (!q) return { ok: false as const, message: '题目不存在' };
		if (q.review_reason?.includes('失效')) return { ok: false as const, message: '依据已失效：请修改题目，改为引用现行有效的依据后再保存' };
		await setReview(tx, q.id, { status: 'ok', reason: null }, now);
		await audit(tx, actor, now, 'question.review_confirm', `question:${bank.code}/${code}`, { reason: q.review_reason });
		return { ok: true as const };
	});
}

export type ImportResult =
	| { ok: true; added: number; changed: number; unchanged: number; bankCode: string }
	| { ok: false; errors: RowError[] };

/**
 * Imports questions from .xlsx into an institution's bank (a new bank when `create` is given).
 * All or nothing: any bad row and nothing is written.
 */
export async function importQuestionsXlsx(
	db: Db,
	input: { data: Uint8Array; ownerOrgId: number; bank: { id: number; code: string; name: string } | null; create?: { code: string; name: string } },
	actor: Actor,
	now: Date
): Promise<ImportResult> {
	const parsed = await parseQuestionsXlsx(input.data);
	if (!parsed.ok) return parsed;
	return withTransaction(db, async (tx) => {
		const sources = await loadSourceMap(tx);
		const errors: RowError[] = [];
		const known = input.bank ? new Set((await listKnowledge(tx, input.bank.id)).map((k) => k.code)) : null;
		let questions = parsed.questions;
		const absent = GROUP_COLUMNS.filter((c) => !parsed.columns.includes(c));
		if (input.bank && absent.length) {
			// an older file without these columns: keep what the questions already have
			const current = await listCurrentContents(tx, input.bank.id, questions.map((q) => q.id));
			questions = questions.map((q) => keepAbsentFields(q, current.get(q.id), absent));
		}
		errors.push(...(await checkCaseGroups(tx, input.bank?.id ?? null, questions, parsed.rows)));
		questions.forEach((q, i) => {
			const row = parsed.rows[i]!;
			if (known && !known.has(q.knowledge)) errors.push({ row, column: '知识点', message: `第${row}行“知识点”：题库中没有知识点“${q.knowledge}”` });
			for (const b of q.basis) {
				const s = sources.get(b.source);
				const cited = s ? findCitedText(s.text, b.ref) : null;
				if (!cited?.ok) errors.push({ row, column: '依据', message: `第${row}行“依据”：${s ? `“${b.ref}”${cited && !cited.ok ? `（${cited.problem}）` : ''}` : `来源“${b.source}”不存在`}` });
			}
		});
		if (errors.length) return { ok: false as const, errors: errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)) };
		const code = input.bank?.code ?? input.create!.code;
		if (!input.bank) {
			if (await bankCodeExists(tx, code)) return { ok: false as const, errors: [{ row: null, column: null, message: `题库代码“${code}”已被使用，请换一个` }] };
		}
		const summary = await syncBank(tx, {
			bank: { code, name: input.bank?.name ?? input.create!.name, industry: null, audience: [] },
			questions,
			sources,
			ownerOrgId: input.ownerOrgId,
			origin: 'excel',
			retireMissing: false,
			actorUserId: actor.userId,
			now
		});
		if (!input.bank) {
			// a bank created from Excel takes its knowledge points from the file: names from the
			// 知识点名称 column (an exported bank carries them), else the code stands for the name
			const codes = [...new Set(questions.map((q) => q.knowledge))];
			await replaceKnowledgePoints(tx, summary.bankId, codes.map((c) => ({ id: c, name: parsed.knowledgeNames?.[c] ?? c, parent: null })));
		}
		await audit(tx, actor, now, 'bank.import_xlsx', `bank:${code}`, { added: summary.added, changed: summary.changed });
		return { ok: true as const, added: summary.added, changed: summary.changed, unchanged: summary.unchanged, bankCode: code };
	});
}

/** A bank's active questions as .xlsx in the import format, knowledge-point names included. */
export async function exportBankXlsx(db: Db, bank: { id: number; code: string; name: string }): Promise<Buffer> {
	const names = new Map((await listKnowledge(db, bank.id)).map((k) => [k.code, k.name]));
	return exportQuestionsXlsx(bank, await listBankQuestionsForExport(db, bank.id), names);
}

/** A file without some of the group columns keeps those fields from the question's current version. */
function keepAbsentFields(q: StoredQuestion, prev: StoredQuestion | undefined, absent: readonly GroupColumn[]): StoredQuestion {
	if (!prev) return q;
	const out: StoredQuestion = { ...q };
	const keep = <K extends keyof StoredQuestion>(key: K) => {
		if (prev[key] !== undefined) out[key] = prev[key];
	};
	if (absent.includes('案例组')) {
		keep('case');
		keep('case_title');
		keep('case_scenario');
	}
	if (absent.includes('同一事实组')) keep('same_fact');
	if (absent.includes('记忆题理由')) keep('trivia_ok');
	return out;
}

/**
 * Case groups after the import, counting the bank's active members the file does not touch: each
 * has at least MIN_CASE_QUESTIONS questions, and those untouched members show the same title and
 * scenario as the file (a case's scenario lives in each member's version, so they must not drift).
 */
async function checkCaseGroups(db: Db, bankId: number | null, questions: readonly StoredQuestion[], rows: readonly number[]): Promise<RowError[]> {
	const errors: RowError[] = [];
	const inFile = new Set(questions.map((q) => q.id));
	const existing = bankId === null ? [] : await listCaseMembers(db, bankId);
	const previousCase = new Map(existing.map((m) => [m.code, m.case_code]));
	const others = existing.filter((m) => m.status === 'active' && !inFile.has(m.code));
	const fileGroups = new Map<string, { rows: number[]; title?: string; scenario?: string }>();
	questions.forEach((q, i) => {
		if (!q.case) return;
		const g = fileGroups.get(q.case) ?? { rows: [], title: q.case_title, scenario: q.case_scenario };
		g.rows.push(rows[i]!);
		fileGroups.set(q.case, g);
	});
	for (const [code, g] of fileGroups) {
		const rest = others.filter((m) => m.case_code === code);
		const row = g.rows[0]!;
		const differ = rest.filter((m) => m.case_title !== (g.title ?? null) || m.case_scenario !== (g.scenario ?? null));
		if (differ.length) {
			errors.push({ row, column: '案例材料', message: `第${row}行“案例材料”：题库中案例组“${snippet(code, 40)}”还有不在本文件中的题目 ${differ.map((m) => m.code).join('、')}，其案例标题或案例材料与本文件不同；请把这些题目一并放入文件，或使两者一致` });
		}
		const total = g.rows.length + rest.length;
		if (total < MIN_CASE_QUESTIONS) {
			errors.push({ row, column: '案例组', message: `第${row}行“案例组”：案例组“${snippet(code, 40)}”只有 ${total} 道题，一个案例组至少需要 ${MIN_CASE_QUESTIONS} 道题` });
		}
	}
	// a question leaving a case must not leave the rest of that case too small
	questions.forEach((q, i) => {
		const was = previousCase.get(q.id);
		if (!was || was === q.case || fileGroups.has(was)) return;
		const left = others.filter((m) => m.case_code === was).length;
		if (left > 0 && left < MIN_CASE_QUESTIONS) {
			const row = rows[i]!;
			errors.push({ row, column: '案例组', message: `第${row}行“案例组”：题目“${q.id}”移出案例组“${snippet(was, 40)}”后，该组只剩 ${left} 道题，一个案例组至少需要 ${MIN_CASE_QUESTIONS} 道题；请一并调整该组的其他题目` });
		}
	});
	return errors;
}
