// Use cases of the practical exam (实操) as examiners run it: check-in by 准考证 QR, start, ticks
// (offline-queued, seq-idempotent), evidence, sign-off (two examiners, third review beyond the
// tolerance), corrections after the result is final. Every write is audited.
import type { Db } from '#lib/server/db/index.ts';
import { withTransaction, type Tx } from '#lib/server/db/transaction.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';
import { audit, type ScopedActor } from '#lib/server/audit/actor.ts';
import { saveFile } from '#lib/server/files/files.repository.ts';
import { cleanFileName, formatMegabytes, sniffMime } from '#lib/server/files/upload.ts';
import { checkPracticalAllowed } from './practical-rules.ts';
import { combineSignoffs, findTickRule, replaySteps, type Outcome, type Signoff } from './practical-scoring.ts';
import * as repo from './practical.repository.ts';
import { findPassedTheory } from './theory-result.query.ts';

export type Refusal = { ok: false; status: 400 | 403 | 404 | 409; message: string };
const refuse = (status: Refusal['status'], message: string): Refusal => ({ ok: false, status, message });
const NOT_FOUND = refuse(404, '没有这场实操考试记录');

/** The examiner's view of a session: their own institution's session and assigned to it (an institution admin sees all of its sessions). */
export async function requireExaminerSession(db: Db, actor: Pick<ScopedActor, 'userId' | 'role' | 'orgId'>, sessionId: number) {
	const session = await repo.findPracticalSession(db, sessionId);
	if (!session || session.orgId !== actor.orgId) return null;
	if (actor.role !== 'institution_admin' && !(await repo.isPracticalExaminer(db, sessionId, actor.userId))) return null;
	return session;
}

/** Parses a 准考证号 printed under the QR: AX-ZK-P-<practicalSessionId>-<applicationId>. */
export function parseAdmissionCode(text: string): { kind: 'P' | 'T'; sessionId: number; applicationId: number } | null {
	const m = /^AX-ZK-([PT])-(\d{1,9})-(\d{1,9})$/.exec(text.trim().toUpperCase());
	if (!m) return null;
	return { kind: m[1] as 'P' | 'T', sessionId: Number(m[2]), applicationId: Number(m[3]) };
}

/** Scan or typed code → the candidate of this session (no write; the examiner confirms the photo next). */
export async function lookUpCandidate(db: Db, actor: ScopedActor, sessionId: number, code: string) {
	const session = await requireExaminerSession(db, actor, sessionId);
	if (!session) return NOT_FOUND;
	const parsed = parseAdmissionCode(code);
	if (!parsed) return refuse(400, `准考证号“${code.slice(0, 40)}”格式不正确，应为 AX-ZK-P-场次号-报名号`);
	if (parsed.kind === 'T') return refuse(400, '这是理论考试的准考证号，请扫描实操考试准考证');
	if (parsed.sessionId !== sessionId) return refuse(400, `准考证号属于第 ${parsed.sessionId} 场实操考试，不是本场（第 ${sessionId} 场）`);
	const attempt = await repo.findAttemptBySessionApplication(db, sessionId, parsed.applicationId);
	if (!attempt) return refuse(404, `本场考试没有报名号 ${parsed.applicationId} 的考生`);
	return { ok: true as const, attempt };
}

/** Confirms identity (photo checked) and starts the clock, after the attempt rules allow it. */
export async function startAttempt(db: Db, actor: ScopedActor, attemptId: number, now: Date): Promise<{ ok: true } | Refusal> {
	return withTransaction(db, async (tx) => {
		const attempt = await repo.lockAttempt(tx, attemptId);
		if (!attempt) return NOT_FOUND;
		const session = await requireExaminerSession(tx, actor, attempt.sessionId);
		if (!session) return NOT_FOUND;
		if (attempt.status !== 'scheduled') return refuse(409, '该考生已核验并开始考试，或已有结果');
		if (await repo.taughtApplicant(tx, attempt.applicationId, actor.userId))
			return refuse(403, '您是该考生所在培训班的授课教师，按教考分离原则（30号令 第六条）不能担任其考评员');
		const decision = await checkAttemptAllowed(tx, attempt, now);
		if (!decision.allowed) return refuse(409, decision.reason);
		await repo.markStarted(tx, attemptId, actor.userId, now);
		await auditAttempt(tx, actor, now, 'practical.start', attemptId, { applicationId: attempt.applicationId, attemptNo: attempt.attemptNo, rule: decision.ruleCode });
		return { ok: true as const };
	});
}

