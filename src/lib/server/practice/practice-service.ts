import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import {
	countPractisableByKnowledge,
	findActiveRoleCategory,
	findPracticeBlueprint,
	hasKnowledgePoint,
	insertPracticeAttempt,
	listBanksForAudience,
	listKnowledgePoints,
	listOpenPracticeAttempts,
	listOpenWrongAnswers,
	listPracticeBlueprints
} from './practice.repository.ts';
import { ROLE_CATEGORY_LABELS } from '../../domain/labels.ts';
import { QUESTION_TYPES } from '../../question-bank/schema.ts';
import { checkBlueprintAgainstPool, knowledgeMatches, roundPoints, type PoolItem } from '../question-engine/blueprint.ts';
import { createRng, randomOrder, shuffle, type Rng } from '../question-engine/random.ts';
import { groupUnits, takeUnits } from '../question-engine/paper.ts';
import type { StoredSlot } from '../exams/attempt.ts';
import { insertPaper, loadPool } from '../exams/exam.repository.ts';
import { createPaper } from '../exams/paper-service.ts';
import { examLockMessage, locksAnyBank } from '../exams/exam-lock.ts';
import { findExamLock } from '../exams/exam-lock.query.ts';

// Practice (模拟考试, 章节练习, 错题重练): the exam engine without a session. A practice attempt is
// mode 'practice', has no session or candidate, starts in progress, and shows the key after each
// answer (syncAttempt). Nothing here reads or writes exam sessions, rosters or eligibility.
//
// Who may practise what (decided here; see docs/ARCHITECTURE.md "Practice"):
// - A bank is open to a learner when its audience (qb_banks.audience, the bank's 适用人员类别)
//   names the learner's role category (persons.role_category), by its Chinese name as bank.yaml
//   writes it (一线从业人员) or by its code (frontline). Platform and institution banks alike: the
//   bank's owner decides its audience. An inactive person practises nothing.
// - 模拟考试: a blueprint with practice_open whose every bank is open to the learner.
// - 章节练习: one open bank, optionally narrowed to a knowledge point (and its descendants).
// - 错题重练: the learner's own unresolved 错题本 questions from open banks. A wrong question from
//   a bank that is not open (an institution's private exam bank) stays in the 错题本 without its
//   key unless the exam's review policy shows keys (see wrong-answers.query.ts), and is not
//   retried: practice feedback would show its key.
// - While the learner sits an exam (or is about to), the banks of its paper are locked
//   (exam-lock.ts): nothing here starts practice on them, and syncAttempt gives no feedback.

export const CHAPTER_DEFAULT_COUNT = 10;
export const PRACTICE_MAX_COUNT = 50;
export const WRONG_RETRY_DEFAULT_COUNT = 20;

export type PracticeKind = 'mock' | 'chapter' | 'wrong';
export type PracticeStart = { ok: true; attemptId: number } | { ok: false; reason: string };

export type OpenBank = { id: number; code: string; name: string; ownerOrgId: number | null; questions: number };

/** The banks a learner may practise, with how many practisable questions (active, reviewed) each holds. */
export async function listOpenBanks(db: Db, personId: number): Promise<OpenBank[]> {
	const role = await findActiveRoleCategory(db, personId);
	if (!role) return [];
	// A bank's audience names the role by its code or by its Chinese label.
	const rows = await listBanksForAudience(db, [role, ROLE_CATEGORY_LABELS[role]]);
	return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, ownerOrgId: r.owner_org_id, questions: r.questions }));
}

async function openBankIds(db: Db, personId: number): Promise<Set<number>> {
	return new Set((await listOpenBanks(db, personId)).map((b) => b.id));
}

export type MockExam = {
	blueprintId: number;
	name: string;
	ownerName: string;
	durationMinutes: number;
	questions: number;
	totalPoints: number;
	passMark: number;
	/** The learner's finished 模拟考试 on this blueprint. */
	finished: number;
	bestScore: number | null;
	/** Why a paper cannot be drawn now (the banks are short of questions), or null. */
	unavailable: string | null;
};

/** 模拟考试 the learner may take: practice-open blueprints whose banks are all open to them. */
export async function listMockExams(db: Db, personId: number, now: Date): Promise<MockExam[]> {
	const open = await openBankIds(db, personId);
	if (!open.size) return [];
	const lock = await findExamLock(db, personId, now);
	const rows = await listPracticeBlueprints(db, personId);
	const visible = rows.filter((r) => r.bank_ids.length > 0 && r.bank_ids.every((id) => open.has(Number(id))));
	const out: MockExam[] = [];
	for (const r of visible) {
		const pool = await loadPool(db, r.bank_ids);
		const problems = checkBlueprintAgainstPool(r.definition, pool);
		out.push({
			blueprintId: r.id,
			name: r.name,
			ownerName: r.owner_name,
			durationMinutes: r.definition.durationMinutes,
			questions: r.definition.sections.reduce((s, x) => s + x.count, 0),
			totalPoints: r.definition.totalPoints,
			passMark: r.definition.passMark,
			finished: r.finished,
			bestScore: r.best === null ? null : Number(r.best),
			unavailable: locksAnyBank(lock, r.bank_ids) ? examLockMessage(lock) : problems.length ? '题库题目不足，暂时无法组卷，请联系出题机构。' : null
		});
	}
	return out;
}

