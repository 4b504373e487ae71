import type { Db } from '../src/lib/server/db/index.ts';
import type { Question } from '../src/lib/question-bank/schema.ts';
import type { Blueprint } from '../src/lib/server/question-engine/blueprint.ts';
import { createRng } from '../src/lib/server/question-engine/random.ts';
import { shanghaiDate } from '../src/lib/domain/dates.ts';
import { prepareSessionPapers } from '../src/lib/server/exams/paper-service.ts';
import { startAttempt, submitAttempt, syncAttempt, type AnswerInput, type ClientEvent } from '../src/lib/server/exams/attempt-service.ts';
import { findAttempt, getPaperSlots, loadQuestionVersions } from '../src/lib/server/exams/exam.repository.ts';
import { computeBankItemStats } from '../src/lib/server/exams/grading-service.ts';
import { decideAttempt, terminateAttempt } from '../src/lib/server/proctoring/proctor-service.ts';
import { defaultAttempts } from '../src/lib/server/exams/session-service.ts';
import type { StoredSlot } from '../src/lib/server/exams/attempt.ts';
import { SYSTEM_ACTOR } from '../src/lib/server/audit/actor.ts';

// Demo exams: a blueprint on the platform's 安全生产法 bank, one session open now for the demo
// learners, and one closed session (yesterday) taken by ~30 demo staff through the real engine,
// so results, integrity flags and item statistics have something to show.

const BLUEPRINT_NAME = '安全生产法知识考试（演示）';
const BANK_CODE = 'aqsc-law-2021';
const INSTITUTION = '重庆安训安全技术培训中心';

const BLUEPRINT: Blueprint = {
	// aqsc-law-2021 holds 80 single, 40 multiple and 40 judge questions.
	sections: [
		{ title: '单选题', type: 'single', count: 40, points: 1 },
		{ title: '多选题', type: 'multiple', count: 20, points: 2 },
		{ title: '判断题', type: 'judge', count: 20, points: 1 }
	],
	multipleScoring: 'all_or_nothing',
	durationMinutes: 120,
	totalPoints: 100,
	passMark: 80,
	shuffleQuestions: 'within_sections',
	shuffleOptions: true
};

/**
 * The engine opens its own transactions; the seed may already run inside one (seedIfEmpty), where
 * Kysely refuses nested transactions. Inside a transaction, "open a transaction" just runs the work in it.
 */
function flattenTransactions(db: Db): Db {
	if (!db.isTransaction) return db;
	const flat: Db = new Proxy(db, {
		get(target, prop) {
			if (prop === 'transaction') return () => ({ execute: <T>(fn: (tx: Db) => Promise<T>) => fn(flat) });
			const value = Reflect.get(target, prop, target);
			return typeof value === 'function' ? value.bind(target) : value;
		}
	});
	return flat;
}

async function personByAccount(db: Db, account: string) {
	const byMobile = await db.selectFrom('users').select('person_id').where('mobile', '=', account).where('person_id', 'is not', null).executeTakeFirst();
	if (byMobile?.person_id) return byMobile.person_id;
	const byId = await db.selectFrom('persons').select('id').where('id_number', '=', account).executeTakeFirst();
	return byId?.id ?? null;
}

/** Midnight (China Standard Time) of the day before `now`, plus hours. */
function yesterdayAt(now: Date, hours: number): Date {
	const today = shanghaiDate(now);
	return new Date(Date.parse(`${today}T00:00:00+08:00`) - 86_400_000 + hours * 3_600_000);
}

function wrongResponse(slot: StoredSlot, q: Question, rng: () => number): string | string[] | boolean {
	if (slot.type === 'judge') return !(q.answer as boolean);
	const keys = Object.keys(q.options ?? {});
	if (slot.type === 'single') {
		const others = keys.filter((k) => k !== q.answer);
		return others[Math.floor(rng() * others.length)] ?? keys[0]!;
	}
	// multiple: drop one keyed option (a common partial answer) or add a distractor
	const keyed = q.answer as string[];
	if (keyed.length > 1 && rng() < 0.6) return keyed.slice(0, -1);
	const extra = keys.find((k) => !keyed.includes(k));
	return extra ? [...keyed, extra].sort() : keyed.slice(0, -1);
}

