import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { roundPoints, type Blueprint } from '../question-engine/blueprint.ts';
import { drawPaper } from '../question-engine/paper.ts';
import { createRng } from '../question-engine/random.ts';
import type { StoredSlot } from './attempt.ts';
import { insertPaper, insertPapers, loadPool } from './exam.repository.ts';
import { findBlueprint, findSession, findSessionPaper, insertReadyAttempts, listCandidatesWithoutAttempt, lockSession, markPapersPrepared } from './session.repository.ts';

/** Draws a paper from the banks and stores it with the exact question versions. */
export async function createPaper(db: Db, input: { sessionId: number | null; blueprintId: number | null; bankIds: readonly number[]; blueprint: Blueprint; seed: string; now: Date }): Promise<number> {
	const pool = await loadPool(db, input.bankIds, input.now);
	const typeOf = new Map(pool.map((p) => [p.questionId, p.type]));
	const slots: StoredSlot[] = drawPaper(input.blueprint, pool, createRng(input.seed)).map((s) => ({ ...s, type: typeOf.get(s.questionId) ?? 'single' }));
	const totalPoints = roundPoints(slots.reduce((sum, s) => sum + s.points, 0));
	return insertPaper(db, { sessionId: input.sessionId, blueprintId: input.blueprintId, seed: input.seed, slots, totalPoints, now: input.now });
}

/**
 * Prepares papers for every candidate on the roster who has no open attempt: one shared paper
 * (fixed) or one per candidate, each waiting as a 'ready' attempt. On exam day, starting is then a
 * single UPDATE. Idempotent; safe to run again after the roster changes. Returns how many were prepared.
 */
export async function prepareSessionPapers(db: Db, sessionId: number, now: Date): Promise<number> {
	return withTransaction(db, async (tx) => {
		// One preparer per session at a time.
		await lockSession(tx, sessionId);
		const session = await findSession(tx, sessionId);
		if (!session) throw new Error(`场次 ${sessionId} 不存在`);
		if (session.status === 'cancelled') return 0;
		const blueprint = await findBlueprint(tx, session.blueprint_id);
		if (!blueprint) throw new Error(`组卷策略 ${session.blueprint_id} 不存在`);
		const waiting = await listCandidatesWithoutAttempt(tx, sessionId);
		if (waiting.length) {
			let fixedPaper: number | null = null;
			if (session.paper_mode === 'fixed') {
				fixedPaper = (await findSessionPaper(tx, sessionId, `session:${sessionId}`)) ?? (await createPaper(tx, { sessionId, blueprintId: blueprint.id, bankIds: blueprint.bank_ids, blueprint: blueprint.definition, seed: `session:${sessionId}`, now }));
			}
			const pool = session.paper_mode === 'fixed' ? null : await loadPool(tx, blueprint.bank_ids, now);
			// one paper per candidate, drawn here and written in bulk (a roster holds up to ~2,000)
			const seedOf = (c: { person_id: number }) => `session:${sessionId}:person:${c.person_id}:1`;
			let paperBySeed = new Map<string, number>();
			if (fixedPaper === null && pool) {
				const typeOf = new Map(pool.map((p) => [p.questionId, p.type]));
				paperBySeed = await insertPapers(
					tx,
					waiting.map((c) => {
						const seed = seedOf(c);
						const slots: StoredSlot[] = drawPaper(blueprint.definition, pool, createRng(seed)).map((s) => ({ ...s, type: typeOf.get(s.questionId) ?? 'single' }));
						return { sessionId, blueprintId: blueprint.id, seed, slots, totalPoints: roundPoints(slots.reduce((s, x) => s + x.points, 0)), now };
					})
				);
			}
			await insertReadyAttempts(
				tx,
				waiting.map((c) => ({ sessionId, candidateId: c.id, personId: c.person_id, paperId: (fixedPaper ?? paperBySeed.get(seedOf(c))) as number, now }))
			);
		}
		await markPapersPrepared(tx, sessionId, now);
		return waiting.length;
	});
}

/** A paper for one more attempt (a re-sit, or a candidate added after preparation). */
export async function paperForNextAttempt(db: Db, sessionId: number, personId: number, attemptNo: number, now: Date): Promise<number> {
	const session = await findSession(db, sessionId);
	if (!session) throw new Error(`场次 ${sessionId} 不存在`);
	const blueprint = await findBlueprint(db, session.blueprint_id);
	if (!blueprint) throw new Error(`组卷策略 ${session.blueprint_id} 不存在`);
	if (session.paper_mode === 'fixed') {
		const existing = await findSessionPaper(db, sessionId, `session:${sessionId}`);
		if (existing !== null) return existing;
		return createPaper(db, { sessionId, blueprintId: blueprint.id, bankIds: blueprint.bank_ids, blueprint: blueprint.definition, seed: `session:${sessionId}`, now });
	}
	return createPaper(db, { sessionId, blueprintId: blueprint.id, bankIds: blueprint.bank_ids, blueprint: blueprint.definition, seed: `session:${sessionId}:person:${personId}:${attemptNo}`, now });
}
