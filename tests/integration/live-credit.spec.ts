import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser } from '../support/factories.ts';
import { makePerson } from '../support/study-factories.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { scheduleLiveClass, type Actor } from '../../src/lib/server/live/live-service.ts';
import { getMyStudy } from '../../src/lib/server/study/my-study.query.ts';
import { getEnterpriseArchive, getPersonArchive, listOrgPersonArchives } from '../../src/lib/server/study/archive.query.ts';
import { buildArchiveXlsx, LIVE_SHEET } from '../../src/lib/server/study/archive-xlsx.ts';
import { renderArchivePdf } from '../../src/lib/server/study/archive-pdf.ts';
import { toXueshi } from '../../src/lib/server/study/hours.ts';

// Live 学时 are added where course 学时 are summed (我的学习, 培训档案 page/xlsx/PDF), shown apart
// as 直播 / 回放; replay counts only under 'replay_allowed'; the class's 可计学时 caps both.
const T0 = Date.parse('2026-06-10T02:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

for (const backend of BACKENDS) {
	describe(`live 学时 in 我的学习 and the 培训档案 (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		let enterprise: number;
		let learner: number;
		let other: number;
		let admin: Actor;
		let lecturer: number;

		async function classWith(title: string, replayRule: 'live_only' | 'replay_allowed', creditHours: number, live: number, replay: number, person = learner) {
			const r = await scheduleLiveClass(
				db,
				admin,
				{
					title,
					lecturerUserId: lecturer,
					startsAt: at(0),
					endsAt: at(2 * 3600),
					audience: { orgIds: [enterprise], roleCategories: [], personIds: [] },
					creditHours,
					signinBeforeMinutes: 15,
					signinAfterMinutes: 10,
					replayRule
				},
				at(-86400)
			);
			if (!r.ok) throw new Error(JSON.stringify(r.errors));
			await db
				.insertInto('live_attendance')
				.values({ class_id: r.id, person_id: person, tab_id: 'x', mode: 'live', last_beat_at: at(0), first_at: at(0), last_at: at(0), live_seconds: live, replay_seconds: replay })
				.execute();
			return r.id;
		}

		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			const institution = await makeOrg(db, 'institution');
			enterprise = await makeOrg(db, 'enterprise');
			const a = await makeUser(db, { role: 'institution_admin', orgId: institution });
			admin = { userId: a.id, orgId: institution, role: 'institution_admin', personId: null, ip: null };
			lecturer = (await makeUser(db, { role: 'examiner', orgId: institution })).id;
			learner = await makePerson(db, enterprise, { role: 'frontline', name: '直播学员' });
			other = await makePerson(db, enterprise, { role: 'frontline', name: '其他学员' });
			await classWith('仅直播课', 'live_only', 2, 1800, 900); // replay does not count
			await classWith('回放可计课', 'replay_allowed', 2, 0, 2700); // replay counts
			await classWith('封顶课', 'live_only', 0.5, 4000, 0); // capped at 0.5 学时
			await classWith('别人的课', 'live_only', 2, 2700, 0, other);
		});
		afterAll(async () => t?.close());

		it('我的学习: live and allowed replay count in the year, shown apart', async () => {
			const s = await getMyStudy(db, learner, enterprise, 2026, '2026-06-11');
			const x = s.xueshiMinutes * 60;
			const cap = Math.round(0.5 * x);
			expect(s.live.classes.map((c) => c.title)).toEqual(['仅直播课', '回放可计课', '封顶课']);
			expect(s.live.liveHours).toBe(toXueshi(1800 + cap, s.xueshiMinutes));
			expect(s.live.replayHours).toBe(toXueshi(2700, s.xueshiMinutes));
			expect(s.creditedHours).toBe(toXueshi(1800 + cap + 2700, s.xueshiMinutes));
			const onlyLive = s.live.classes.find((c) => c.title === '仅直播课')!;
			expect([onlyLive.replaySeconds, onlyLive.creditedReplaySeconds]).toEqual([900, 0]);
			// another year: nothing
			const next = await getMyStudy(db, learner, enterprise, 2027, '2027-06-11');
			expect([next.creditedHours, next.live.classes.length]).toEqual([0, 0]);
		});

		it('培训档案: totals include live, xlsx has a 直播培训 sheet and summary columns, the PDF a section', async () => {
			const a = (await getPersonArchive(db, learner, { year: 2026 }))!;
			const x = a.xueshiMinutes * 60;
			expect(a.live).toHaveLength(3);
			expect(a.totals.replaySeconds).toBe(2700);
			expect(a.totals.liveSeconds).toBe(1800 + Math.round(0.5 * x));
			expect(a.totals.creditedSeconds).toBe(a.totals.liveSeconds + a.totals.replaySeconds);
			const summary = (await getEnterpriseArchive(db, enterprise, { year: 2026 }))!;
			const row = summary.rows.find((r) => r.personId === learner)!;
			expect(row.creditedXueshi).toBe(a.totals.creditedXueshi);
			expect(row.replaySeconds).toBe(2700);

			const details = await listOrgPersonArchives(db, enterprise, { year: 2026 });
			const wb = new ExcelJS.Workbook();
			await wb.xlsx.load((await buildArchiveXlsx(summary, details, { generatedAt: at(0) })) as unknown as ArrayBuffer);
			const ws = wb.getWorksheet(LIVE_SHEET)!;
			const rows = ws.getSheetValues().slice(2) as unknown[][];
			expect(rows.map((r) => r[3])).toEqual(['仅直播课', '回放可计课', '封顶课', '别人的课']);
			expect(rows[0]![5]).toBe(30); // 直播分钟
			expect(rows[0]![6]).toBe(15); // 回放分钟 (recorded, not counted)

			const pdf = await renderArchivePdf([a], { generatedAt: at(0) });
			const dir = mkdtempSync(join(tmpdir(), 'live-credit-'));
			try {
				writeFileSync(join(dir, 'a.pdf'), pdf);
				const text = execFileSync('/usr/bin/pdftotext', ['-layout', join(dir, 'a.pdf'), '-'], { encoding: 'utf8' });
				expect(text).toContain('直播培训（直播 / 回放）');
				expect(text).toContain('回放可计课');
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
		});
	});
}
