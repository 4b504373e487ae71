import type { Db } from '../db/index.ts';
import { formatDateTime, shanghaiDate } from '../../domain/dates.ts';
import { CERTIFICATE_KIND_LABELS } from '../certificates/rules.ts';
import { optedOut, type Channel } from './kinds.ts';
import {
	findCertificateHolder,
	findGradedAttempt,
	findSessionForCandidates,
	insertNotifications,
	insertOutbound,
	listCertificatesExpiring,
	listContacts,
	listEnrolmentsDue,
	listNewEnrolments,
	type NewOutbound
} from './producers.repository.ts';
import { labelOf } from '../../domain/labels.ts';

// What Anxun tells people, and when. Each producer runs inside the transaction of the change it
// reports (a course assigned, a candidate added, a certificate issued), or in a daily job for
// reminders. Dedupe keys make every producer safe to run twice: a retried job, a second instance
// running the same day's job, or a replayed request tells nobody the same thing again.

type Message = { userId: number; kind: string; title: string; body: string; link: string | null; dedupeKey: string };

/**
 * Stores the in-app messages and queues their SMS / e-mail copies for every recipient who has a
 * mobile / e-mail and has not opted out of this kind on that channel. Returns how many messages were new.
 * (The bulk form of notify() + enqueueOutbound(): a plan of thousands of enrolments is two inserts.)
 */
export async function tell(db: Db, messages: Message[], now: Date): Promise<number> {
	if (!messages.length) return 0;
	const inserted = await insertNotifications(
		db,
		messages.map((m) => ({ user_id: m.userId, kind: m.kind, title: m.title, body: m.body, link: m.link, dedupe_key: m.dedupeKey, created_at: now }))
	);
	const { users, optOuts } = await listContacts(
		db,
		inserted.map((n) => n.user_id)
	);
	const byUser = new Map(users.map((u) => [u.id, u]));
	const outbound: NewOutbound[] = [];
	for (const n of inserted) {
		const user = byUser.get(n.user_id);
		if (!user) continue;
		const mine = optOuts.filter((o) => o.user_id === n.user_id);
		const addresses: [Channel, string | null][] = [
			['sms', user.mobile],
			['email', user.email]
		];
		for (const [channel, address] of addresses) {
			if (!address || optedOut(n.kind, channel, mine)) continue;
			outbound.push({
				user_id: n.user_id,
				notification_id: n.id,
				channel,
				address,
				subject: channel === 'email' ? `安训：${n.title}` : null,
				body: channel === 'sms' ? `${n.title}。${n.body}`.slice(0, 300) : n.body,
				kind: n.kind,
				idempotency_key: `notification:${n.id}:${channel}`,
				next_attempt_at: now,
				created_at: now
			});
		}
	}
	await insertOutbound(db, outbound);
	return inserted.length;
}

