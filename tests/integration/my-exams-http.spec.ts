// Issue 20, item 3: the learner's home page (我的学习) and 我的考试 show the same exams, from one
// query (listMySessions, grouped by groupMyExams): open with a ready paper, upcoming, in progress,
// finished and graded, and on the roster without a prepared paper. Through the built server
// (npx vite build first), on each backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, dropPostgresDatabase } from '../support/db.ts';
import { makeOrg, makeUser, TEST_PASSWORD } from '../support/factories.ts';
import { makePerson } from '../support/study-factories.ts';
import { makeSession, prepareServerDatabase } from '../support/exam-factories.ts';
import { makePracticeBank, makePracticeBlueprint } from '../support/practice-factories.ts';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';
import { startAttempt, submitAttempt } from '../../src/lib/server/exams/attempt-service.ts';
import { groupMyExams } from '../../src/lib/domain/my-exams.ts';

const HOUR = 3600_000;
const client = { clientId: 'my-exams-tab', ip: '10.0.0.8', userAgent: 'vitest' };

/** The hrefs of the links inside the element that starts at `marker` (up to the next </section>). */
function linksIn(html: string, marker: string): string[] {
	const start = html.indexOf(marker);
	if (start < 0) return [];
	const end = html.indexOf('</section>', start);
	return [...html.slice(start, end < 0 ? undefined : end).matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
}

describe('groupMyExams', () => {
	it('puts cancelled sessions with the finished ones and keeps the order', () => {
		const s = (id: number, phase: 'open' | 'upcoming' | 'finished', cancelled = false) => ({ id, phase, cancelled });
		expect(groupMyExams([s(1, 'upcoming'), s(2, 'open'), s(3, 'open', true), s(4, 'finished'), s(5, 'open')])).toEqual({
			open: [s(2, 'open'), s(5, 'open')],
			upcoming: [s(1, 'upcoming')],
			finished: [s(3, 'open', true), s(4, 'finished')]
		});
	});
});

for (const backend of BACKENDS) {
	describe.skipIf(!hasBuild(import.meta.url))(`我的学习 and 我的考试 agree (built server, ${backend})`, () => {
		let server: RunningServer;
		let dbUrl: string | null = null;
		let learner: Client;
		let w: { mobile: string; ready: number; upcoming: number; running: number; runningAttempt: number; graded: number; gradedAttempt: number; rosterOnly: number };

		beforeAll(async () => {
			const prepared = await prepareServerDatabase(backend, async (db) => {
				const institution = await makeOrg(db, 'institution');
				const enterprise = await makeOrg(db, 'enterprise');
				const bank = await makePracticeBank(db, { ownerOrgId: institution, audience: [] });
				const blueprint = await makePracticeBlueprint(db, institution, [bank.id], { practiceOpen: false });
				const person = await makePerson(db, enterprise, { role: 'frontline' });
				const user = await makeUser(db, { role: 'learner', orgId: enterprise });
				await db.updateTable('users').set({ person_id: person }).where('id', '=', user.id).execute();
				const now = Date.now();
				const at = (h: number) => new Date(now + h * HOUR);
				const base = { ownerOrgId: institution, blueprintId: blueprint, personIds: [person] };
				const graded = await makeSession(db, { ...base, name: '已评分的考试', opensAt: at(-6), closesAt: at(-4) });
				const g = await startAttempt(db, { sessionId: graded, personId: person, userId: user.id, accessCode: '', client, identityPhoto: null }, at(-5));
				if (!g.ok) throw new Error(g.reasons.join());
				await submitAttempt(db, { attemptId: g.attemptId, personId: person, client, answers: [], events: [] }, at(-4.5));
				const ready = await makeSession(db, { ...base, name: '开放中待开考的考试', opensAt: at(-1), closesAt: at(5) });
				const upcoming = await makeSession(db, { ...base, name: '后天的考试', opensAt: at(48), closesAt: at(51) });
				const running = await makeSession(db, { ...base, name: '作答中的考试', opensAt: at(-1), closesAt: at(5) });
				const r = await startAttempt(db, { sessionId: running, personId: person, userId: user.id, accessCode: '', client, identityPhoto: null }, at(-0.1));
				if (!r.ok) throw new Error(r.reasons.join());
				const rosterOnly = await makeSession(db, { ...base, name: '尚未组卷的考试', opensAt: at(-1), closesAt: at(5), prepare: false });
				return { mobile: user.mobile, ready, upcoming, running, runningAttempt: r.attemptId, graded, gradedAttempt: g.attemptId, rosterOnly };
			});
			dbUrl = prepared.url;
			w = prepared.value;
			server = await startServer(prepared.env);
			learner = new Client(server.url);
			await learner.login(w.mobile, TEST_PASSWORD);
		}, 180_000);

		afterAll(async () => {
			await server?.stop();
			if (dbUrl) await dropPostgresDatabase(dbUrl);
		});

		it('the role home sends a learner to 我的学习', async () => {
			const r = await learner.get('/');
			expect(r.status).toBe(303);
			expect(r.headers.get('location')).toBe('/learner');
		});

		it('shows every open and upcoming exam on both pages, with the same links, and the graded one with its result', async () => {
			const home = await (await learner.get('/learner')).text();
			const list = await (await learner.get('/learner/exams')).text();
			expect(home).not.toContain('暂无考试安排');
			for (const name of ['开放中待开考的考试', '后天的考试', '作答中的考试', '尚未组卷的考试', '已评分的考试']) expect(list, name).toContain(name);
			for (const name of ['开放中待开考的考试', '后天的考试', '作答中的考试', '尚未组卷的考试']) expect(home, name).toContain(name);

			const homeLinks = linksIn(home, 'id="exams"');
			for (const id of [w.ready, w.upcoming, w.rosterOnly]) {
				expect(homeLinks, `home → session ${id}`).toContain(`/learner/exams/${id}`);
				expect(list).toContain(`href="/learner/exams/${id}"`);
			}
			expect(homeLinks).toContain(`/learner/exams/attempts/${w.runningAttempt}`);
			expect(list).toContain(`href="/learner/exams/attempts/${w.runningAttempt}"`);
			// finished and graded: counted on the home page with its result, listed with its result link on 我的考试
			const finished = home.slice(home.indexOf('已结束 1 场'));
			expect(finished.replace(/<!--[^>]*-->/g, '')).toMatch(/^已结束 1 场，最近一场：已评分的考试\s*未通过/);
			expect(list).toContain(`href="/learner/exams/attempts/${w.gradedAttempt}/result"`);
			// the links reach the session pages
			for (const href of homeLinks.filter((h) => /^\/learner\/exams\/\d+$/.test(h))) expect((await learner.get(href)).status, href).toBe(200);
		});
	});
}