export type KnowledgeNode = { code: string; name: string; depth: number; questions: number };

/** A bank's knowledge points in tree order (depth-first), each with its practisable questions, descendants included. */
export async function knowledgeTree(db: Db, personId: number, bankId: number): Promise<KnowledgeNode[] | null> {
	if (!(await openBankIds(db, personId)).has(bankId)) return null;
	const points = await listKnowledgePoints(db, bankId);
	const counts = await countPractisableByKnowledge(db, bankId);
	const known = new Set(points.map((p) => p.code));
	const children = new Map<string | null, typeof points>();
	for (const p of points) {
		// A parent missing from the tree would hide its children: show them at the top instead.
		const parent = p.parent_code && known.has(p.parent_code) ? p.parent_code : null;
		children.set(parent, [...(children.get(parent) ?? []), p]);
	}
	const out: KnowledgeNode[] = [];
	const walk = (parent: string | null, depth: number, seen: Set<string>) => {
		for (const p of children.get(parent) ?? []) {
			if (seen.has(p.code)) continue;
			seen.add(p.code);
			const questions = counts.filter((c) => knowledgeMatches([p.code], c.knowledge_code)).reduce((s, c) => s + Number(c.n), 0);
			out.push({ code: p.code, name: p.name, depth, questions });
			walk(p.code, depth + 1, seen);
		}
	};
	walk(null, 0, new Set());
	return out;
}

export type OpenPractice = { attemptId: number; title: string; kind: PracticeKind; startedAt: Date; deadlineAt: Date | null; questions: number; answered: number };

/** The learner's practice attempts still in progress (untimed ones wait until finished), newest first. */
export async function listOpenPractice(db: Db, personId: number, now: Date): Promise<OpenPractice[]> {
	const rows = await listOpenPracticeAttempts(db, personId, now);
	return rows.map((r) => {
		const kind = practiceKindOfSeed(r.seed);
		return {
			attemptId: r.id,
			kind,
			title: kind === 'mock' ? `模拟考试：${r.name ?? ''}` : kind === 'wrong' ? '错题重练' : '章节练习',
			startedAt: r.started_at,
			deadlineAt: r.deadline_at,
			questions: r.questions,
			answered: r.answered
		};
	});
}

/** Practice papers' seeds say what they were drawn for: practice:<kind>:… */
function practiceKindOfSeed(seed: string): PracticeKind {
	const kind = seed.split(':')[1];
	return kind === 'mock' || kind === 'wrong' ? kind : 'chapter';
}

function practiceSeed(kind: PracticeKind, personId: number, now: Date): string {
	return `practice:${kind}:person:${personId}:${now.toISOString()}:${randomUUID()}`;
}

/** 模拟考试: a fresh random paper from a practice-open blueprint, timed like the exam, unlimited attempts. */
export async function startMockExam(db: Db, input: { personId: number; blueprintId: number }, now: Date): Promise<PracticeStart> {
	const blueprint = await findPracticeBlueprint(db, input.blueprintId);
	const bankIds = ((blueprint?.bank_ids ?? []) as number[]).map(Number);
	const open = await openBankIds(db, input.personId);
	if (!blueprint || !blueprint.practice_open || !bankIds.length || !bankIds.every((id) => open.has(id))) {
		return { ok: false, reason: '没有这套模拟考试，或它没有向您开放。' };
	}
	const lock = await findExamLock(db, input.personId, now);
	if (locksAnyBank(lock, bankIds)) return { ok: false, reason: examLockMessage(lock) };
	const definition = blueprint.definition;
	const pool = await loadPool(db, bankIds);
	if (checkBlueprintAgainstPool(definition, pool).length) return { ok: false, reason: '题库题目不足，暂时无法组卷，请联系出题机构。' };
	const attemptId = await withTransaction(db, async (tx) => {
		const paperId = await createPaper(tx, { sessionId: null, blueprintId: blueprint.id, bankIds, blueprint: definition, seed: practiceSeed('mock', input.personId, now), now });
		return insertPracticeAttempt(tx, input.personId, paperId, new Date(now.getTime() + definition.durationMinutes * 60_000), now);
	});
	return { ok: true, attemptId };
}

/**
 * Questions of a practice paper (1 point each), grouped by type as an exam paper is, random within
 * a type; a case's questions stay together (with the type of its first question).
 */
