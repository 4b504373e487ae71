import type { Db } from '../db/index.ts';
import type { LiveConfig } from './attendance.ts';
import { creditedHours } from './attendance.ts';
import { getXueshiMinutes } from '../study/requirements.repository.ts';
import { countRollCalls, latestStreamKey, listAttendance, listQuestions, listStreamPeriods, type LiveClassRow } from './live.repository.ts';
import { classCapSeconds, phaseOf, type LivePhase } from './live-service.ts';

export type AttendanceLine = {
	personId: number;
	name: string;
	idNumber: string;
	orgName: string;
	roleCategory: string;
	signedInAt: string | null;
	late: boolean;
	liveMinutes: number;
	replayMinutes: number;
	creditedHours: number;
	rollCallsAnswered: number;
	watching: boolean;
};

export type ConsoleView = {
	phase: LivePhase;
	streamUp: boolean;
	streamMinutes: number;
	watching: number;
	invited: number;
	attended: number;
	rollCalls: number;
	capHours: number;
	keyIssued: { expiresAt: string; revoked: boolean } | null;
	attendance: AttendanceLine[];
	questions: { id: number; personName: string; body: string; status: string; answer: string | null; onAir: boolean; answered: boolean; createdAt: string }[];
};

const minutes = (s: number) => Math.floor(s / 6) / 10;

/** Everything the lecturer's console shows, for the page and for its polling endpoint. */
export async function getConsoleView(db: Db, cls: LiveClassRow, now: Date, config: LiveConfig): Promise<ConsoleView> {
	const [rows, questions, periods, rollCalls, xueshi, cap, key] = await Promise.all([
		listAttendance(db, cls.id, now, config.intervalSeconds + config.toleranceSeconds),
		listQuestions(db, cls.id),
		listStreamPeriods(db, cls.id),
		countRollCalls(db, cls.id, now),
		getXueshiMinutes(db),
		classCapSeconds(db, cls),
		latestStreamKey(db, cls.id)
	]);
	const streamSeconds = periods.reduce((s, p) => s + ((p.ended_at ?? now).getTime() - p.started_at.getTime()) / 1000, 0);
	const attendance = rows.map((r) => ({
		personId: r.person_id,
		name: r.name,
		idNumber: r.id_number,
		orgName: r.org_name,
		roleCategory: r.role_category,
		signedInAt: r.signed_in_at ? r.signed_in_at.toISOString() : null,
		late: r.late,
		liveMinutes: minutes(r.live_seconds),
		replayMinutes: minutes(r.replay_seconds),
		creditedHours: creditedHours(r, cls.replay_rule, cap, xueshi),
		rollCallsAnswered: r.rollcalls_answered,
		watching: r.watching
	}));
	return {
		phase: phaseOf(cls, now),
		streamUp: periods.some((p) => p.ended_at === null),
		streamMinutes: minutes(streamSeconds),
		watching: attendance.filter((a) => a.watching).length,
		invited: attendance.length,
		attended: attendance.filter((a) => a.signedInAt !== null).length,
		rollCalls,
		capHours: Math.floor((cap / 60 / xueshi) * 10) / 10,
		keyIssued: key ? { expiresAt: key.expires_at.toISOString(), revoked: key.revoked_at !== null } : null,
		attendance,
		questions: questions.map((q) => ({
			id: q.id,
			personName: q.person_name,
			body: q.body,
			status: q.status,
			answer: q.answer,
			onAir: q.answered_on_air,
			answered: q.answered_at !== null,
			createdAt: q.created_at.toISOString()
		}))
	};
}
