import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import { copyBankAsDerived, findBankByCode } from './bank.repository.ts';

export type DeriveResult =
	| { ok: true; bankCode: string; questions: number; knowledgePoints: number }
	| { ok: false; errors: Record<string, string> };

/**
 * "以此为基础建立本机构题库": the institution's own, editable copy of a platform bank, in one
 * transaction and one set-based copy. Knowledge-point names, citations, difficulty and
 * explanations are kept; each question records the platform question and version it came from.
 * The platform bank itself is not touched. A code already in use is refused (nothing written).
 */
export async function deriveBankFromPlatform(db: Db, input: { sourceCode: string; code: string; name: string }, actor: ScopedActor, now: Date): Promise<DeriveResult> {
	return withTransaction(db, async (tx): Promise<DeriveResult> => {
		const source = await findBankByCode(tx, input.sourceCode);
		// only platform banks are offered; another institution's bank does not exist for this one
		if (!source || source.owner_org_id !== null) return { ok: false, errors: { source: '没有这个平台题库' } };
		if (await findBankByCode(tx, input.code)) return { ok: false, errors: { code: `题库代码“${input.code}”已被使用，请换一个` } };
		const copied = await copyBankAsDerived(tx, source, { code: input.code, name: input.name, ownerOrgId: actor.orgId, createdBy: actor.userId, now });
		await audit(tx, actor, now, 'bank.derive', `bank:${input.code}`, { from: source.code, questions: copied.questions, knowledgePoints: copied.knowledgePoints });
		return { ok: true, bankCode: input.code, questions: copied.questions, knowledgePoints: copied.knowledgePoints };
	});
}
