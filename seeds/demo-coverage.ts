import { sql } from 'kysely';
import type { Db } from '../src/lib/server/db/index.ts';
import { creditCodeCheckChar, idNumberCheckChar } from '../src/lib/domain/identifiers.ts';
import { loadPool } from '../src/lib/server/exams/exam.repository.ts';
import { issueImportedCertificate } from '../src/lib/server/certificates/issue-service.ts';
import { seedCoverageTargets } from '../src/lib/server/coverage/targets.repository.ts';
import type { RoleCategory } from '../src/lib/domain/labels.ts';

// Demo data for the regulators' coverage dashboards, certificate audit and "走过场" findings:
// government staff (执法人员, 党政领导干部, 灾害信息员), enterprises in the districts the seed
// documents come from (铜梁区, 大渡口区), completed training in 2024–2026, exams (some of them
// suspicious on purpose) and certificates. Coverage itself is never written here: the triggers
// of migration 006 compute it from these rows, as they would from real use.

const DAY = 86_400_000;

export type Writers = { db: Db; now: Date };

let idSeq = 0;
function idNumber(region: string, birth: string): string {
	idSeq++;
	const first17 = region.slice(0, 6) + birth + String(500 + (idSeq % 499)).padStart(3, '0');
	return first17 + idNumberCheckChar(first17);
}

export async function insertOrg(db: Db, o: { kind: string; name: string; region: string; industry?: string | null; scale?: string | null; govType?: string | null; body: string }) {
	const first17 = (o.kind === 'enterprise' || o.kind === 'institution' ? '91' : '11') + o.region.slice(0, 6) + o.body;
	const row = await db
		.insertInto('organisations')
		.values({ kind: o.kind, name: o.name, region_code: o.region, industry_code: o.industry ?? null, scale: o.scale ?? null, gov_type: o.govType ?? null, credit_code: first17 + creditCodeCheckChar(first17) })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

const SURNAMES = '钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜';
const GIVEN = ['国强', '晓燕', '建军', '玉兰', '志刚', '春梅', '德华', '秀兰', '永福', '丽萍', '文杰', '红英', '海波', '桂芳', '明亮'];

export async function insertStaff(db: Db, orgId: number, region: string, mix: [RoleCategory, number, string?][], offset: number): Promise<{ id: number; role: RoleCategory }[]> {
	const values = [];
	let i = 0;
	for (const [role, n, op] of mix) {
		for (let k = 0; k < n; k++, i++) {
			const seq = offset + i;
			values.push({
				name: SURNAMES[seq % SURNAMES.length]! + GIVEN[(seq * 7) % GIVEN.length]!,
				id_number: idNumber(region, `19${String(60 + (seq % 38)).padStart(2, '0')}${String(1 + (seq % 12)).padStart(2, '0')}${String(1 + (seq % 28)).padStart(2, '0')}`),
				mobile: `135${String(10_000_000 + seq * 7919).slice(-8)}`,
				org_id: orgId,
				role_category: role,
				special_operation_code: op ?? null,
				position: null
			});
		}
	}
	if (!values.length) return [];
	const rows = await db.insertInto('persons').values(values).returning(['id', 'role_category']).execute();
	return rows.map((r) => ({ id: r.id, role: r.role_category }));
}

/** A completed enrolment (and its lessons credited) finishing at `at`; reuses the plan's enrolment. */
export async function completeCourse(db: Db, personId: number, courseId: number, at: Date): Promise<number> {
	const year = Number(new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 4));
	const existing = await db.selectFrom('enrolments').select('id').where('person_id', '=', personId).where('course_id', '=', courseId).where('plan_year', '=', year).executeTakeFirst();
	const id =
		existing?.id ??
		(await db
			.insertInto('enrolments')
			.values({ person_id: personId, course_id: courseId, plan_year: year, source: 'manual', created_at: new Date(at.getTime() - 20 * DAY), due_on: `${year}-12-31` })
			.returning('id')
			.executeTakeFirstOrThrow()).id;
	const lessons = await db.selectFrom('lessons').select(['id', 'minutes']).where('course_id', '=', courseId).execute();
	for (const l of lessons) {
		await db
			.insertInto('lesson_progress')
			.values({ enrolment_id: id, lesson_id: l.id, credited_seconds: l.minutes * 60, first_at: new Date(at.getTime() - 2 * DAY), last_at: at, completed_at: at })
			.onConflict((oc) => oc.columns(['enrolment_id', 'lesson_id']).doUpdateSet({ credited_seconds: l.minutes * 60, completed_at: at, last_at: at }))
			.execute();
	}
	await db.updateTable('enrolments').set({ completed_at: at }).where('id', '=', id).execute();
	return id;
}