/** A YYYY-MM-DD date `days` later. */
export function addDays(date: string, days: number): string {
	return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const dueText = (dueOn: string | null) => (dueOn ? `，请在 ${dueOn} 前完成` : '');

/** 课程分配: the enrolments of the organisation created in this transaction (created_at = now). */
export async function notifyCoursesAssigned(db: Db, orgId: number, now: Date): Promise<number> {
	const rows = await listNewEnrolments(db, orgId, now);
	return tell(
		db,
		rows.map((e) => ({
			userId: e.user_id,
			kind: 'course_assigned',
			title: `新课程：${e.course_title}`.slice(0, 100),
			body: `单位为您安排了 ${e.plan_year} 年度培训课程「${e.course_title}」${dueText(e.due_on)}。`,
			link: `/learner/courses`,
			dedupeKey: `course_assigned:${e.id}`
		})),
		now
	);
}

/**
 * Daily (China date of `now`): courses due within 7 days, and courses overdue. Keyed by enrolment and
 * due date, so each is said once per due date however often the job runs; a changed due date is said again.
 */
export async function notifyStudyDeadlines(db: Db, now: Date): Promise<number> {
	const today = shanghaiDate(now);
	const [soon, overdue] = await Promise.all([listEnrolmentsDue(db, today, addDays(today, 7)), listEnrolmentsDue(db, null, today)]);
	return tell(
		db,
		[
			...soon.map((e) => ({
				userId: e.user_id,
				kind: 'course_due_soon',
				title: `课程即将到期：${e.course_title}`.slice(0, 100),
				body: `课程「${e.course_title}」将于 ${e.due_on} 到期，请尽快完成学习。`,
				link: '/learner/courses',
				dedupeKey: `course_due_soon:${e.id}:${e.due_on}`
			})),
			...overdue.map((e) => ({
				userId: e.user_id,
				kind: 'course_overdue',
				title: `课程已逾期：${e.course_title}`.slice(0, 100),
				body: `课程「${e.course_title}」已于 ${e.due_on} 到期但尚未完成，请尽快补学。`,
				link: '/learner/courses',
				dedupeKey: `course_overdue:${e.id}:${e.due_on}`
			}))
		],
		now
	);
}

/** 考试安排: the candidates just added to a session — when, where, what to bring. */
export async function notifyExamScheduled(db: Db, sessionId: number, personIds: number[], now: Date): Promise<number> {
	const found = await findSessionForCandidates(db, sessionId, personIds);
	if (!found) return 0;
	const { session: s, users } = found;
	const place = s.mode === 'online' ? '线上考试（在“我的考试”中进入）' : `考点：${s.exam_point ?? '另行通知'}`;
	const bring = [
		s.mode === 'online' ? '可上网的电脑或手机' : '本人有效身份证件原件',
		...(s.mode === 'online' && s.require_id_check ? ['本人有效身份证件（核验身份）'] : []),
		...(s.require_webcam ? ['可用的摄像头'] : [])
	].join('、');
	return tell(
		db,
		users.map((u) => ({
			userId: u.id,
			kind: 'exam_scheduled',
			title: `考试安排：${s.name}`.slice(0, 100),
			body: `${s.org_name}为您安排了考试「${s.name}」。时间：${formatDateTime(s.opens_at)} 至 ${formatDateTime(s.closes_at)}；${place}；请携带：${bring}。`,
			link: '/learner/exams',
			dedupeKey: `exam_scheduled:${s.id}:${u.person_id}`
		})),
		now
	);
}

/** 考试成绩: an exam attempt was graded (practice is not reported). */
export async function notifyExamGraded(db: Db, attemptId: number, now: Date): Promise<number> {
	const a = await findGradedAttempt(db, attemptId);
	if (!a || a.mode !== 'exam') return 0;
	const name = a.session_name ?? '考试';
	return tell(
		db,
		[{ userId: a.user_id, kind: 'exam_graded', title: `考试成绩已出：${name}`.slice(0, 100), body: `您参加的「${name}」已评分，请到“我的考试”查看成绩。`, link: '/learner/exams', dedupeKey: `exam_graded:${a.id}` }],
		now
	);
}

const certName = (c: { type: string; number: string | null }) => `${labelOf(CERTIFICATE_KIND_LABELS, c.type)}${c.number ? `（${c.number}）` : ''}`;

/** 证书发放: a certificate was issued (approved by the regulator, or a 培训合格证明 by the institution). */
export async function notifyCertificateIssued(db: Db, certificateId: number, now: Date): Promise<number> {
	const c = await findCertificateHolder(db, certificateId);
	if (!c) return 0;
	const until = c.valid_until ? `，有效期至 ${c.valid_until}` : '';
	return tell(db, [{ userId: c.user_id, kind: 'certificate_issued', title: '证书已发放', body: `您的${certName(c)}已发放${until}。`, link: '/learner/certificates', dedupeKey: `certificate_issued:${c.id}` }], now);
}

export async function notifyCertificateRevoked(db: Db, certificateId: number, reason: string, now: Date): Promise<number> {
	const c = await findCertificateHolder(db, certificateId);
	if (!c) return 0;
	return tell(db, [{ userId: c.user_id, kind: 'certificate_revoked', title: '证书已撤销', body: `您的${certName(c)}已被撤销。理由：${reason}`, link: '/learner/certificates', dedupeKey: `certificate_revoked:${c.id}` }], now);
}

/** Daily: certificates that end within 90 days, and within 30 days; each said once per validity date. */
export async function notifyCertificatesExpiring(db: Db, now: Date): Promise<number> {
	const today = shanghaiDate(now);
	const rows = await listCertificatesExpiring(db, today, addDays(today, 90));
	const in30 = addDays(today, 30);
	return tell(
		db,
		rows.map((c) => {
			const days = c.valid_until! <= in30 ? 30 : 90;
			return {
				userId: c.user_id,
				kind: 'certificate_expiring',
				title: `证书将在 ${days} 天内到期`,
				body: `您的${certName(c)}将于 ${c.valid_until} 到期，请及时安排复审或换证培训。`,
				link: '/learner/certificates',
				dedupeKey: `certificate_expiring:${days}:${c.id}:${c.valid_until}`
			};
		}),
		now
	);
}
