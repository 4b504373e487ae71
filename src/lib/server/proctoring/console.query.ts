import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { maskIdNumber } from '../../domain/identifiers.ts';
import { computeIntegrityFlags, EVENT_LABELS, integrityFlags, type IntegrityFlag } from './integrity.ts';
import type { StoredSlot } from '../exams/attempt.ts';
import { isExpired } from '../exams/attempt.ts';
import { findAttempt, getPaperSlots } from '../exams/exam.repository.ts';
import type { SessionRow } from '../exams/session.repository.ts';

// Read-only views for examiners: the live console of a session and one attempt's timeline.

export const CONSOLE_STATUS_LABELS = {
	not_started: '未开始',
	in_progress: '考试中',
	submitted: '已交卷',
	deadline: '超时交卷',
	terminated: '已终止'
} as const;
export type ConsoleStatus = keyof typeof CONSOLE_STATUS_LABELS;

export type ConsoleRow = {
	candidateId: number;
	name: string;
	idNumber: string;
	idCheckedAt: string | null;
	attemptId: number | null;
	attemptNo: number | null;
	status: ConsoleStatus;
	answered: number;
	total: number;
	/** Seconds to the server's deadline; null when not in progress. */
	secondsLeft: number | null;
	deadline: string | null;
	flags: IntegrityFlag[];
	score: number | null;
	passed: boolean | null;
	decision: string | null;
};

type Raw = {
	candidate_id: number;
	name: string;
	id_number: string;
	id_checked_at: Date | null;
	attempt_id: number | null;
	attempt_no: number | null;
	status: string | null;
	finish_reason: string | null;
	started_at: Date | null;
	deadline_at: Date | null;
	finished_at: Date | null;
	score: string | null;
	passed: boolean | null;
	flags: unknown;
	decision: string | null;
	total: number | null;
	answered: number | null;
	event_counts: Record<string, number> | null;
};

/** A response that counts as an answer: not null, not an empty selection. */
const ANSWERED = sql`x.response is not null and x.response <> 'null'::jsonb and x.response <> '[]'::jsonb`;

/** Every candidate of the session with their latest attempt: status, progress, time left and live flags. */
export async function sessionConsole(db: Db, session: Pick<SessionRow, 'id' | 'require_fullscreen'>, now: Date): Promise<ConsoleRow[]> {
	const { rows } = await sql<Raw>`
		select c.id as candidate_id, p.name, p.id_number, c.id_checked_at,
			a.id as attempt_id, a.attempt_no, a.status, a.finish_reason, a.started_at, a.deadline_at, a.finished_at, a.score, a.passed, a.flags, a.decision,
			jsonb_array_length(pp.slots) as total,
			(select count(*)::int from (select distinct on (slot) response from exam_answer_steps s where s.attempt_id = a.id order by slot, seq desc) x where ${ANSWERED}) as answered,
			(select jsonb_object_agg(kind, n) from (select kind, count(*)::int as n from exam_events e where e.attempt_id = a.id group by kind) k) as event_counts
		from exam_candidates c
		join persons p on p.id = c.person_id
		left join lateral (select * from exam_attempts a where a.candidate_id = c.id and a.status <> 'ready' order by a.id desc limit 1) a on true
		left join exam_papers pp on pp.id = a.paper_id
		where c.session_id = ${session.id}
		order by p.name, c.id`.execute(db);
	return rows.map((r) => {
		const status: ConsoleStatus = r.status === 'in_progress' ? 'in_progress' : r.status === 'finished' ? ((r.finish_reason ?? 'submitted') as ConsoleStatus) : 'not_started';
		let flags: IntegrityFlag[] = [];
		if (r.status === 'finished' && r.flags) flags = integrityFlags(r.flags);
		else if (r.attempt_id && r.event_counts) {
			const events = Object.entries(r.event_counts).flatMap(([kind, n]) => Array.from({ length: n }, () => ({ kind, source: 'client' })));
			flags = computeIntegrityFlags(events, { startedAt: r.started_at, finishedAt: r.finished_at, answered: r.answered ?? 0, requireFullscreen: session.require_fullscreen });
		}
		const live = r.status === 'in_progress' && r.deadline_at;
		return {
			candidateId: r.candidate_id,
			name: r.name,
			idNumber: maskIdNumber(r.id_number),
			idCheckedAt: r.id_checked_at ? new Date(r.id_checked_at).toISOString() : null,
			attemptId: r.attempt_id,
			attemptNo: r.attempt_no,
			status,
			answered: r.answered ?? 0,
			total: r.total ?? 0,
			secondsLeft: live ? Math.max(0, Math.floor((new Date(r.deadline_at as Date).getTime() - now.getTime()) / 1000)) : null,
			deadline: r.deadline_at ? new Date(r.deadline_at).toISOString() : null,
			flags,
			score: r.score === null ? null : Number(r.score),
			passed: r.passed,
			decision: r.decision
		};
	});
}

export type TimelineItem =
	| { at: string; kind: 'answer'; seq: number; slot: number; answer: string; type: string }
	| { at: string; kind: 'event'; source: string; code: string; label: string; detail: Record<string, unknown> }
	| { at: string; kind: 'snapshot'; fileId: number; snapshotKind: string }
	| { at: string; kind: 'action'; action: string; message: string; seconds: number | null; by: string | null };

