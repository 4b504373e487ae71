import { createHash } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Bank, Question, StoredQuestion } from '../../question-bank/schema.ts';
import { flattenKnowledge } from '../../question-bank/schema.ts';
import { canonicalJson } from '../audit/audit.ts';
import { findCitedText, hashText } from './sources.ts';
import { formatProblem, loadBanks, type LoadedBank, type LoadedSource } from './files.ts';
import {
	appendVersions,
	findBankByCode,
	insertBank,
	insertQuestions,
	listQuestionStates,
	replaceKnowledgePoints,
	setQuestionStatus,
	setReviews,
	updateBankMeta,
	upsertSource,
	type NewVersion
} from './bank.repository.ts';

export type SourceInfo = Pick<LoadedSource, 'id' | 'title' | 'text' | 'effective_to' | 'superseded_by'>;
export type SyncSummary = { added: number; changed: number; unchanged: number; retired: number; restored: number; flagged: number };

export function contentHash(q: StoredQuestion): string {
	const { id, type, stem, options, answer, explanation, basis, knowledge, difficulty } = q;
	// the issue-14 fields are absent (undefined, dropped by canonicalJson) on older questions: their hashes are unchanged
	const { case: caseId, same_fact, trivia_ok, case_title, case_scenario } = q;
	return createHash('sha256')
		.update(canonicalJson({ id, type, stem, options, answer, explanation, basis, knowledge, difficulty, case: caseId, same_fact, trivia_ok, case_title, case_scenario }))
		.digest('hex');
}

export function basisHashes(q: Question, sources: Map<string, SourceInfo>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const b of q.basis) {
		const src = sources.get(b.source);
		const cited = src ? findCitedText(src.text, b.ref) : null;
		out[`${b.source} ${b.ref}`] = cited?.ok ? hashText(cited.text) : 'missing';
	}
	return out;
}

/** A question resting on a source no longer in force starts as 待复核. */
export function reviewForSources(q: Question, sources: Map<string, SourceInfo>, now: Date): NewVersion['review'] {
	for (const b of q.basis) {
		const s = sources.get(b.source);
		if (s?.effective_to && s.effective_to.getTime() < now.getTime()) {
			const date = s.effective_to.toISOString().slice(0, 10);
			return { status: 'pending_review', reason: `依据《${s.title}》已于 ${date} 失效${s.superseded_by ? `，由 ${s.superseded_by} 替代` : ''}` };
		}
	}
	return { status: 'ok', reason: null };
}

type SyncInput = {
	bank: Pick<Bank, 'code' | 'name' | 'industry' | 'audience'> & { knowledge?: Bank['knowledge'] };
	questions: StoredQuestion[];
	sources: Map<string, SourceInfo>;
	ownerOrgId: number | null;
	origin: NewVersion['origin'];
	/** Files are the whole bank: questions missing from them are retired. An Excel import only adds and updates. */
	retireMissing: boolean;
	actorUserId: number | null;
	now: Date;
};

/** Idempotent: unchanged questions are untouched, changed ones get a new version, nothing is deleted. Run inside a transaction. */
export async function syncBank(db: Db, input: SyncInput): Promise<SyncSummary & { bankId: number }> {
	const summary: SyncSummary = { added: 0, changed: 0, unchanged: 0, retired: 0, restored: 0, flagged: 0 };
	const { now } = input;
	const bank = await findBankByCode(db, input.bank.code);
	const bankId = bank ? bank.id : (await insertBank(db, { ...input.bank, ownerOrgId: input.ownerOrgId, now })).id;
	if (bank && input.bank.knowledge) await updateBankMeta(db, bank.id, input.bank);
	if (input.bank.knowledge) await replaceKnowledgePoints(db, bankId, flattenKnowledge(input.bank.knowledge));

	const existing = new Map((await listQuestionStates(db, bankId)).map((r) => [r.code, r]));
	const fresh: NewVersion[] = [];
	// written in bulk after the loop: a re-import of a whole bank is a few statements, not two per question
	const changed: { questionId: number; version: number; n: NewVersion }[] = [];
	const restored: number[] = [];
	const flags: { id: number; status: 'ok' | 'pending_review'; reason: string | null }[] = [];
	for (const q of input.questions) {
		const hash = contentHash(q);
		const hashes = basisHashes(q, input.sources);
		const review = reviewForSources(q, input.sources, now);
		const prev = existing.get(q.id);
		existing.delete(q.id);
		const version: NewVersion = { question: q, contentHash: hash, basisHashes: hashes, origin: input.origin, createdBy: input.actorUserId, review, now };
		if (!prev) {
			fresh.push(version);
			summary.added++;
			if (review.status !== 'ok') summary.flagged++;
			continue;
		}
		if (prev.content_hash !== hash) {
			changed.push({ questionId: prev.id, version: prev.current_version + 1, n: version });
			summary.changed++;
			if (prev.status === 'retired') summary.restored++;
			if (review.status !== 'ok') summary.flagged++;
			continue;
		}
		summary.unchanged++;
		if (prev.status === 'retired') {
			restored.push(prev.id);
			summary.restored++;
		}
		if (prev.review_status === 'ok') {
			// same question, but has the text of an article it cites changed since it was written?
			const stored = (typeof prev.basis_hashes === 'string' ? JSON.parse(prev.basis_hashes) : prev.basis_hashes) as Record<string, string>;
			const changedRefs = Object.keys(hashes).filter((k) => stored[k] !== undefined && stored[k] !== hashes[k]);
			const flag = changedRefs.length ? { status: 'pending_review' as const, reason: `引用的条文已更新：${changedRefs.join('、')}，请核对后确认或修改` } : review.status !== 'ok' ? review : null;
			if (flag) {
				flags.push({ id: prev.id, ...flag });
				summary.flagged++;
			}
		}
	}
	await appendVersions(db, changed, now);
	await setQuestionStatus(db, restored, 'active', now);
	await setReviews(db, flags, now);
	await insertQuestions(db, bankId, fresh);
	if (input.retireMissing) {
		const gone = [...existing.values()].filter((r) => r.status === 'active').map((r) => r.id);
		await setQuestionStatus(db, gone, 'retired', now);
		summary.retired = gone.length;
	}
	return { ...summary, bankId };
}

/** File questions as stored: a case member carries its case's title and scenario (see migration 023). */
export function withCases(b: Pick<LoadedBank, 'questions' | 'cases'>): StoredQuestion[] {
	const cases = new Map(b.cases.map((c) => [c.id, c]));
	return b.questions.map(({ file: _f, ...q }) => {
		const c = q.case ? cases.get(q.case) : undefined;
		return c ? { ...q, case_title: c.title, case_scenario: c.scenario } : q;
	});
}

/** npm run banks:import and the seed: every bank under `root`, all or nothing. */
export async function syncRepositoryBanks(db: Db, root: string, now: Date) {
	const { banks, sources, problems } = loadBanks(root);
	if (problems.length) {
		throw new Error(`题库检查未通过，未导入任何内容：\n${problems.slice(0, 20).map(formatProblem).join('\n')}`);
	}
	const run = async (tx: Db) => {
		for (const s of sources.values()) await upsertSource(tx, s, now);
		const results: Record<string, SyncSummary> = {};
		for (const b of banks) {
			const { bankId, ...summary } = await syncBank(tx, {
				bank: b.bank,
				questions: withCases(b),
				sources,
				ownerOrgId: null,
				origin: 'file',
				retireMissing: true,
				actorUserId: null,
				now
			});
			void bankId;
			results[b.bank.code] = summary;
		}
		return results;
	};
	return withTransaction(db, run);
}