export type ExamSetup = { sessionId: number; paperId: number; slots: number };

/**
 * A finished past session for the coverage and findings demo. With the demo bank present the paper
 * holds real questions (single choice, pinned versions), so timelines and result pages show them;
 * in a bare test database it is a paper of numbered slots only.
 */
export async function createExamSession(db: Db, o: { institutionId: number; name: string; certificateType: string; opensAt: Date; mode?: 'online' | 'exam_point'; slots?: number }): Promise<ExamSetup> {
	const slots = o.slots ?? 10;
	const points = 100 / slots;
	const bank = await db.selectFrom('qb_banks').select('id').where('code', '=', 'aqsc-law-2021').executeTakeFirst();
	const singles = bank ? (await loadPool(db, [bank.id])).filter((q) => q.type === 'single' && q.optionKeys.length === 4).sort((a, b) => Number(a.questionId) - Number(b.questionId)) : [];
	const real = singles.length >= slots;
	const definition = {
		sections: [{ type: 'single', count: slots, points }],
		multipleScoring: 'all_or_nothing',
		durationMinutes: 60,
		totalPoints: 100,
		passMark: 80,
		shuffleQuestions: 'none',
		shuffleOptions: false
	};
	const bp = await db
		.insertInto('exam_blueprints')
		.values({ owner_org_id: o.institutionId, name: `${o.name}试卷`, bank_ids: JSON.stringify(real && bank ? [bank.id] : []), definition: JSON.stringify(definition), certificate_type: o.certificateType, created_at: o.opensAt, updated_at: o.opensAt })
		.returning('id')
		.executeTakeFirstOrThrow();
	const session = await db
		.insertInto('exam_sessions')
		.values({ owner_org_id: o.institutionId, blueprint_id: bp.id, name: o.name, mode: o.mode ?? 'online', opens_at: o.opensAt, closes_at: new Date(o.opensAt.getTime() + 3 * 3600_000), paper_mode: 'fixed', review_policy: 'score_only', created_at: o.opensAt })
		.returning('id')
		.executeTakeFirstOrThrow();
	const paperSlots = real
		? singles.slice(0, slots).map((q, i) => ({ slot: i + 1, section: 1, questionId: q.questionId, version: q.version, points, optionOrder: [...q.optionKeys], type: 'single' }))
		: Array.from({ length: slots }, (_, i) => ({ slot: i + 1 }));
	const paper = await db
		.insertInto('exam_papers')
		.values({ session_id: session.id, blueprint_id: bp.id, seed: `demo-${session.id}`, slots: JSON.stringify(paperSlots), total_points: '100', created_at: o.opensAt })
		.returning('id')
		.executeTakeFirstOrThrow();
	return { sessionId: session.id, paperId: paper.id, slots };
}

export type AttemptSpec = {
	personId: number;
	startedAt: Date;
	minutes: number;
	score: number;
	answers?: string[];
	ip?: string;
	clientId?: string;
	flags?: { code: string; label: string; rule: string; count: number }[];
	decision?: 'cleared' | 'warning' | 'voided' | null;
};