export async function seedDemoExams(database: Db, now: Date): Promise<void> {
	const db = flattenTransactions(database);
	const institution = await db.selectFrom('organisations').select('id').where('name', '=', INSTITUTION).executeTakeFirst();
	const bank = await db.selectFrom('qb_banks').select('id').where('code', '=', BANK_CODE).executeTakeFirst();
	if (!institution || !bank) return;
	const exists = await db.selectFrom('exam_blueprints').select('id').where('owner_org_id', '=', institution.id).where('name', '=', BLUEPRINT_NAME).executeTakeFirst();
	if (exists) return;
	const admin = await db.selectFrom('users').select('id').where('mobile', '=', '13800000004').executeTakeFirst();
	const examiner = await db.selectFrom('users').select('id').where('mobile', '=', '13800000005').executeTakeFirst();

	const blueprint = await db
		.insertInto('exam_blueprints')
		.values({
			owner_org_id: institution.id,
			name: BLUEPRINT_NAME,
			bank_ids: JSON.stringify([bank.id]),
			definition: JSON.stringify(BLUEPRINT),
			certificate_type: 'principal_or_safety_manager',
			exam_kind: 'theory',
			practice_open: true,
			created_by: admin?.id ?? null,
			created_at: now,
			updated_at: now
		})
		.returning('id')
		.executeTakeFirstOrThrow();

	const newSession = async (name: string, opensAt: Date, closesAt: Date, paperMode: 'fixed' | 'per_candidate') => {
		const row = await db
			.insertInto('exam_sessions')
			.values({
				owner_org_id: institution.id,
				blueprint_id: blueprint.id,
				name,
				mode: 'online',
				opens_at: opensAt,
				closes_at: closesAt,
				paper_mode: paperMode,
				max_attempts: defaultAttempts('principal_or_safety_manager', 'theory', opensAt).maxAttempts,
				review_policy: 'after_close',
				created_by: admin?.id ?? null,
				created_at: new Date(opensAt.getTime() - 3 * 86_400_000)
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		if (examiner) await db.insertInto('exam_session_examiners').values({ session_id: row.id, user_id: examiner.id }).execute();
		return row.id;
	};
	const enrol = async (sessionId: number, personIds: number[], at: Date) => {
		if (!personIds.length) return;
		await db
			.insertInto('exam_candidates')
			.values(personIds.map((person_id) => ({ session_id: sessionId, person_id, added_by: admin?.id ?? null, added_at: at })))
			.onConflict((oc) => oc.columns(['session_id', 'person_id']).doNothing())
			.execute();
	};

	// Open now, for the demo learners.
	const demoLearners = (await Promise.all(['13800000006', '13800000007', '500115197803150011'].map((a) => personByAccount(db, a)))).filter((p): p is number => p !== null);
	const openId = await newSession('安全生产法知识考试（演示，进行中）', new Date(now.getTime() - 3_600_000), new Date(now.getTime() + 7 * 86_400_000), 'per_candidate');
	await enrol(openId, demoLearners, new Date(now.getTime() - 2 * 86_400_000));
	await prepareSessionPapers(db, openId, new Date(now.getTime() - 2 * 3_600_000));

	// Closed yesterday 09:00–11:30 (China Standard Time): ~30 staff, one fixed paper so every item has ~30 responses.
	const opens = yesterdayAt(now, 9);
	const closes = yesterdayAt(now, 11.5);
	const closedId = await newSession('安全生产法知识考试（演示，已结束）', opens, closes, 'fixed');
	const staff = await db
		.selectFrom('persons')
		.select('id')
		.where('active', '=', true)
		.where('id', 'not in', demoLearners.length ? demoLearners : [0])
		.orderBy('org_id')
		.orderBy('id')
		.limit(30)
		.execute();
	await enrol(closedId, staff.map((s) => s.id), new Date(opens.getTime() - 2 * 86_400_000));
	await prepareSessionPapers(db, closedId, new Date(opens.getTime() - 86_400_000));

	const examinerActor = { ...SYSTEM_ACTOR, userId: examiner?.id ?? admin?.id ?? 0, role: 'examiner', orgId: institution.id, ip: '10.30.0.5' };
	const rng = createRng(`demo-exams:${closedId}`);
	let terminated = false;
	for (const [i, s] of staff.entries()) {
		const startAt = new Date(opens.getTime() + (2 + (i % 10)) * 60_000);
		const client = { clientId: `seed-exam-${s.id}`, ip: `10.30.1.${(i % 200) + 10}`, userAgent: 'Mozilla/5.0 (demo seed)' };
		const started = await startAttempt(db, { sessionId: closedId, personId: s.id, userId: 0, accessCode: '', client, identityPhoto: null }, startAt);
		if (!started.ok) continue;
		const attempt = await findAttempt(db, started.attemptId);
		const slots = await getPaperSlots(db, attempt!.paper_id);
		const questions = await loadQuestionVersions(db, slots);
		// Most candidates know the law well; a few do not. Harder items are missed more often.
		const ability = [0.97, 0.93, 0.9, 0.88, 0.85, 0.82, 0.78, 0.72, 0.65, 0.55][i % 10]!;
		const fast = i === 4 || i === 17; // finish in a couple of minutes: flagged 'fast'
		const wanders = i === 7 || i === 22; // leave the page often: flagged 'focus_loss'
		const think = fast ? 2 : 25 + Math.floor(rng() * 40);
		let t = startAt.getTime();
		const answers: (AnswerInput & { at: number })[] = [];
		for (const [k, slot] of slots.entries()) {
			const q = questions.get(`${slot.questionId}@${slot.version}`);
			if (!q) continue;
			t += (think + Math.floor(rng() * (fast ? 2 : 20))) * 1000;
			const difficulty = q.difficulty ?? 2;
			const chance = Math.max(0.2, ability - (difficulty - 2) * 0.06);
			// a handful of questions left blank by the weakest candidates
			if (ability < 0.6 && rng() < 0.05) continue;
			const response = rng() < chance ? (q.answer as string | string[] | boolean) : wrongResponse(slot, q, rng);
			answers.push({ seq: k + 1, slot: slot.slot, response, clientAt: new Date(t), at: t });
		}
		const events: ClientEvent[] = wanders ? Array.from({ length: 8 }, (_, n) => ({ kind: n % 2 ? 'page_visible' : 'page_hidden', at: new Date(startAt.getTime() + (n + 1) * 240_000) })) : [];
		if (wanders) events.push(...Array.from({ length: 8 }, (_, n) => ({ kind: 'page_hidden', at: new Date(startAt.getTime() + (n + 1) * 300_000 + 1000) })));
		// Sent as the page would: in batches as the candidate goes.
		for (let b = 0; b < answers.length; b += 10) {
			const batch = answers.slice(b, b + 10);
			const at = new Date(batch.at(-1)!.at + 500);
			const batchEvents = events.filter((e) => e.at.getTime() <= at.getTime() && e.at.getTime() > (b ? answers[b - 1]!.at + 500 : 0));
			await syncAttempt(db, { attemptId: started.attemptId, personId: s.id, client, answers: batch.map(({ at: _at, ...a }) => a), events: batchEvents, acknowledge: [] }, at);
		}
		const end = new Date(Math.min(t + 30_000, closes.getTime() - 60_000));
		if (i === 12 && !terminated) {
			terminated = true;
			await terminateAttempt(db, started.attemptId, '考试过程中使用手机查阅资料，现场核实后终止', examinerActor, end);
			await decideAttempt(db, started.attemptId, 'voided', '监考录像确认使用手机查阅资料，成绩作废', examinerActor, new Date(end.getTime() + 600_000));
			continue;
		}
		const late = events.filter((e) => e.at.getTime() > (answers.at(-1)?.at ?? 0) + 500);
		await submitAttempt(db, { attemptId: started.attemptId, personId: s.id, client, answers: [], events: late }, end);
		if (i === 7) await decideAttempt(db, started.attemptId, 'cleared', '考生说明系家中网络不稳定反复刷新页面，查看抓拍照片无异常', examinerActor, new Date(closes.getTime() + 3_600_000));
	}
	await computeBankItemStats(db, bank.id, new Date(closes.getTime() + 2 * 3_600_000));
}
