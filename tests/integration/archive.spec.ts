import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KyselyPlugin } from 'kysely';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg } from '../support/factories.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { idNumberCheckChar } from '../../src/lib/domain/identifiers.ts';
import {
	archiveYearOf,
	getEnterpriseArchive,
	getPersonArchive,
	listArchiveYears,
	listOrgPersonArchives
} from '../../src/lib/server/study/archive.query.ts';
import { renderArchivePdf, streamArchivePdf } from '../../src/lib/server/study/archive-pdf.ts';
import { resolvePdfFont } from '../../src/lib/server/pdf/fonts.ts';
import { DETAIL_SHEET, SUMMARY_SHEET, buildArchiveXlsx } from '../../src/lib/server/study/archive-xlsx.ts';
import type { RoleCategory } from '../../src/lib/domain/labels.ts';

const T0 = new Date('2026-01-05T00:00:00Z');
const GENERATED = new Date('2026-11-26T02:05:00Z');

let seq = 0;
/** Distinct valid 身份证号 (the factory's counter repeats after 1000). */
function idNumber(): string {
	seq++;
	const first17 = `500112${1950 + Math.floor(seq / 1000)}0101${String(seq % 1000).padStart(3, '0')}`;
	return first17 + idNumberCheckChar(first17);
}

type PersonSpec = { name: string; role: RoleCategory; hiredOn?: string | null; active?: boolean; position?: string };

async function addPersons(db: Db, orgId: number, specs: PersonSpec[]): Promise<number[]> {
	const ids: number[] = [];
	for (let i = 0; i < specs.length; i += 1000) {
		const rows = await db
			.insertInto('persons')
			.values(
				specs.slice(i, i + 1000).map((s) => ({
					name: s.name,
					id_number: idNumber(),
					org_id: orgId,
					role_category: s.role,
					position: s.position ?? null,
					hired_on: s.hiredOn ?? '2018-03-01',
					active: s.active ?? true
				}))
			)
			.returning('id')
			.execute();
		ids.push(...rows.map((r) => r.id));
	}
	return ids;
}