/** A finished exam attempt with its answer steps and proctoring events (60-minute paper). */
export async function insertFinishedAttempt(db: Db, exam: ExamSetup, a: AttemptSpec): Promise<number> {
	const cand = await db.insertInto('exam_candidates').values({ session_id: exam.sessionId, person_id: a.personId, added_at: new Date(a.startedAt.getTime() - DAY) }).returning('id').executeTakeFirstOrThrow();
	const finishedAt = new Date(a.startedAt.getTime() + a.minutes * 60_000);
	const attempt = await db
		.insertInto('exam_attempts')
		.values({
			mode: 'exam',
			session_id: exam.sessionId,
			candidate_id: cand.id,
			person_id: a.personId,
			paper_id: exam.paperId,
			status: 'finished',
			finish_reason: 'submitted',
			started_at: a.startedAt,
			deadline_at: new Date(a.startedAt.getTime() + 60 * 60_000),
			finished_at: finishedAt,
			client_id: a.clientId ?? `client-${a.personId}`,
			ip: a.ip ?? `10.30.${a.personId % 250}.${(a.personId * 7) % 250}`,
			user_agent: 'Mozilla/5.0 (Linux; Android 14) Demo',
			score: String(a.score),
			passed: a.score >= 80,
			flags: JSON.stringify(a.flags ?? []),
			decision: a.decision ?? null,
			created_at: new Date(a.startedAt.getTime() - 60_000)
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	const answers = a.answers ?? Array.from({ length: exam.slots }, (_, i) => ['A', 'B', 'C', 'D'][mix(a.personId * 64 + i) % 4]!);
	const step = (a.minutes * 60_000) / (answers.length + 1);
	await db
		.insertInto('exam_answer_steps')
		.values(answers.map((r, i) => ({ attempt_id: attempt.id, seq: i + 1, slot: i + 1, response: JSON.stringify(r), received_at: new Date(a.startedAt.getTime() + (i + 1) * step), attempt_started_at: a.startedAt })))
		.execute();
	const events = [
		{ attempt_id: attempt.id, at: a.startedAt, source: 'server', kind: 'started', detail: JSON.stringify({ ip: a.ip ?? null }) },
		...(a.flags ?? []).flatMap((f) =>
			Array.from({ length: Math.min(f.count, 5) }, (_, k) => ({ attempt_id: attempt.id, at: new Date(a.startedAt.getTime() + (k + 1) * step), source: 'client', kind: f.code === 'focus_loss' ? 'page_hidden' : f.code === 'second_device' ? 'concurrent_connection' : f.code, detail: JSON.stringify({}) }))
		),
		{ attempt_id: attempt.id, at: finishedAt, source: 'server', kind: 'submitted', detail: JSON.stringify({ score: a.score }) }
	];
	await db.insertInto('exam_events').values(events).execute();
	return attempt.id;
}

/** A deterministic hash: every demo candidate answers differently unless told otherwise. */
function mix(n: number): number {
	let h = Math.imul(n ^ (n >>> 16), 0x45d9f3b);
	h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
	return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A certificate of the demo's history: registered as issued before the platform (original dates),
 * numbered and signed by the issuer's key like any other, so /verify checks it.
 */
export async function insertCertificate(
	db: Db,
	c: { personId: number; holderOrgId: number; type: 'safety_knowledge' | 'special_work' | 'training'; op?: string | null; issuedOn: string; validUntil: string; issuerOrgId: number; institutionOrgId: number; status?: 'issued' | 'revoked'; at: Date }
): Promise<number> {
	const row = await db
		.insertInto('certificates')
		.values({
			type: c.type,
			person_id: c.personId,
			holder_org_id: c.holderOrgId,
			special_operation_code: c.type === 'special_work' ? (c.op ?? null) : null,
			institution_org_id: c.institutionOrgId,
			status: 'proposed',
			proposed_at: c.at,
			created_at: c.at
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	await issueImportedCertificate(db, row.id, c.issuerOrgId, { issuedOn: c.issuedOn, validUntil: c.validUntil }, c.at);
	if (c.status === 'revoked') {
		await db.updateTable('certificates').set({ status: 'revoked', revoked_at: c.at, revoke_reason: '演示：证书注销' }).where('id', '=', row.id).execute();
	}
	return row.id;
}

/** Beats of one sitting as the crediting engine writes them (30 s each). */
export async function insertStudySitting(db: Db, s: { personId: number; enrolmentId: number; lessonId: number; start: Date; minutes: number; ip: string; device: string; checks?: 'passed' | 'none' }) {
	const beats = Math.floor((s.minutes * 60) / 30);
	const rows = [];
	for (let k = 0; k <= beats; k++) {
		rows.push({ at: new Date(s.start.getTime() + k * 30_000), person_id: s.personId, enrolment_id: s.enrolmentId, lesson_id: s.lessonId, tab_id: `demo-${s.personId}`, kind: 'beat', credited_seconds: k === 0 ? 0 : 30, reason: k === 0 ? 'start' : null, ip: s.ip, device: s.device });
		if (k > 0 && k % 20 === 0 && s.checks === 'passed') {
			rows.push({ at: new Date(s.start.getTime() + k * 30_000 + 1000), person_id: s.personId, enrolment_id: s.enrolmentId, lesson_id: s.lessonId, tab_id: `demo-${s.personId}`, kind: 'check_passed', credited_seconds: 0, reason: null, ip: s.ip, device: s.device });
		}
	}
	for (let i = 0; i < rows.length; i += 1000) await db.insertInto('study_events').values(rows.slice(i, i + 1000)).execute();
}

async function orgId(db: Db, name: string): Promise<number> {
	return (await db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
}

/** Wire into seeds/index.ts after seedDemoStudy: `await seedDemoCoverage(tx, new Date())`. */
export async function seedDemoCoverage(db: Db, now: Date): Promise<void> {
	await seedCoverageTargets(db, now);
	// Idempotent: the coverage demo's own organisations are there once it has run.
	if (await db.selectFrom('organisations').select('id').where('name', '=', '长寿区安全生产培训学校').executeTakeFirst()) return;
	const year = Number(new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 4));
	const at = (y: number, month: number, day: number) => {
		// never in the future: this year's dates are clamped to a few days ago
		const d = new Date(Date.UTC(y, month - 1, day, 2, 0, 0));
		return d.getTime() < now.getTime() - DAY ? d : new Date(now.getTime() - (3 + (day % 20)) * DAY);
	};

	const regCity = await orgId(db, '重庆市应急管理局');
	const regChangshou = await orgId(db, '重庆市长寿区应急管理局');
	const instMain = await orgId(db, '重庆安训安全技术培训中心');
	const instFuling = await orgId(db, '涪陵区安全技术培训学校');
	const govLongxi = await orgId(db, '重庆市渝北区人民政府龙溪街道办事处');

	const govYanjia = await insertOrg(db, { kind: 'government', name: '重庆市长寿区人民政府晏家街道办事处', region: '500115003', govType: '乡镇(街道)', body: '009320315' });
	const govBachuan = await insertOrg(db, { kind: 'government', name: '重庆市铜梁区人民政府巴川街道办事处', region: '500151', govType: '乡镇(街道)', body: '009320516' });
	const instChangshou = await insertOrg(db, { kind: 'institution', name: '长寿区安全生产培训学校', region: '500115', body: 'MA60CX7K2' });
	const entMine = await insertOrg(db, { kind: 'enterprise', name: '重庆铜梁永兴石料有限公司', region: '500151', industry: 'non_coal_mine', scale: 'below', body: 'MA5TLYX31' });
	const entSteel = await insertOrg(db, { kind: 'enterprise', name: '重庆大渡口钢构制造有限公司', region: '500104', industry: 'it_machinery', scale: 'above', body: 'MA5DDK2G8' });
	const entGas = await insertOrg(db, { kind: 'enterprise', name: '重庆渝北燃气储配有限公司', region: '500112105', industry: 'gas', scale: 'above', body: 'MA5YBRQ47' });
	const entChem = await insertOrg(db, { kind: 'enterprise', name: '重庆双龙湖精细化工有限公司', region: '500112001', industry: 'hazchem', scale: 'above', body: 'MA5TLH9C5' });
	const entBuild = await insertOrg(db, { kind: 'enterprise', name: '重庆回兴建设工程有限公司', region: '500112007', industry: 'construction', scale: 'below', body: 'MA5HXJ6T3' });

	let off = 1000;
	const staff = async (org: number, region: string, mix: [RoleCategory, number, string?][]) => {
		const r = await insertStaff(db, org, region, mix, off);
		off += 100;
		return r;
	};
	await staff(regCity, '500000', [['party_leader', 3], ['enforcement', 4]]);
	await staff(regChangshou, '500115', [['party_leader', 1], ['enforcement', 3]]);
	await staff(govYanjia, '500115', [['party_leader', 2], ['enforcement', 2], ['disaster_informant', 2]]);
	await staff(govBachuan, '500151', [['party_leader', 1], ['enforcement', 1], ['disaster_informant', 5]]);
	await staff(entMine, '500151', [['principal', 1], ['safety_manager', 1], ['special_worker', 2, '6.8'], ['frontline', 7]]);
	await staff(entSteel, '500104', [['principal', 1], ['deputy', 1], ['special_worker', 2, '2.1'], ['frontline', 9]]);
	await staff(entGas, '500112', [['principal', 1], ['controller', 1], ['safety_manager', 2], ['special_worker', 2, '1.2'], ['frontline', 8]]);
	await staff(entChem, '500112', [['principal', 1], ['deputy', 2], ['safety_manager', 2], ['special_worker', 3, '9.3'], ['frontline', 10]]);
	await staff(entBuild, '500112', [['principal', 1], ['deputy', 1], ['safety_manager', 1], ['frontline', 9]]);
	void govLongxi;

	const courses = await db.selectFrom('courses').select(['id', 'code']).execute();
	const principalCourse = courses.find((c) => c.code === 'principal-annual')?.id;
	const twoCards = courses.find((c) => c.code === 'two-lists-two-cards')?.id;
	if (!principalCourse || !twoCards) throw new Error('demo-coverage: courses principal-annual and two-lists-two-cards must be seeded first');

	// Who did which training, deterministically: about 3 in 5 of each group, a little less in past years.
	const persons = await db
		.selectFrom('persons as p')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.leftJoin('industries as i', 'i.code', 'o.industry_code')
		.select(['p.id', 'p.role_category', 'p.org_id', 'o.kind', 'o.industry_code', 'i.high_risk'])
		.where('p.active', '=', true)
		.where('o.kind', 'in', ['enterprise', 'government', 'regulator'])
		// the demo login accounts keep the history the study and exam demos gave them
		.where((eb) => eb.not(eb.exists(eb.selectFrom('users').select('users.id').whereRef('users.person_id', '=', 'p.id'))))
		.orderBy('p.id')
		.execute();
	const leader = new Set(['principal', 'controller', 'deputy']);
	for (const [i, p] of persons.entries()) {
		const pick = (salt: number, inN: number) => (p.id * 7 + salt) % 5 < inN;
		if (p.kind === 'enterprise') {
			if (leader.has(p.role_category)) {
				if (pick(1, 2)) await completeCourse(db, p.id, principalCourse, at(2024, 3 + (i % 9), 5 + (i % 20)));
				if (pick(2, 3)) await completeCourse(db, p.id, principalCourse, at(2025, 2 + (i % 10), 3 + (i % 25)));
				if (pick(3, 3)) await completeCourse(db, p.id, principalCourse, at(year, 1 + (i % 10), 2 + (i % 25)));
			} else if (pick(4, 3)) {
				await completeCourse(db, p.id, twoCards, at(year, 1 + (i % 10), 2 + (i % 25)));
			}
		} else {
			if (p.role_category === 'enforcement') {
				if (pick(5, 3)) await completeCourse(db, p.id, principalCourse, at(2024, 4 + (i % 8), 10));
				if (pick(6, 4)) await completeCourse(db, p.id, twoCards, at(2025, 3 + (i % 9), 12));
			} else if (pick(7, 3)) {
				await completeCourse(db, p.id, twoCards, at(year, 2 + (i % 9), 8 + (i % 15)));
			}
		}
	}

	// Exams: normal sessions at three institutions, and the patterns the findings must catch.
	const examAt = (d: number) => new Date(now.getTime() - d * DAY);
	const byOrg = async (org: number) =>
		db
			.selectFrom('persons as p')
			.select(['p.id', 'p.role_category', 'p.special_operation_code'])
			.where('p.org_id', '=', org)
			.where((eb) => eb.not(eb.exists(eb.selectFrom('users').select('users.id').whereRef('users.person_id', '=', 'p.id'))))
			.orderBy('p.id')
			.execute();
	const chem = await byOrg(entChem);
	const gas = await byOrg(entGas);
	const mine = await byOrg(entMine);
	const changfeng = await byOrg(await orgId(db, '重庆长风化工有限公司'));
	const qingshi = await byOrg(await orgId(db, '涪陵青石建材有限公司'));

	const s1 = await createExamSession(db, { institutionId: instMain, name: `${year}年高危行业从业人员考核（第一场）`, certificateType: 'training', opensAt: examAt(40) });
	for (const [k, p] of [...chem, ...gas].entries()) {
		if (k % 3 === 2) continue;
		const start = new Date(examAt(40).getTime() + 10 * 60_000);
		if (k === 0 || k === 4) {
			// finished in 5 of 60 minutes with a near-perfect score
			await insertFinishedAttempt(db, s1, { personId: p.id, startedAt: start, minutes: 5, score: 98 });
		} else if (k === 6 || k === 7 || k === 9) {
			// the same answers, wrong ones included
			await insertFinishedAttempt(db, s1, { personId: p.id, startedAt: start, minutes: 38, score: 70, answers: ['A', 'C', 'C', 'B', 'D', 'A', 'B', 'B', 'C', 'A'] });
		} else if (k === 10 || k === 12) {
			// two candidates, one browser
			await insertFinishedAttempt(db, s1, { personId: p.id, startedAt: start, minutes: 41, score: 86, clientId: 'client-shared-7f3a', ip: '10.30.8.8' });
		} else if (k === 13) {
			await insertFinishedAttempt(db, s1, { personId: p.id, startedAt: start, minutes: 47, score: 90, flags: [{ code: 'focus_loss', label: '频繁切屏', rule: '离开考试页面超过 5 次', count: 9 }, { code: 'second_device', label: '多设备或多窗口', rule: '考试过程中出现另一浏览器、窗口或设备同时作答', count: 1 }], decision: 'warning' });
		} else {
			await insertFinishedAttempt(db, s1, { personId: p.id, startedAt: start, minutes: 35 + (k % 20), score: 60 + ((k * 13) % 38) });
		}
	}
	const s2 = await createExamSession(db, { institutionId: instChangshou, name: `${year}年危险化学品企业从业人员考核`, certificateType: 'training', opensAt: examAt(30) });
	for (const [k, p] of changfeng.entries()) {
		if (k % 4 === 3) continue;
		await insertFinishedAttempt(db, s2, { personId: p.id, startedAt: new Date(examAt(30).getTime() + 600_000), minutes: 38 + (k % 18), score: 58 + ((k * 17) % 40) });
	}
	// an institution where everyone passes in a quarter of the time: the peer-outlier rule
	const s3 = await createExamSession(db, { institutionId: instFuling, name: `${year}年非煤矿山从业人员考核`, certificateType: 'training', opensAt: examAt(20) });
	for (const [k, p] of [...qingshi, ...mine].entries()) {
		await insertFinishedAttempt(db, s3, { personId: p.id, startedAt: new Date(examAt(20).getTime() + 600_000), minutes: 9 + (k % 5), score: 92 + (k % 8) });
	}

	// Study: a learner credited at the pace limit for 6 hours without a single missed check, and
	// four learners of one enterprise studying from one computer at the same time.
	const lesson = await db.selectFrom('lessons').select('id').where('course_id', '=', twoCards).orderBy('id').executeTakeFirstOrThrow();
	const paced = chem.find((p) => p.role_category === 'frontline')!;
	const pacedEnrol = await completeCourse(db, paced.id, twoCards, examAt(12));
	for (let h = 0; h < 3; h++) await insertStudySitting(db, { personId: paced.id, enrolmentId: pacedEnrol, lessonId: lesson.id, start: new Date(examAt(14 - h).getTime() + 13 * 3600_000), minutes: 120, ip: '10.40.1.23', device: 'Chrome/Android', checks: 'passed' });
	const shared = gas.filter((p) => p.role_category === 'frontline').slice(0, 4);
	for (const p of shared) {
		const e = await completeCourse(db, p.id, twoCards, examAt(9));
		await insertStudySitting(db, { personId: p.id, enrolmentId: e, lessonId: lesson.id, start: new Date(examAt(10).getTime() + 2 * 3600_000), minutes: 30, ip: '10.50.2.77', device: 'Windows/Chrome 网吧机' });
	}

	// Certificates: valid, expiring soon, expired, and one duplicate.
	const today = (d: number) => new Date(now.getTime() + d * DAY).toISOString().slice(0, 10);
	const specials = await db
		.selectFrom('persons as p')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.select(['p.id', 'p.org_id', 'p.special_operation_code'])
		.where('p.role_category', '=', 'special_worker')
		.where((eb) => eb.not(eb.exists(eb.selectFrom('users').select('users.id').whereRef('users.person_id', '=', 'p.id'))))
		.orderBy('p.id')
		.execute();
	for (const [k, p] of specials.entries()) {
		const kind = k % 5;
		if (kind === 4) continue; // no certificate at all: a 持证上岗 gap
		const validUntil = kind === 1 ? today(40) : kind === 2 ? today(-60) : today(1800);
		await insertCertificate(db, { personId: p.id, holderOrgId: p.org_id, type: 'special_work', op: p.special_operation_code, issuedOn: today(-1500), validUntil, issuerOrgId: regCity, institutionOrgId: instMain, at: now });
		if (k === 0) await insertCertificate(db, { personId: p.id, holderOrgId: p.org_id, type: 'special_work', op: p.special_operation_code, issuedOn: today(-200), validUntil: today(2000), issuerOrgId: regCity, institutionOrgId: instFuling, at: now });
	}
	const principals = await db
		.selectFrom('persons as p')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.innerJoin('industries as i', 'i.code', 'o.industry_code')
		.select(['p.id', 'p.org_id'])
		.where('p.role_category', 'in', ['principal', 'safety_manager', 'deputy', 'controller'])
		.where('i.high_risk', '=', true)
		.where((eb) => eb.not(eb.exists(eb.selectFrom('users').select('users.id').whereRef('users.person_id', '=', 'p.id'))))
		.orderBy('p.id')
		.execute();
	for (const [k, p] of principals.entries()) {
		if (k % 3 === 2) continue;
		await insertCertificate(db, { personId: p.id, holderOrgId: p.org_id, type: 'safety_knowledge', issuedOn: today(-400), validUntil: k % 3 === 1 ? today(70) : today(700), issuerOrgId: regCity, institutionOrgId: instMain, at: now });
	}
	// public verification lookups: mostly found, one IP trying numbers that do not exist
	const certs = await db.selectFrom('certificates').select(['id', 'number']).where('rule_code', '=', 'imported').orderBy('id').limit(10).execute();
	const lookups = [
		...certs.map((c, k) => ({ at: new Date(now.getTime() - (k + 1) * 3 * DAY), ip: `36.112.4.${k + 10}`, query: c.number!, certificate_id: c.id, outcome: 'found' })),
		...Array.from({ length: 7 }, (_, k) => ({ at: new Date(now.getTime() - 2 * DAY + k * 60_000), ip: '58.17.90.3', query: `T5001${String(20240000 + k * 37)}`, certificate_id: null, outcome: 'not_found' }))
	];
	await db.insertInto('certificate_lookups').values(lookups).execute();
	await sql`select 1`.execute(db);
}
