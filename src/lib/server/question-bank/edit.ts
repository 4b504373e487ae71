import type { Db } from '../db/index.ts';
import type { Question, StoredQuestion } from '../../question-bank/schema.ts';
import { appendAudit } from '../audit/audit.ts';
import { findCitedText } from './sources.ts';
import { listBankQuestionsForExport, listKnowledge, loadSourceMap } from './bank.query.ts';
import { replaceKnowledgePoints, setQuestionStatus, setReview } from './bank.repository.ts';
import { syncBank } from './sync.ts';
import { exportQuestionsXlsx, parseQuestionsXlsx, type RowError } from './excel.ts';

// Use cases behind the bank screens. Each opens its own transaction and writes an audit entry.

type Actor = { userId: number; role: string; ip: string | null; now: Date };

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

export async function saveQuestion(db: Db, bank: { id: number; code: string; name: string }, q: Question, actor: Actor, mode: 'create' | 'edit') {
	return db.transaction().execute(async (tx) => {
		const existing = await tx.selectFrom('qb_questions').select(['id']).where('bank_id', '=', bank.id).where('code', '=', q.id).forUpdate().executeTakeFirst();
		if (mode === 'create' && existing) return { ok: false as const, errors: { id: `题号“${q.id}”已存在` } };
		if (mode === 'edit' && !existing) return { ok: false as const, errors: { id: '题目不存在' } };
		const problems = await checkAgainstBank(tx, bank.id, q);
		if (problems.length) return { ok: false as const, errors: Object.fromEntries(problems.map((p) => [p.field, p.message])) };
		// The form does not show case / same_fact / trivia_ok: an edit keeps them from the current version.
		let stored: StoredQuestion = q;
		if (existing) {
			const current = await tx
				.selectFrom('qb_question_versions as v')
				.innerJoin('qb_questions as qq', (j) => j.onRef('qq.id', '=', 'v.question_id').onRef('qq.current_version', '=', 'v.version'))
				.select('v.content')
				.where('qq.id', '=', existing.id)
				.executeTakeFirst();
			const prev = (current?.content ?? {}) as StoredQuestion;
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
			now: actor.now
		});
		await appendAudit(tx, { at: actor.now, actorUserId: actor.userId, actorRole: actor.role, action: mode === 'create' ? 'question.create' : 'question.edit', target: `question:${bank.code}/${q.id}`, ip: actor.ip, detail: { changed: summary.changed + summary.added } });
		return { ok: true as const, unchanged: summary.unchanged === 1 };
	});
}

export async function setQuestionRetired(db: Db, bank: { id: number; code: string }, code: string, retired: boolean, actor: Actor) {
	return db.transaction().execute(async (tx) => {
		const q = await tx.selectFrom('qb_questions').select('id').where('bank_id', '=', bank.id).where('code', '=', code).forUpdate().executeTakeFirst();
		if (!q) return false;
		await setQuestionStatus(tx, [q.id], retired ? 'retired' : 'active', actor.now);
		await appendAudit(tx, { at: actor.now, actorUserId: actor.userId, actorRole: actor.role, action: retired ? 'question.retire' : 'question.restore', target: `question:${bank.code}/${code}`, ip: actor.ip });
		return true;
	});
}

/** An admin checked a 待复核 question whose cited article changed and confirms it is still right. */
export async function confirmQuestionReview(db: Db, bank: { id: number; code: string }, code: string, actor: Actor) {
	return db.transaction().execute(async (tx) => {
		const q = await tx.selectFrom('qb_questions').select(['id', 'review_reason']).where('bank_id', '=', bank.id).where('code', '=', code).forUpdate().executeTakeFirst();
		if (!q) return { ok: false as const, message: '题目不存在' };
		if (q.review_reason?.includes('失效')) return { ok: false as const, message: '依据已失效：请修改题目，改为引用现行有效的依据后再保存' };
		await setReview(tx, q.id, { status: 'ok', reason: null }, actor.now);
		await appendAudit(tx, { at: actor.now, actorUserId: actor.userId, actorRole: actor.role, action: 'question.review_confirm', target: `question:${bank.code}/${code}`, ip: actor.ip, detail: { reason: q.review_reason } });
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
	actor: Actor
): Promise<ImportResult> {
	const parsed = await parseQuestionsXlsx(input.data);
	if (!parsed.ok) return parsed;
	return db.transaction().execute(async (tx) => {
		const sources = await loadSourceMap(tx);
		const errors: RowError[] = [];
		const known = input.bank ? new Set((await listKnowledge(tx, input.bank.id)).map((k) => k.code)) : null;
		parsed.questions.forEach((q, i) => {
			const row = i + 2;
			if (known && !known.has(q.knowledge)) errors.push({ row, column: '知识点', message: `第${row}行“知识点”：题库中没有知识点“${q.knowledge}”` });
			for (const b of q.basis) {
				const s = sources.get(b.source);
				const cited = s ? findCitedText(s.text, b.ref) : null;
				if (!cited?.ok) errors.push({ row, column: '依据', message: `第${row}行“依据”：${s ? `“${b.ref}”${cited && !cited.ok ? `（${cited.problem}）` : ''}` : `来源“${b.source}”不存在`}` });
			}
		});
		if (errors.length) return { ok: false as const, errors };
		const code = input.bank?.code ?? input.create!.code;
		if (!input.bank) {
			const clash = await tx.selectFrom('qb_banks').select('id').where('code', '=', code).executeTakeFirst();
			if (clash) return { ok: false as const, errors: [{ row: null, column: null, message: `题库代码“${code}”已被使用，请换一个` }] };
		}
		const summary = await syncBank(tx, {
			bank: { code, name: input.bank?.name ?? input.create!.name, industry: null, audience: [] },
			questions: parsed.questions,
			sources,
			ownerOrgId: input.ownerOrgId,
			origin: 'excel',
			retireMissing: false,
			actorUserId: actor.userId,
			now: actor.now
		});
		if (!input.bank) {
			// a bank created from Excel takes its knowledge points from the file: names from the
			// 知识点名称 column (an exported bank carries them), else the code stands for the name
			const codes = [...new Set(parsed.questions.map((q) => q.knowledge))];
			await replaceKnowledgePoints(tx, summary.bankId, codes.map((c) => ({ id: c, name: parsed.knowledgeNames?.[c] ?? c, parent: null })));
		}
		await appendAudit(tx, { at: actor.now, actorUserId: actor.userId, actorRole: actor.role, action: 'bank.import_xlsx', target: `bank:${code}`, ip: actor.ip, detail: { added: summary.added, changed: summary.changed } });
		return { ok: true as const, added: summary.added, changed: summary.changed, unchanged: summary.unchanged, bankCode: code };
	});
}

/** A bank's active questions as .xlsx in the import format, knowledge-point names included. */
export async function exportBankXlsx(db: Db, bank: { id: number; code: string; name: string }): Promise<Buffer> {
	const names = new Map((await listKnowledge(db, bank.id)).map((k) => [k.code, k.name]));
	return exportQuestionsXlsx(bank, await listBankQuestionsForExport(db, bank.id), names);
}