/** Theory passed and within 12 months, and re-sits left under the regime of the exam date. */
export async function checkAttemptAllowed(db: Db, attempt: repo.AttemptRow, now: Date) {
	const theory = await findPassedTheory(db, attempt.applicationId);
	const earlier = await repo.listFinalAttemptsOfApplication(db, attempt.applicationId, attempt.id);
	return checkPracticalAllowed({
		date: shanghaiDate(now),
		theoryPassedOn: theory ? shanghaiDate(theory.finishedAt) : null,
		attempts: earlier.map((a) => ({ date: shanghaiDate(a.finalisedAt), passed: a.passed }))
	});
}

export type IncomingStep = { seq: number; code: string; kind: 'deduct' | 'veto' | 'undo'; undoSeq?: number | null | undefined; note?: string | null | undefined; at?: string | undefined };

/**
 * Stores an examiner's ticks (from the page or its offline queue). Seq-idempotent: a batch sent
 * twice stores each step once, so a replayed queue never deducts twice. Returns the replayed total.
 */
export async function recordSteps(db: Db, actor: ScopedActor, attemptId: number, steps: IncomingStep[], now: Date) {
	return withTransaction(db, async (tx) => {
		const attempt = await repo.lockAttempt(tx, attemptId);
		if (!attempt) return NOT_FOUND;
		const session = await requireExaminerSession(tx, actor, attempt.sessionId);
		if (!session || !(await repo.isPracticalExaminer(tx, attempt.sessionId, actor.userId))) return NOT_FOUND;
		if (await repo.taughtApplicant(tx, attempt.applicationId, actor.userId))
			return refuse(403, '您是该考生所在培训班的授课教师，按教考分离原则（30号令 第六条）不能为其评分');
		const sheet = await repo.getSheet(tx, session.sheetCode, session.sheetVersion);
		if (!sheet) return refuse(409, '本场考试的评分表不存在');
		const stored = await repo.listSteps(tx, attemptId, actor.userId);
		const storedSeqs = new Map(stored.map((s) => [s.seq, s]));
		const fresh = steps.filter((s) => !storedSeqs.has(s.seq));
		if (fresh.length && attempt.status !== 'in_progress' && attempt.status !== 'scored') return refuse(409, '考试尚未开始或已出结果，不能再评分');
		const signed = (await repo.listSignoffs(tx, attemptId)).some((s) => s.examinerUserId === actor.userId);
		if (fresh.length && signed) return refuse(409, '您已签字确认，不能再修改评分');
		const known = new Map(stored.map((s) => [s.seq, s.kind]));
		const rows: repo.NewStep[] = [];
		for (const s of [...fresh].sort((a, b) => a.seq - b.seq)) {
			if (s.kind === 'undo') {
				const target = s.undoSeq ?? null;
				if (target === null || !known.has(target) || known.get(target) === 'undo') return refuse(400, `第 ${s.seq} 步撤销的评分记录（序号 ${target ?? '空'}）不存在`);
				rows.push({ seq: s.seq, itemCode: s.code, kind: 'undo', points: null, undoSeq: target, note: s.note ?? null, clientAt: s.at ? new Date(s.at) : null });
			} else {
				const rule = findTickRule(sheet.definition, s.code);
				if (!rule || rule.kind !== s.kind) return refuse(400, `第 ${s.seq} 步的评分项“${s.code.slice(0, 20)}”不在评分表中`);
				rows.push({ seq: s.seq, itemCode: s.code, kind: s.kind, points: rule.kind === 'deduct' ? rule.points : null, undoSeq: null, note: s.note ?? null, clientAt: s.at ? new Date(s.at) : null });
			}
			known.set(s.seq, s.kind);
		}
		const added = await repo.insertSteps(tx, attemptId, actor.userId, rows, now);
		if (added) await auditAttempt(tx, actor, now, 'practical.steps', attemptId, { added, seqs: rows.map((r) => r.seq) });
		const all = await repo.listSteps(tx, attemptId, actor.userId);
		const replay = replaySteps(sheet.definition, all);
		return { ok: true as const, added, duplicates: steps.length - added, lastSeq: all.reduce((m, s) => Math.max(m, s.seq), 0), total: replay.total, veto: replay.veto };
	});
}