function practiceSlots(items: readonly PoolItem[], rng: Rng): StoredSlot[] {
	const typeIndex = (item: PoolItem) => QUESTION_TYPES.indexOf(item.type);
	const units = groupUnits(items).sort((a, b) => typeIndex(a[0] as PoolItem) - typeIndex(b[0] as PoolItem));
	return units
		.flat()
		.map((item) => ({ item, section: typeIndex(item) + 1 }))
		.map(({ item, section }, i) => {
			const letters = [...item.optionKeys].sort();
			return {
				slot: i + 1,
				section,
				questionId: item.questionId,
				version: item.version,
				points: 1,
				optionOrder: item.keepOptionOrder || letters.length < 2 ? letters : shuffle(letters, rng),
				type: item.type
			};
		});
}

async function storePracticePaper(db: Db, personId: number, kind: PracticeKind, items: readonly PoolItem[], rng: Rng, seed: string, now: Date): Promise<number> {
	const slots = practiceSlots(items, rng);
	return withTransaction(db, async (tx) => {
		const paperId = await insertPaper(tx, { sessionId: null, blueprintId: null, seed, slots, totalPoints: roundPoints(slots.length), now });
		return insertPracticeAttempt(tx, personId, paperId, null, now);
	});
}

function take<T>(items: Iterable<T>, n: number): T[] {
	const out: T[] = [];
	for (const item of items) {
		if (out.length >= n) break;
		out.push(item);
	}
	return out;
}

/** 章节练习: N random questions of one bank, optionally one knowledge point and its descendants; untimed. */
export async function startChapterPractice(db: Db, input: { personId: number; bankId: number; knowledge: string | null; count: number }, now: Date): Promise<PracticeStart> {
	if (!Number.isInteger(input.count) || input.count < 1 || input.count > PRACTICE_MAX_COUNT) return { ok: false, reason: `题量应为 1–${PRACTICE_MAX_COUNT} 道。` };
	if (!(await openBankIds(db, input.personId)).has(input.bankId)) return { ok: false, reason: '没有这个题库，或它没有向您开放练习。' };
	const lock = await findExamLock(db, input.personId, now);
	if (locksAnyBank(lock, [input.bankId])) return { ok: false, reason: examLockMessage(lock) };
	if (input.knowledge) {
		if (!(await hasKnowledgePoint(db, input.bankId, input.knowledge))) return { ok: false, reason: `题库中没有知识点 ${input.knowledge}。` };
	}
	const pool = (await loadPool(db, [input.bankId])).filter((p) => !input.knowledge || knowledgeMatches([input.knowledge], p.knowledge));
	if (!pool.length) return { ok: false, reason: '这个知识点下暂无可练习的题目。' };
	const seed = practiceSeed('chapter', input.personId, now);
	const rng = createRng(seed);
	// whole case groups or single questions; if only cases larger than the count are left, single questions are still offered
	const items = takeUnits(pool, rng, input.count);
	if (!items.length) items.push(...take(randomOrder(pool, rng), input.count));
	return { ok: true, attemptId: await storePracticePaper(db, input.personId, 'chapter', items, rng, seed, now) };
}

/**
 * 错题重练: the learner's unresolved 错题本 questions (at their current versions) from banks open to
 * them, most-missed first; optionally one bank / knowledge point. Untimed; a right answer resolves
 * the question when the attempt is graded.
 */
export async function startWrongAnswerPractice(db: Db, input: { personId: number; bankId?: number | null; knowledge?: string | null; count?: number }, now: Date): Promise<PracticeStart> {
	const count = input.count ?? WRONG_RETRY_DEFAULT_COUNT;
	if (!Number.isInteger(count) || count < 1 || count > PRACTICE_MAX_COUNT) return { ok: false, reason: `题量应为 1–${PRACTICE_MAX_COUNT} 道。` };
	const open = await openBankIds(db, input.personId);
	if (input.bankId && !open.has(input.bankId)) return { ok: false, reason: '没有这个题库，或它没有向您开放练习。' };
	const lock = await findExamLock(db, input.personId, now);
	const banks = (input.bankId ? [input.bankId] : [...open]).filter((id) => !lock.bankIds.has(id));
	if (!banks.length) return { ok: false, reason: lock.bankIds.size ? examLockMessage(lock) : '错题本中没有可重练的题目。' };
	const wrong = await listOpenWrongAnswers(db, input.personId, banks);
	const wanted = wrong.filter((w) => !input.knowledge || knowledgeMatches([input.knowledge], w.knowledge_code));
	const order = new Map(wanted.map((w, i) => [String(w.question_id), i]));
	// loadPool keeps only active, reviewed questions at their current versions.
	const pool = (await loadPool(db, [...new Set(banks)])).filter((p) => order.has(p.questionId)).sort((a, b) => (order.get(a.questionId) as number) - (order.get(b.questionId) as number));
	if (!pool.length) return { ok: false, reason: [...open].some((id) => lock.bankIds.has(id)) ? examLockMessage(lock) : '错题本中没有可重练的题目。' };
	const seed = practiceSeed('wrong', input.personId, now);
	const rng = createRng(seed);
	// Most-missed first, then shuffled within the paper so the order is not the 错题本's.
	const items = shuffle(pool.slice(0, count), rng);
	return { ok: true, attemptId: await storePracticePaper(db, input.personId, 'wrong', items, rng, seed, now) };
}