let courseSeq = 0;
/** A published course with one module and lessons of the given minutes. */
async function addCourse(db: Db, title: string, minutes: number[], creditHours = '8') {
	const course = await db
		.insertInto('courses')
		.values({
			code: `archive-c${++courseSeq}`,
			title,
			training_type: 'annual',
			credit_hours: creditHours,
			status: 'published',
			created_at: T0,
			updated_at: T0,
			published_at: T0
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	const mod = await db.insertInto('course_modules').values({ course_id: course.id, title: '第一章', position: 1 }).returning('id').executeTakeFirstOrThrow();
	const lessons = await db
		.insertInto('lessons')
		.values(minutes.map((m, i) => ({ course_id: course.id, module_id: mod.id, title: `第${i + 1}节`, kind: 'text', minutes: m, position: i + 1 })))
		.returning('id')
		.execute();
	return { id: course.id, lessons: lessons.map((l) => l.id) };
}

async function enrol(db: Db, personId: number, courseId: number, year: number, opts: { completedAt?: Date; status?: string } = {}) {
	const row = await db
		.insertInto('enrolments')
		.values({
			person_id: personId,
			course_id: courseId,
			plan_year: year,
			due_on: `${year}-12-31`,
			source: 'manual',
			status: opts.status ?? 'active',
			created_at: T0,
			completed_at: opts.completedAt ?? null
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

async function progress(db: Db, enrolmentId: number, lessonId: number, seconds: number, first: string, last: string, completed = false) {
	await db
		.insertInto('lesson_progress')
		.values({
			enrolment_id: enrolmentId,
			lesson_id: lessonId,
			credited_seconds: seconds,
			first_at: first,
			last_at: last,
			completed_at: completed ? last : null
		})
		.execute();
}

async function beat(db: Db, personId: number, enrolmentId: number, lessonId: number, at: string, seconds: number) {
	await db.insertInto('study_events').values({ at, person_id: personId, enrolment_id: enrolmentId, lesson_id: lessonId, kind: 'beat', credited_seconds: seconds }).execute();
}

/** Counts the statements a Kysely instance executes. */
function countQueries(db: Db) {
	let n = 0;
	const plugin: KyselyPlugin = {
		transformQuery: (args) => {
			n++;
			return args.node;
		},
		transformResult: async (args) => args.result
	};
	return { db: db.withPlugin(plugin), count: () => n };
}

function pdfTool(tool: 'pdfinfo' | 'pdftotext', pdf: Buffer, args: string[] = []): string {
	const dir = mkdtempSync(join(tmpdir(), 'anxun-archive-'));
	try {
		const file = join(dir, 'a.pdf');
		writeFileSync(file, pdf);
		return execFileSync(`/usr/bin/${tool}`, tool === 'pdftotext' ? [...args, file, '-'] : [file], { encoding: 'utf8' });
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
const pageCount = (pdf: Buffer) => Number(/Pages:\s+(\d+)/.exec(pdfTool('pdfinfo', pdf))![1]);
/** Text of each page (pdftotext separates pages with a form feed). */
const pageTexts = (pdf: Buffer) => pdfTool('pdftotext', pdf, ['-layout']).split('\f').slice(0, -1);

describe.each(BACKENDS)('training archive (%s)', (backend) => {
	let t: TestDatabase;
	let db: Db;
	let orgA: number;
	let orgB: number;
	let orgHigh: number;
	let wang: number; // safety manager, partly studied on two days
	let li: number; // frontline worker, course completed
	let zhao: number; // no statutory hours (灾害信息员)
	let gone: number; // inactive
	let foreign: number; // another enterprise
	let newcomer: number; // high-risk enterprise, hired this year

	beforeAll(async () => {
		t = await createTestDatabase(backend);
		db = t.db;
		orgA = await makeOrg(db, 'enterprise', '500112', '重庆档案测试机械有限公司');
		orgB = await makeOrg(db, 'enterprise', '500112', '重庆另一家公司');
		orgHigh = await makeOrg(db, 'enterprise', '500115', '重庆高危化工有限公司');
		await db.updateTable('organisations').set({ industry_code: 'hazchem' }).where('id', '=', orgHigh).execute();

		[wang, li, zhao, gone] = (await addPersons(db, orgA, [
			{ name: '王安全', role: 'safety_manager', position: '安全科长' },
			{ name: '李一线', role: 'frontline', position: '装配工' },
			{ name: '赵信息', role: 'disaster_informant' },
			{ name: '钱离职', role: 'frontline', active: false }
		])) as [number, number, number, number];
		[foreign] = (await addPersons(db, orgB, [{ name: '孙外单位', role: 'frontline' }])) as [number];
		[newcomer] = (await addPersons(db, orgHigh, [{ name: '周新人', role: 'frontline', hiredOn: '2026-02-01' }])) as [number];

		// 300 + 180 + 30 minutes
		const course = await addCourse(db, '安全生产法律法规与岗位安全操作', [300, 180, 30]);
		const [l1, l2, l3] = course.lessons as [number, number, number];

		// 王安全: lesson 3 complete (1800 s) on 3 March (China), lesson 1 partly (900 s) late on 2 March UTC = 3 March China
		const eWang = await enrol(db, wang, course.id, 2026);
		await progress(db, eWang, l3, 1800, '2026-03-01T02:00:00Z', '2026-03-01T02:30:00Z', true);
		await progress(db, eWang, l1, 900, '2026-03-02T16:30:00Z', '2026-03-02T16:45:00Z');
		await beat(db, wang, eWang, l3, '2026-03-01T02:10:00Z', 900);
		await beat(db, wang, eWang, l3, '2026-03-01T02:30:00Z', 900);
		await beat(db, wang, eWang, l1, '2026-03-02T16:45:00Z', 900);
		await db.insertInto('study_events').values({ at: '2026-03-02T16:46:00Z', person_id: wang, enrolment_id: eWang, lesson_id: l1, kind: 'refused', reason: 'other_tab' }).execute();
		// a previous plan year: not in the 2026 archive
		const old = await addCourse(db, '2025年度再培训', [60]);
		const eOld = await enrol(db, wang, old.id, 2025, { completedAt: new Date('2025-06-01T03:00:00Z') });
		await progress(db, eOld, old.lessons[0]!, 3600, '2025-06-01T02:00:00Z', '2025-06-01T03:00:00Z', true);
		await beat(db, wang, eOld, old.lessons[0]!, '2025-06-01T03:00:00Z', 3600);

		// 李一线: the whole course (30600 s = 11.3 学时 ≥ 8), plus a withdrawn course
		const eLi = await enrol(db, li, course.id, 2026, { completedAt: new Date('2026-04-10T09:00:00Z') });
		await progress(db, eLi, l1, 18000, '2026-04-01T01:00:00Z', '2026-04-01T06:00:00Z', true);
		await progress(db, eLi, l2, 10800, '2026-04-08T01:00:00Z', '2026-04-08T04:00:00Z', true);
		await progress(db, eLi, l3, 1800, '2026-04-10T08:30:00Z', '2026-04-10T09:00:00Z', true);
		const extra = await addCourse(db, '有限空间作业专题', [20]);
		await enrol(db, li, extra.id, 2026, { status: 'withdrawn' });

		const eGone = await enrol(db, gone, course.id, 2026);
		await progress(db, eGone, l3, 600, '2026-03-05T02:00:00Z', '2026-03-05T02:10:00Z');
		const eForeign = await enrol(db, foreign, course.id, 2026);
		await progress(db, eForeign, l3, 1800, '2026-03-05T02:00:00Z', '2026-03-05T02:30:00Z', true);
		await beat(db, foreign, eForeign, l3, '2026-03-05T02:30:00Z', 1800);
	});
	afterAll(async () => t?.close());

	it('uses the China calendar year as the default plan year', () => {
		expect(archiveYearOf(new Date('2026-12-31T15:59:59Z'))).toBe(2026);
		expect(archiveYearOf(new Date('2026-12-31T16:00:00Z'))).toBe(2027);
	});

	it('builds a person archive with 学时, China dates, requirement and its basis', async () => {
		const a = (await getPersonArchive(db, wang, { year: 2026 }))!;
		expect(a.person).toMatchObject({ name: '王安全', roleCategoryLabel: '安全生产管理人员', position: '安全科长', orgName: '重庆档案测试机械有限公司', hiredOn: '2018-03-01' });
		expect(a.person.idNumberMasked).toMatch(/^5001\*{10}\d{3}[\dX]$/);
		expect(a.requirement).toMatchObject({ code: 'leader-annual', hours: 12 });
		expect(a.requirement!.basis).toContain('第九条第一款');
		expect(a.courses).toHaveLength(1);
		expect(a.courses[0]).toMatchObject({
			title: '安全生产法律法规与岗位安全操作',
			trainingTypeLabel: '年度再培训',
			planYear: 2026,
			dueOn: '2026-12-31',
			lessonsDone: 1,
			lessonsTotal: 3,
			creditedSeconds: 2700,
			creditedXueshi: 1,
			courseXueshi: 8,
			firstStudyOn: '2026-03-01',
			lastStudyOn: '2026-03-03',
			completedAt: null,
			completedOn: null
		});
		// beats are grouped by China day; refused events carry no time
		expect(a.daily).toEqual([
			{ date: '2026-03-01', creditedSeconds: 1800, xueshi: 0.6 },
			{ date: '2026-03-03', creditedSeconds: 900, xueshi: 0.3 }
		]);
		expect(a.totals).toEqual({ creditedSeconds: 2700, creditedXueshi: 1, liveSeconds: 0, liveXueshi: 0, replaySeconds: 0, replayXueshi: 0, coursesAssigned: 1, coursesCompleted: 0, studyDays: 2 });
		expect(a.status).toBe('unmet');
		expect(a.exams).toEqual([]);
		expect(a.certificates).toEqual([]);
	});

	it('covers every plan year when no year is given, and lists the years', async () => {
		const a = (await getPersonArchive(db, wang))!;
		expect(a.year).toBeNull();
		expect(a.requirement).toBeNull();
		expect(a.courses.map((c) => c.planYear)).toEqual([2026, 2025]);
		expect(a.courses[1]!.completedOn).toBe('2025-06-01');
		expect(a.totals.creditedSeconds).toBe(6300);
		expect(a.daily.map((d) => d.date)).toEqual(['2025-06-01', '2026-03-01', '2026-03-03']);
		expect(await listArchiveYears(db, { personId: wang })).toEqual([2026, 2025]);
		expect(await listArchiveYears(db, { orgId: orgA })).toEqual([2026, 2025]);
	});

	it('marks a met requirement, counts a withdrawn course as not assigned but keeps it in the record', async () => {
		const a = (await getPersonArchive(db, li, { year: 2026 }))!;
		expect(a.requirement).toMatchObject({ code: 'worker-annual', hours: 8 });
		expect(a.requirement).not.toHaveProperty('basisStatus');
		expect(a.totals).toMatchObject({ creditedSeconds: 30600, creditedXueshi: 11.3, coursesAssigned: 1, coursesCompleted: 1 });
		expect(a.courses.map((c) => c.enrolmentStatus)).toEqual(['active', 'withdrawn']);
		expect(a.courses[0]).toMatchObject({ lessonsDone: 3, lessonsTotal: 3, completedOn: '2026-04-10', firstStudyOn: '2026-04-01', lastStudyOn: '2026-04-10' });
		expect(a.status).toBe('met');
		const none = (await getPersonArchive(db, zhao, { year: 2026 }))!;
		expect(none.requirement).toBeNull();
		expect(none.status).toBe('none');
		expect(none.courses).toEqual([]);
	});

	it('applies the high-risk and newly-hired rules', async () => {
		const a = (await getPersonArchive(db, newcomer, { year: 2026 }))!;
		expect(a.highRisk).toBe(true);
		expect(a.requirement).toMatchObject({ code: 'worker-pre-job-high-risk', hours: 72 });
		expect(a.requirement!.basis).toContain('第十三条第二款');
		expect((await getPersonArchive(db, newcomer, { year: 2027 }))!.requirement).toMatchObject({ code: 'worker-annual-high-risk', hours: 20 });
	});

	it('should not return another enterprise\'s person', async () => {
		expect(await getPersonArchive(db, foreign, { year: 2026, orgId: orgA })).toBeUndefined();
		expect(await getPersonArchive(db, 999_999, { year: 2026 })).toBeUndefined();
		expect(await getPersonArchive(db, foreign, { year: 2026, orgId: orgB })).toBeDefined();
		const summary = (await getEnterpriseArchive(db, orgA, { year: 2026 }))!;
		expect(summary.rows.map((r) => r.personId)).not.toContain(foreign);
		const all = await listOrgPersonArchives(db, orgA, { year: 2026 });
		expect(all.map((a) => a.person.id)).not.toContain(foreign);
		expect(all.flatMap((a) => a.daily).map((d) => d.date)).not.toContain('2026-03-05');
	});

	it('summarises the enterprise: active persons only, with status per person', async () => {
		const s = (await getEnterpriseArchive(db, orgA, { year: 2026 }))!;
		expect(s.org).toMatchObject({ name: '重庆档案测试机械有限公司', highRisk: false });
		expect(s.rows.map((r) => r.name)).toEqual(['王安全', '李一线', '赵信息']);
		expect(s.rows.map((r) => r.personId)).not.toContain(gone);
		expect(s.rows[0]).toMatchObject({ requiredXueshi: 12, creditedSeconds: 2700, creditedXueshi: 1, coursesAssigned: 1, coursesCompleted: 0, lastStudyOn: '2026-03-03', status: 'unmet' });
		expect(s.rows[0]!.idNumberMasked).toContain('*');
		expect(s.rows[1]).toMatchObject({ requiredXueshi: 8, creditedXueshi: 11.3, coursesAssigned: 1, coursesCompleted: 1, lastStudyOn: '2026-04-10', status: 'met' });
		expect(s.rows[2]).toMatchObject({ requiredXueshi: null, creditedSeconds: 0, coursesAssigned: 0, lastStudyOn: null, status: 'none' });
		expect(s.counts).toEqual({ met: 1, unmet: 1, none: 1 });
		// the org-wide loader agrees with the single-person one
		const all = await listOrgPersonArchives(db, orgA, { year: 2026 });
		expect(all.find((a) => a.person.id === wang)).toEqual(await getPersonArchive(db, wang, { year: 2026 }));
		expect(await getEnterpriseArchive(db, 999_999, { year: 2026 })).toBeUndefined();
	});

	it('renders one PDF page per person with extractable Chinese text', async () => {
		expect(resolvePdfFont()).toMatch(/NotoSansSC_400Regular\.ttf$/);
		const archives = await listOrgPersonArchives(db, orgA, { year: 2026 });
		const pdf = await renderArchivePdf(archives, { generatedAt: GENERATED });
		expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
		expect(pageCount(pdf)).toBe(3);
		const pages = pageTexts(pdf);
		expect(pages).toHaveLength(3);
		for (const [i, name] of ['王安全', '李一线', '赵信息'].entries()) {
			expect(pages[i]).toContain('安全生产教育和培训档案');
			expect(pages[i]).toContain(name);
			expect(pages[i]).toContain('暂无考试记录');
			expect(pages[i]).toContain('暂无证书');
			expect(pages[i]).toContain('《安全生产法》第二十八条第四款');
			expect(pages[i]).toContain('2026-11-26 10:05');
			expect(pages[i]).toContain(`第${i + 1}页`);
		}
		expect(pages[0]).toContain('安全生产管理人员');
		expect(pages[0]).toContain('第九条第一款');
		expect(pages[0]).toContain('2026-03-03');
		expect(pages[0]).toContain('未达标');
		expect(pages[0]).not.toContain('孙外单位');
		expect(pages[2]).toContain('暂无培训课程');
	});

	it('streams the same document for a whole enterprise', async () => {
		const archives = await listOrgPersonArchives(db, orgA, { year: 2026 });
		const many = Array.from({ length: 45 }, (_, i) => archives[i % archives.length]!);
		const streamed = Buffer.from(await new Response(streamArchivePdf(many, { generatedAt: GENERATED })).arrayBuffer());
		expect(pageCount(streamed)).toBe(45);
		expect(pageTexts(streamed)[44]).toContain('赵信息');
	});

	it('renders an empty enterprise as one page', async () => {
		const pdf = await renderArchivePdf([], { generatedAt: GENERATED, orgName: '空单位', emptyNote: '本单位暂无在岗人员。' });
		expect(pageCount(pdf)).toBe(1);
		expect(pdfTool('pdftotext', pdf)).toContain('本单位暂无在岗人员');
	});

	it('flows a long course list onto a continuation page with the table header repeated', async () => {
		const [many] = (await addPersons(db, orgB, [{ name: '吴课多', role: 'frontline' }])) as [number];
		for (let i = 0; i < 45; i++) {
			const c = await addCourse(db, `第${i + 1}门课程：${'危险化学品安全管理与应急处置'.repeat(1 + (i % 3))}`, [30]);
			const e = await enrol(db, many, c.id, 2026);
			await progress(db, e, c.lessons[0]!, 600, '2026-05-01T02:00:00Z', '2026-05-01T02:10:00Z');
		}
		const a = (await getPersonArchive(db, many, { year: 2026 }))!;
		expect(a.courses).toHaveLength(45);
		const pdf = await renderArchivePdf([a, (await getPersonArchive(db, foreign, { year: 2026 }))!], { generatedAt: GENERATED });
		const pages = pageTexts(pdf);
		expect(pages.length).toBeGreaterThanOrEqual(3);
		const last = pages[pages.length - 1]!;
		expect(last).toContain('孙外单位'); // the next person starts on a fresh page
		const continuation = pages.slice(1, -1);
		expect(continuation.every((p) => p.includes('（续）') && p.includes('吴课多'))).toBe(true);
		expect(continuation[0]).toContain('课程名称');
		const text = pages.slice(0, -1).join('\n');
		for (const n of [1, 23, 45]) expect(text).toContain(`第${n}门课程`);
		expect(text).toContain('暂无考试记录');
	});

	it('exports a workbook with a summary and a detail sheet', async () => {
		const summary = (await getEnterpriseArchive(db, orgA, { year: 2026 }))!;
		const details = await listOrgPersonArchives(db, orgA, { year: 2026, withDaily: false });
		const data = await buildArchiveXlsx(summary, details, { generatedAt: GENERATED });
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(data as unknown as ArrayBuffer);
		const ws = wb.getWorksheet(SUMMARY_SHEET)!;
		expect(ws.rowCount).toBe(4);
		expect(ws.getRow(1).getCell(2).value).toBe('姓名');
		expect(ws.getRow(1).font?.bold).toBe(true);
		expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
		const wangRow = ws.getRow(2);
		expect(wangRow.getCell(2).value).toBe('王安全');
		expect(String(wangRow.getCell(3).value)).toMatch(/^5001\*+\d{3}[\dX]$/);
		expect(wangRow.getCell(7).value).toBe(12);
		expect(wangRow.getCell(8).value).toBe(1);
		expect(wangRow.getCell(11).value).toBe('2026-03-03');
		expect(wangRow.getCell(12).value).toBe('未达标');
		expect(ws.getRow(3).getCell(12).value).toBe('达标');
		expect(ws.getRow(4).getCell(12).value).toBe('无要求');

		const wd = wb.getWorksheet(DETAIL_SHEET)!;
		// 王安全 1 course, 李一线 1 + 1 withdrawn, 赵信息 none
		expect(wd.rowCount).toBe(4);
		const rows = [2, 3, 4].map((r) => wd.getRow(r).values as unknown[]);
		expect(rows.map((r) => r[1])).toEqual(['王安全', '李一线', '李一线']);
		expect(rows[1]![10]).toBe(11.3);
		expect(rows[2]![15]).toBe('已撤销');
		for (const r of rows) expect(String(r[2])).toContain('*');
	});

	it('summarises 2,000 persons in a fixed number of queries', async () => {
		const big = await makeOrg(db, 'enterprise', '500112', '重庆两千人制造有限公司');
		const ids = await addPersons(
			db,
			big,
			Array.from({ length: 2000 }, (_, i) => ({ name: `员工${i + 1}`, role: i % 10 === 0 ? 'safety_manager' : 'frontline' }))
		);
		const course = await addCourse(db, '全员年度安全培训', [300, 300]);
		const enrolments = await db
			.insertInto('enrolments')
			.values(ids.map((id) => ({ person_id: id, course_id: course.id, plan_year: 2026, source: 'auto', created_at: T0 })))
			.returning(['id', 'person_id'])
			.execute();
		const progressRows = enrolments.flatMap((e, i) =>
			course.lessons.map((l) => ({
				enrolment_id: e.id,
				lesson_id: l,
				// every other person studies both lessons in full (600 min ≥ 8 学时)
				credited_seconds: i % 2 === 0 ? 18000 : 600,
				first_at: '2026-06-01T02:00:00Z',
				last_at: '2026-06-02T02:00:00Z'
			}))
		);
		for (let i = 0; i < progressRows.length; i += 1000) await db.insertInto('lesson_progress').values(progressRows.slice(i, i + 1000)).execute();

		const small = countQueries(db);
		await getEnterpriseArchive(small.db, orgA, { year: 2026 });
		const counted = countQueries(db);
		const started = performance.now();
		const s = (await getEnterpriseArchive(counted.db, big, { year: 2026 }))!;
		const ms = performance.now() - started;
		expect(s.rows).toHaveLength(2000);
		expect(counted.count()).toBe(small.count());
		expect(counted.count()).toBeLessThanOrEqual(4);
		// frontline (8 学时): even indexes have 13.3 学时; safety managers (i % 10 === 0, even) need 12
		expect(s.counts).toEqual({ met: 1000, unmet: 1000, none: 0 });
		expect(s.rows.every((r) => r.coursesAssigned === 1 && r.lastStudyOn === '2026-06-02')).toBe(true);
		expect(ms).toBeLessThan(30_000); // guard only: the figure is in the report, not a timing test

		const loader = countQueries(db);
		const archives = await listOrgPersonArchives(loader.db, big, { year: 2026 });
		expect(archives).toHaveLength(2000);
		expect(loader.count()).toBeLessThanOrEqual(5);
	});
});