/**
 * The examiner signs their total. Sign-offs are serialised on the attempt row, so two examiners
 * signing at once get 'first' and 'second', never both 'first'.
 */
export async function signOff(db: Db, actor: ScopedActor, attemptId: number, now: Date): Promise<({ ok: true } & { outcome: Outcome }) | Refusal> {
	return withTransaction(db, async (tx) => {
		const attempt = await repo.lockAttempt(tx, attemptId);
		if (!attempt) return NOT_FOUND;
		const session = await requireExaminerSession(tx, actor, attempt.sessionId);
		if (!session || !(await repo.isPracticalExaminer(tx, attempt.sessionId, actor.userId))) return NOT_FOUND;
		if (attempt.status !== 'in_progress' && attempt.status !== 'scored') return refuse(409, attempt.status === 'final' ? '成绩已确定，修改须走更正程序并填写理由' : '考试尚未开始');
		if (await repo.taughtApplicant(tx, attempt.applicationId, actor.userId)) return refuse(403, '您是该考生所在培训班的授课教师，按教考分离原则（30号令 第六条）不能为其评分');
		const sheet = await repo.getSheet(tx, session.sheetCode, session.sheetVersion);
		if (!sheet) return refuse(409, '本场考试的评分表不存在');
		const existing = await repo.listSignoffs(tx, attemptId);
		if (existing.some((s) => s.examinerUserId === actor.userId)) return refuse(409, '您已签字确认过');
		const before = combineSignoffs(sheet.definition, existing);
		let role: Signoff['role'];
		if (before.state === 'awaiting') role = existing.length === 0 ? 'first' : 'second';
		else if (before.state === 'third_review') role = 'third';
		else return refuse(409, '成绩已确定');
		const replay = replaySteps(sheet.definition, await repo.listSteps(tx, attemptId, actor.userId));
		const mine: Signoff = { examinerUserId: actor.userId, role, score: replay.total, veto: replay.veto };
		await repo.insertSignoff(tx, attemptId, mine, now);
		const outcome = combineSignoffs(sheet.definition, [...existing, mine]);
		if (outcome.state === 'final')
			await repo.setAttemptResult(tx, attemptId, { status: 'final', score: outcome.score, veto: outcome.veto, passed: outcome.passed, finalisedAt: now, publishedAt: now });
		else await repo.setAttemptResult(tx, attemptId, { status: 'scored', score: null, veto: null, passed: null, finalisedAt: null, publishedAt: null });
		await auditAttempt(tx, actor, now, 'practical.signoff', attemptId, { role, score: mine.score, veto: mine.veto, outcome: outcome.state });
		return { ok: true as const, outcome };
	});
}