const LETTERS = 'ABCDEF';

/** How the candidate saw an answer: the display letters (after option shuffling), 对/错 for judge items. */
export function describeResponse(slot: StoredSlot | undefined, response: unknown): string {
	if (response === null || response === undefined || (Array.isArray(response) && !response.length)) return '（清空作答）';
	if (typeof response === 'boolean') return response ? '对' : '错';
	const keys = Array.isArray(response) ? response.map(String) : [String(response)];
	if (!slot) return keys.join('');
	return keys
		.map((k) => {
			const i = slot.optionOrder.indexOf(k);
			return i >= 0 ? (LETTERS[i] ?? k) : k;
		})
		.sort()
		.join('');
}

/** One attempt's history in time order, for the examiner. */
export async function attemptTimeline(db: Db, attemptId: number, now: Date) {
	const attempt = await findAttempt(db, attemptId);
	if (!attempt) return null;
	const person = await db.selectFrom('persons as p').innerJoin('organisations as o', 'o.id', 'p.org_id').select(['p.name', 'p.id_number', 'o.name as org']).where('p.id', '=', attempt.person_id).executeTakeFirstOrThrow();
	const slots = await getPaperSlots(db, attempt.paper_id);
	const bySlot = new Map(slots.map((s) => [s.slot, s]));
	const steps = await db.selectFrom('exam_answer_steps').select(['seq', 'slot', 'response', 'received_at']).where('attempt_id', '=', attemptId).orderBy('received_at').orderBy('seq').execute();
	const events = await db.selectFrom('exam_events').select(['id', 'at', 'source', 'kind', 'detail']).where('attempt_id', '=', attemptId).orderBy('at').orderBy('id').execute();
	const snapshots = await db.selectFrom('exam_snapshots').select(['id', 'kind', 'file_id', 'taken_at']).where('attempt_id', '=', attemptId).orderBy('taken_at').execute();
	const actions = await db
		.selectFrom('exam_actions as x')
		.leftJoin('users as u', 'u.id', 'x.by_user')
		.select(['x.id', 'x.kind', 'x.message', 'x.seconds', 'x.at', 'x.acknowledged_at', 'u.display_name'])
		.where('x.attempt_id', '=', attemptId)
		.orderBy('x.at')
		.execute();
	const iso = (d: Date | string) => new Date(d).toISOString();
	// Warn / extend / terminate are shown from exam_actions (with who did it); the log's copies would repeat them.
	const fromActions = new Set(['warn', 'extend', 'terminate']);
	const items: TimelineItem[] = [
		...steps.map((s) => ({ at: iso(s.received_at), kind: 'answer' as const, seq: s.seq, slot: s.slot, answer: describeResponse(bySlot.get(s.slot), s.response), type: bySlot.get(s.slot)?.type ?? 'single' })),
		...events
			.filter((e) => !(e.source === 'examiner' && fromActions.has(e.kind)))
			.map((e) => ({ at: iso(e.at), kind: 'event' as const, source: e.source, code: e.kind, label: EVENT_LABELS[e.kind] ?? e.kind, detail: (e.detail ?? {}) as Record<string, unknown> })),
		...snapshots.map((s) => ({ at: iso(s.taken_at), kind: 'snapshot' as const, fileId: s.file_id, snapshotKind: s.kind })),
		...actions.map((a) => ({ at: iso(a.at), kind: 'action' as const, action: a.kind, message: a.message, seconds: a.seconds, by: a.display_name }))
	];
	// Stable: same instant keeps the order above (answers before the events they caused).
	items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
	const answered = new Set<number>();
	const latest = new Map<number, unknown>();
	for (const s of [...steps].sort((a, b) => a.seq - b.seq)) latest.set(s.slot, s.response);
	for (const [slot, r] of latest) if (r !== null && !(Array.isArray(r) && !r.length)) answered.add(slot);
	const live = attempt.status === 'in_progress' && !isExpired(attempt, now);
	return {
		attempt: {
			id: attempt.id,
			sessionId: attempt.session_id,
			attemptNo: attempt.attempt_no,
			status: attempt.status,
			finishReason: attempt.finish_reason,
			startedAt: attempt.started_at?.toISOString() ?? null,
			deadline: attempt.deadline_at?.toISOString() ?? null,
			finishedAt: attempt.finished_at?.toISOString() ?? null,
			secondsLeft: live && attempt.deadline_at ? Math.max(0, Math.floor((attempt.deadline_at.getTime() - now.getTime()) / 1000)) : null,
			extendedSeconds: attempt.extended_seconds,
			ip: attempt.ip,
			score: attempt.score === null ? null : Number(attempt.score),
			passed: attempt.passed,
			flags: integrityFlags(attempt.flags),
			decision: attempt.decision,
			decisionReason: attempt.decision_reason,
			decidedAt: attempt.decided_at?.toISOString() ?? null,
			result: attempt.result as { total: number; possible: number; correct: number; answered: number; byType: { type: string; earned: number; possible: number }[] } | null
		},
		person: { name: person.name, idNumber: maskIdNumber(person.id_number), org: person.org },
		total: slots.length,
		answered: answered.size,
		items
	};
}