/** A change to a final result: needs a reason (2–300 characters); the old result is kept. */
export async function correctResult(db: Db, actor: ScopedActor, attemptId: number, input: { score: number; veto: boolean; reason: string }, now: Date): Promise<{ ok: true } | Refusal> {
	const reason = input.reason.trim();
	if ([...reason].length < 2 || [...reason].length > 300) return refuse(400, '更正理由：请填写 2–300 个字');
	if (!Number.isFinite(input.score) || input.score < 0 || input.score > 100) return refuse(400, '更正后分数：应在 0–100 之间');
	return withTransaction(db, async (tx) => {
		const attempt = await repo.lockAttempt(tx, attemptId);
		if (!attempt) return NOT_FOUND;
		const session = await requireExaminerSession(tx, actor, attempt.sessionId);
		if (!session) return NOT_FOUND;
		if (attempt.status !== 'final') return refuse(409, '成绩尚未确定，不需要更正');
		const sheet = await repo.getSheet(tx, session.sheetCode, session.sheetVersion);
		const passMark = sheet?.definition.passMark ?? 80;
		const score = Math.round(input.score * 100) / 100;
		const passed = !input.veto && score >= passMark;
		await repo.insertCorrection(tx, { attemptId, byUser: actor.userId, previousScore: attempt.score, score, previousPassed: attempt.passed, passed, reason, at: now });
		await repo.setAttemptResult(tx, attemptId, { status: 'final', score, veto: input.veto, passed, finalisedAt: attempt.finalisedAt, publishedAt: attempt.publishedAt ?? now });
		await auditAttempt(tx, actor, now, 'practical.correct', attemptId, { previousScore: attempt.score, score, previousPassed: attempt.passed, passed, reason });
		return { ok: true as const };
	});
}

export const EVIDENCE_MAX_BYTES = 50 * 1024 * 1024;
const EVIDENCE_MIMES: Record<string, string> = { 'image/jpeg': 'image/jpeg', 'image/png': 'image/png', 'video/mp4': 'video/mp4', 'video/webm': 'video/webm' };

/** The type of evidence bytes from their first bytes: JPEG/PNG photos, MP4/WebM clips. */
export function sniffEvidence(head: Uint8Array): string | null {
	if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
	if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => head[i] === b)) return 'image/png';
	const v = sniffMime(head);
	return v && v in EVIDENCE_MIMES ? v : null;
}

/** Stores a photo or short clip as evidence of the attempt (file store, owned by the institution). */
export async function addEvidence(db: Db, actor: ScopedActor, attemptId: number, file: { name: string; size: number; data: Blob; itemCode: string | null }, now: Date) {
	const name = cleanFileName(file.name);
	if (file.size === 0) return refuse(400, `文件“${name}”是空的`);
	if (file.size > EVIDENCE_MAX_BYTES) return refuse(400, `文件“${name}”有 ${formatMegabytes(file.size)}，超过上限 ${formatMegabytes(EVIDENCE_MAX_BYTES)}`);
	const mime = sniffEvidence(new Uint8Array(await file.data.slice(0, 16).arrayBuffer()));
	if (!mime) return refuse(400, `文件“${name}”不是 JPEG/PNG 照片或 MP4/WebM 视频`);
	return withTransaction(db, async (tx) => {
		const attempt = await repo.lockAttempt(tx, attemptId);
		if (!attempt) return NOT_FOUND;
		const session = await requireExaminerSession(tx, actor, attempt.sessionId);
		if (!session || !(await repo.isPracticalExaminer(tx, attempt.sessionId, actor.userId))) return NOT_FOUND;
		if (attempt.status === 'scheduled' || attempt.status === 'absent') return refuse(409, '考试尚未开始，不能上传过程记录');
		const stored = await saveFile(tx, { ownerOrgId: session.orgId, name, mime, data: file.data, createdBy: actor.userId, now });
		const id = await repo.insertEvidence(tx, { attemptId, itemCode: file.itemCode, fileId: stored.id, byUser: actor.userId, at: now });
		await auditAttempt(tx, actor, now, 'practical.evidence', attemptId, { fileId: stored.id, mime, size: file.size });
		return { ok: true as const, id, fileId: stored.id };
	});
}

function auditAttempt(tx: Tx, actor: ScopedActor, now: Date, action: string, attemptId: number, detail: Record<string, unknown>): Promise<void> {
	return audit(tx, actor, now, action, `practical_attempt:${attemptId}`, detail);
}
