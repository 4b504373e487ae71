// Walks every page route with every demo role (and no session), through the built server.
import { migrations } from '../../migrations/index.ts';
// A new route without a rule here fails the first test, so no page escapes the walk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';
import demoAccounts from '../../seeds/demo-accounts.json' with { type: 'json' };
import { creditCodeCheckChar, idNumberCheckChar } from '../../src/lib/domain/identifiers.ts';

type Rule = { path: string; allowed: string[] | 'any' | 'public' };
// role keys are demo accounts (several accounts share a role but not a tenant)
const RULES: Record<string, Rule> = {
	'/': { path: '/', allowed: 'any' },
	// certificates (issue 6)
	'/verify': { path: '/verify', allowed: 'public' },
	'/help/verify': { path: '/help/verify', allowed: 'public' },
	'/institution/certificates': { path: '/institution/certificates', allowed: ['institution_admin'] },
	'/institution/certificates/[sessionId]': { path: '/institution/certificates/{session}', allowed: ['institution_admin'] },
	'/regulator/certificates': { path: '/regulator/certificates', allowed: ['regulator'] },
	'/learner/certificates': { path: '/learner/certificates', allowed: ['learner'] },
	'/enterprise/certificates': { path: '/enterprise/certificates', allowed: ['enterprise_admin'] },
	'/login': { path: '/login', allowed: 'public' },
	'/logout': { path: '/logout', allowed: 'public' },
	'/account/password': { path: '/account/password', allowed: 'any' },
	'/account/role': { path: '/account/role', allowed: 'any' },
	// accounts (issue 12): each organisation's admins manage their own; the platform admin any (?org=)
	'/accounts': { path: '/accounts', allowed: ['enterprise_admin', 'institution_admin', 'regulator', 'platform_admin'] },
	'/account/sessions': { path: '/account/sessions', allowed: 'any' },
	'/login/forgot': { path: '/login/forgot', allowed: 'public' },
	'/reset': { path: '/reset', allowed: 'public' },
	// 站内消息 (issue 12): every account has its own
	'/messages': { path: '/messages', allowed: 'any' },
	'/messages/settings': { path: '/messages/settings', allowed: 'any' },
	'/messages/[id]': { path: '/messages/{message}', allowed: 'any' },
	'/learner': { path: '/learner', allowed: ['learner'] },
	// 直播培训 (issue 19): the owner institution's staff (a lecturer only their own classes, others 404);
	// a learner only classes they are invited to (tests/integration/live-attendance.spec.ts)
	'/institution/live': { path: '/institution/live', allowed: ['institution_admin', 'examiner'] },
	'/institution/live/[id]': { path: '/institution/live/{live}', allowed: ['institution_admin', 'examiner'] },
	'/learner/live': { path: '/learner/live', allowed: ['learner'] },
	'/learner/live/[id]': { path: '/learner/live/{live}', allowed: ['learner'] },
	// 人脸核验 (issue 16): consent and enrolment of one's own face; an enterprise reviews its own staff's
	// study checks, an examiner the checks of the sessions they are assigned (tests/integration/face-http.spec.ts)
	'/learner/face': { path: '/learner/face', allowed: ['learner'] },
	'/enterprise/face': { path: '/enterprise/face', allowed: ['enterprise_admin'] },
	'/institution/face-review': { path: '/institution/face-review', allowed: ['examiner'] },
	// an enterprise's own 全员 classes (the console checks the owner: another organisation's class is 404)
	'/enterprise/live': { path: '/enterprise/live', allowed: ['enterprise_admin'] },
	'/enterprise/live/[id]': { path: '/enterprise/live/{live}', allowed: ['enterprise_admin'] },
	'/enterprise': { path: '/enterprise', allowed: ['enterprise_admin'] },
	'/enterprise/staff': { path: '/enterprise/staff', allowed: ['enterprise_admin'] },
	'/enterprise/staff/[id]': { path: '/enterprise/staff/{person}', allowed: ['enterprise_admin'] },
	'/institution': { path: '/institution', allowed: ['institution_admin', 'examiner'] },
	'/regulator': { path: '/regulator', allowed: ['regulator'] },
	'/regulator/enterprises': { path: '/regulator/enterprises', allowed: ['regulator'] },
	'/regulator/enterprises/[id]': { path: '/regulator/enterprises/{enterprise}', allowed: ['regulator'] },
	'/regulator/enterprises/import': { path: '/regulator/enterprises/import', allowed: ['regulator'] },
	'/regulator/coverage': { path: '/regulator/coverage', allowed: ['regulator'] },
	'/regulator/coverage/[id]': { path: '/regulator/coverage/{target}', allowed: ['regulator'] },
	'/regulator/coverage/[id]/org/[orgId]': { path: '/regulator/coverage/{target}/org/{enterprise}', allowed: ['regulator'] },
	'/regulator/coverage/targets/new': { path: '/regulator/coverage/targets/new', allowed: ['regulator'] },
	'/regulator/findings': { path: '/regulator/findings', allowed: ['regulator'] },
	'/regulator/audit': { path: '/regulator/audit', allowed: ['regulator'] },
	'/regulator/attempts/[id]': { path: '/regulator/attempts/{attempt}', allowed: ['regulator'] },
	'/regulator/persons/[id]': { path: '/regulator/persons/{person}', allowed: ['regulator'] },
	'/enterprise/coverage': { path: '/enterprise/coverage', allowed: ['enterprise_admin'] },
	// 督办 notices (issue 12): a regulator's own region, an enterprise's own notices (others 404)
	'/regulator/notices': { path: '/regulator/notices', allowed: ['regulator'] },
	'/regulator/notices/[id]': { path: '/regulator/notices/{notice}', allowed: ['regulator'] },
	'/enterprise/notices': { path: '/enterprise/notices', allowed: ['enterprise_admin'] },
	'/enterprise/notices/[id]': { path: '/enterprise/notices/{notice}', allowed: ['enterprise_admin'] },
	// 特种作业 报名 and 资格审查 (issue 13, h1): an enterprise its own workers' applications, a learner
	// their own, an institution the ones made to it, a regulator its region's (tenancy of the [id]
	// pages and of the files: tests/integration/special-ops-application.spec.ts)
	'/enterprise/special-ops': { path: '/enterprise/special-ops', allowed: ['enterprise_admin'] },
	'/enterprise/special-ops/[id]': { path: '/enterprise/special-ops/{so}', allowed: ['enterprise_admin'] },
	'/learner/special-ops': { path: '/learner/special-ops', allowed: ['learner'] },
	'/institution/special-ops': { path: '/institution/special-ops', allowed: ['institution_admin'] },
	'/institution/special-ops/[id]': { path: '/institution/special-ops/{so}', allowed: ['institution_admin'] },
	'/regulator/special-ops': { path: '/regulator/special-ops', allowed: ['regulator'] },
	'/admin': { path: '/admin', allowed: ['platform_admin'] },
	'/admin/rules': { path: '/admin/rules', allowed: ['platform_admin'] },
	// organisations (issue 12): platform admin everywhere; regulators for enterprises of their region
	'/admin/orgs': { path: '/admin/orgs', allowed: ['platform_admin'] },
	'/admin/orgs/new': { path: '/admin/orgs/new', allowed: ['platform_admin'] },
	'/admin/orgs/[id]': { path: '/admin/orgs/{org}', allowed: ['platform_admin'] },
	'/regulator/enterprises/new': { path: '/regulator/enterprises/new', allowed: ['regulator'] },
	'/regulator/enterprises/[id]/manage': { path: '/regulator/enterprises/{enterprise}/manage', allowed: ['regulator'] },
	'/institution/banks': { path: '/institution/banks', allowed: ['institution_admin', 'examiner'] },
	'/institution/banks/[code]': { path: '/institution/banks/aqsc-law-2021', allowed: ['institution_admin', 'examiner'] },
	'/institution/banks/[code]/q/[qid]': { path: '/institution/banks/aqsc-law-2021/q/aqsc-0001', allowed: ['institution_admin', 'examiner'] },
	// platform banks are read-only: nobody may add questions to them from the browser
	'/institution/banks/[code]/new': { path: '/institution/banks/aqsc-law-2021/new', allowed: [] },
	'/activate': { path: '/activate', allowed: 'public' },
	// 实名注册 and merging duplicates (issue 12)
	'/register': { path: '/register', allowed: 'public' },
	'/register/status': { path: '/register/status', allowed: 'public' },
	'/regulator/registrations': { path: '/regulator/registrations', allowed: ['regulator'] },
	'/regulator/registrations/[id]': { path: '/regulator/registrations/{registration}', allowed: ['regulator'] },
	'/admin/registrations': { path: '/admin/registrations', allowed: ['platform_admin'] },
	'/admin/registrations/[id]': { path: '/admin/registrations/{registration}', allowed: ['platform_admin'] },
	'/admin/merge': { path: '/admin/merge', allowed: ['platform_admin'] },
	'/regulator/enterprises/merge': { path: '/regulator/enterprises/merge', allowed: ['regulator'] },
	'/enterprise/staff/new': { path: '/enterprise/staff/new', allowed: ['enterprise_admin'] },
	'/enterprise/staff/import': { path: '/enterprise/staff/import', allowed: ['enterprise_admin'] },
	'/enterprise/staff/[id]/edit': { path: '/enterprise/staff/{person}/edit', allowed: ['enterprise_admin'] },
	'/enterprise/plan': { path: '/enterprise/plan', allowed: ['enterprise_admin'] },
	'/enterprise/archive': { path: '/enterprise/archive', allowed: ['enterprise_admin'] },
	'/enterprise/supervision': { path: '/enterprise/supervision', allowed: ['enterprise_admin'] },
	'/learner/archive': { path: '/learner/archive', allowed: ['learner'] },
	'/learner/exams': { path: '/learner/exams', allowed: ['learner'] },
	'/learner/exams/[sessionId]': { path: '/learner/exams/{session}', allowed: ['learner'] },
	'/learner/exams/attempts/[attemptId]': { path: '/learner/exams/attempts/{attempt}', allowed: ['learner'] },
	'/learner/exams/attempts/[attemptId]/result': { path: '/learner/exams/attempts/{attempt}/result', allowed: ['learner'] },
	'/learner/practice': { path: '/learner/practice', allowed: ['learner'] },
	'/learner/wrong-answers': { path: '/learner/wrong-answers', allowed: ['learner'] },
	'/learner/courses/[enrolmentId]': { path: '/learner/courses/{enrolment}', allowed: ['learner'] },
	'/learner/courses/[enrolmentId]/lessons/[lessonId]': { path: '/learner/courses/{enrolment}/lessons/{lesson}', allowed: ['learner'] },
	// course catalogue (issue 15): published courses, for enterprise admins (with assigning) and learners
	'/enterprise/catalogue': { path: '/enterprise/catalogue', allowed: ['enterprise_admin'] },
	'/enterprise/catalogue/[courseId]': { path: '/enterprise/catalogue/{course}', allowed: ['enterprise_admin'] },
	'/learner/catalogue': { path: '/learner/catalogue', allowed: ['learner'] },
	'/learner/catalogue/[courseId]': { path: '/learner/catalogue/{course}', allowed: ['learner'] },
	'/institution/courses': { path: '/institution/courses', allowed: ['institution_admin'] },
	// exams: admins run everything; examiners see only the sessions they are assigned to (others 404)
	'/institution/exams': { path: '/institution/exams', allowed: ['institution_admin', 'examiner'] },
	'/institution/exams/blueprints': { path: '/institution/exams/blueprints', allowed: ['institution_admin'] },
	'/institution/exams/blueprints/new': { path: '/institution/exams/blueprints/new', allowed: ['institution_admin'] },
	'/institution/exams/blueprints/[id]': { path: '/institution/exams/blueprints/{blueprint}', allowed: ['institution_admin'] },
	'/institution/exams/sessions/new': { path: '/institution/exams/sessions/new', allowed: ['institution_admin'] },
	'/institution/exams/sessions/[id]': { path: '/institution/exams/sessions/{session}', allowed: ['institution_admin', 'examiner'] },
	'/institution/exams/sessions/[id]/results': { path: '/institution/exams/sessions/{session}/results', allowed: ['institution_admin', 'examiner'] },
	'/institution/exams/attempts/[id]': { path: '/institution/exams/attempts/{attempt}', allowed: ['institution_admin', 'examiner'] },
	'/institution/banks/[code]/analysis': { path: '/institution/banks/aqsc-law-2021/analysis', allowed: ['institution_admin'] },
	'/institution/courses/[id]': { path: '/institution/courses/{course}', allowed: ['institution_admin'] },
	'/institution/courses/[id]/lessons/[lessonId]': { path: '/institution/courses/{course}/lessons/{lesson}', allowed: ['institution_admin'] },
	'/institution/courses/[id]/preview': { path: '/institution/courses/{course}/preview', allowed: ['institution_admin'] },
	'/institution/courses/[id]/preview/[lessonId]': { path: '/institution/courses/{course}/preview/{lesson}', allowed: ['institution_admin'] },
	// an enterprise's own courses (issue 15): the same pages, its own courses only (404 for others, below)
	'/enterprise/courses': { path: '/enterprise/courses', allowed: ['enterprise_admin'] },
	'/enterprise/courses/[id]': { path: '/enterprise/courses/{course}', allowed: ['enterprise_admin'] },
	'/enterprise/courses/[id]/lessons/[lessonId]': { path: '/enterprise/courses/{course}/lessons/{lesson}', allowed: ['enterprise_admin'] },
	'/enterprise/courses/[id]/preview': { path: '/enterprise/courses/{course}/preview', allowed: ['enterprise_admin'] },
	'/enterprise/courses/[id]/preview/[lessonId]': { path: '/enterprise/courses/{course}/preview/{lesson}', allowed: ['enterprise_admin'] },
	// 特种作业 考试点 and scheduling (issue 13): the institution's admins; other institutions' records 404
	'/institution/exam-centres': { path: '/institution/exam-centres', allowed: ['institution_admin'] },
	'/institution/exam-centres/new': { path: '/institution/exam-centres/new', allowed: ['institution_admin'] },
	'/institution/exam-centres/[id]': { path: '/institution/exam-centres/{centre}', allowed: ['institution_admin'] },
	'/institution/special-ops/sessions': { path: '/institution/special-ops/sessions', allowed: ['institution_admin'] },
	'/institution/special-ops/sessions/theory/[id]': { path: '/institution/special-ops/sessions/theory/{session}', allowed: ['institution_admin'] },
	'/institution/special-ops/sessions/practical/[id]': { path: '/institution/special-ops/sessions/practical/{session}', allowed: ['institution_admin'] },
	'/institution/special-ops/cohorts': { path: '/institution/special-ops/cohorts', allowed: ['institution_admin'] },
	// 特种作业 实操 (issue 13, h3): examiners see only the sessions they are assigned to (others 404)
	'/institution/practical': { path: '/institution/practical', allowed: ['institution_admin', 'examiner'] },
	'/institution/practical/[sessionId]': { path: '/institution/practical/{practicalSession}', allowed: ['institution_admin', 'examiner'] },
	'/institution/practical/attempts/[id]': { path: '/institution/practical/attempts/{practicalAttempt}', allowed: ['institution_admin', 'examiner'] },
	'/learner/special-ops/results': { path: '/learner/special-ops/results', allowed: ['learner'] },
	'/regulator/special-ops/practical': { path: '/regulator/special-ops/practical', allowed: ['regulator'] },
	// 特种作业 certificates, 换证, return to post, data exchange (issue 13, h4)
	'/institution/special-ops/certificates': { path: '/institution/special-ops/certificates', allowed: ['institution_admin'] },
	'/institution/special-ops/renewals': { path: '/institution/special-ops/renewals', allowed: ['institution_admin'] },
	'/enterprise/special-ops/renewals': { path: '/enterprise/special-ops/renewals', allowed: ['enterprise_admin'] },
	'/enterprise/special-ops/return-to-post': { path: '/enterprise/special-ops/return-to-post', allowed: ['enterprise_admin'] },
	'/regulator/special-ops/return-to-post': { path: '/regulator/special-ops/return-to-post', allowed: ['regulator'] },
	'/regulator/special-ops/exchange': { path: '/regulator/special-ops/exchange', allowed: ['regulator'] }
};

// Every +server.ts endpoint, classified. A new endpoint without an entry here fails the first endpoint
// test (it runs without a build too), so no endpoint escapes the walk:
// - public: anyone, no session needed (verification, keys, health, the verifier download);
// - secret: public, but only with a secret in the path (the media server's callbacks);
// - role: the listed roles only, no record id in the path (the scope comes from the session);
// - tenant: the listed roles, and only for records of the caller's own tenant — probed with an id that
//   does not exist (404) and, where the demo data has two tenants with that role, with every small id
//   as both tenants (no record may answer 200 to both); `covered` names the spec with the real
//   foreign-record checks.
type Method = 'GET' | 'POST';
type Endpoint =
	| { kind: 'public'; methods: Method[]; path: string }
	| { kind: 'secret'; methods: Method[]; path: string }
	| { kind: 'role'; methods: Method[]; path: string; allowed: Role[]; ok?: number }
	| { kind: 'tenant'; methods: Method[]; path: string; allowed: Role[]; covered: string; pair?: [string, string] };
type Role = 'platform_admin' | 'regulator' | 'institution_admin' | 'examiner' | 'enterprise_admin' | 'learner';
const LEARNERS: [string, string] = ['13800000007', '500115197803150011']; // 渝北精工 / 长风化工
const ENTERPRISES: [string, string] = ['13800000006', '13800000009']; // 渝北精工 / 长风化工
const REGIONS: [string, string] = ['13800000003', '13800000010']; // 渝北区 / 长寿区
const ANY_ROLE: Role[] = ['platform_admin', 'regulator', 'institution_admin', 'examiner', 'enterprise_admin', 'learner'];
const LIVE_STAFF: Role[] = ['institution_admin', 'examiner', 'enterprise_admin'];
// {id} is the probed record id; other path parameters get a fixed value
const ENDPOINTS: Record<string, Endpoint> = {
	'/.well-known/anxun-audit-head.json': { kind: 'public', methods: ['GET'], path: '/.well-known/anxun-audit-head.json' },
	'/.well-known/anxun-keys.json': { kind: 'public', methods: ['GET'], path: '/.well-known/anxun-keys.json' },
	'/.well-known/anxun-status.json': { kind: 'public', methods: ['GET'], path: '/.well-known/anxun-status.json' },
	'/api/verify/[number]': { kind: 'public', methods: ['GET'], path: '/api/verify/AX-NO-SUCH-NUMBER' },
	'/downloads/anxun-cert-verify.mjs': { kind: 'public', methods: ['GET'], path: '/downloads/anxun-cert-verify.mjs' },
	'/healthz': { kind: 'public', methods: ['GET'], path: '/healthz' },
	// the holder's photo, only with the certificate's signed URL (?n=&s=)
	'/verify/photo': { kind: 'public', methods: ['GET'], path: '/verify/photo?n=1&s=forged' },
	'/api/live/rtmp/[secret]/[call]': { kind: 'secret', methods: ['GET'], path: '/api/live/rtmp/not-the-secret/on_publish' },
	'/api/study/check': { kind: 'role', methods: ['POST'], path: '/api/study/check', allowed: ['learner'] },
	'/api/study/face': { kind: 'role', methods: ['POST'], path: '/api/study/face', allowed: ['learner'] },
	'/api/study/heartbeat': { kind: 'role', methods: ['POST'], path: '/api/study/heartbeat', allowed: ['learner'] },
	'/enterprise/archive/pdf': { kind: 'role', methods: ['GET'], path: '/enterprise/archive/pdf', allowed: ['enterprise_admin'] },
	'/enterprise/archive/xlsx': { kind: 'role', methods: ['GET'], path: '/enterprise/archive/xlsx', allowed: ['enterprise_admin'] },
	'/enterprise/coverage/export': { kind: 'role', methods: ['GET'], path: '/enterprise/coverage/export', allowed: ['enterprise_admin'] },
	'/enterprise/staff/template': { kind: 'role', methods: ['GET'], path: '/enterprise/staff/template', allowed: ['enterprise_admin'], ok: 200 },
	'/institution/banks/template': { kind: 'role', methods: ['GET'], path: '/institution/banks/template', allowed: ['institution_admin', 'examiner'], ok: 200 },
	'/learner/archive/pdf': { kind: 'role', methods: ['GET'], path: '/learner/archive/pdf', allowed: ['learner'] },
	'/regulator/coverage/summary': { kind: 'role', methods: ['GET'], path: '/regulator/coverage/summary', allowed: ['regulator'] },
	'/regulator/enterprises/import/template.xlsx': { kind: 'role', methods: ['GET'], path: '/regulator/enterprises/import/template.xlsx', allowed: ['regulator'], ok: 200 },
	'/regulator/special-ops/exchange/export.json': { kind: 'role', methods: ['GET'], path: '/regulator/special-ops/exchange/export.json', allowed: ['regulator'] },
	// no two-tenant probe: opening an attempt records the browser (clientId), so the walk only reads a missing one
	'/api/exam/attempts/[attemptId]': { kind: 'tenant', methods: ['GET'], path: '/api/exam/attempts/{id}?clientId=tenancy-walk-01', allowed: ['learner'], covered: 'exam-http.spec.ts' },
	'/api/exam/attempts/[attemptId]/snapshot': { kind: 'tenant', methods: ['POST'], path: '/api/exam/attempts/{id}/snapshot', allowed: ['learner'], covered: 'face-exam-http.spec.ts' },
	'/api/exam/attempts/[attemptId]/submit': { kind: 'tenant', methods: ['POST'], path: '/api/exam/attempts/{id}/submit', allowed: ['learner'], covered: 'exam-http.spec.ts' },
	'/api/exam/attempts/[attemptId]/sync': { kind: 'tenant', methods: ['POST'], path: '/api/exam/attempts/{id}/sync', allowed: ['learner'], covered: 'exam-http.spec.ts' },
	'/api/exam/sessions/[sessionId]/start': { kind: 'tenant', methods: ['POST'], path: '/api/exam/sessions/{id}/start', allowed: ['learner'], covered: 'exam-http.spec.ts' },
	'/api/live/[id]/console': { kind: 'tenant', methods: ['GET'], path: '/api/live/{id}/console', allowed: LIVE_STAFF, covered: 'live-attendance.spec.ts', pair: ENTERPRISES },
	'/api/live/[id]/heartbeat': { kind: 'tenant', methods: ['POST'], path: '/api/live/{id}/heartbeat', allowed: ['learner'], covered: 'live-credit.spec.ts' },
	'/api/live/[id]/questions': { kind: 'tenant', methods: ['GET', 'POST'], path: '/api/live/{id}/questions', allowed: ['learner'], covered: 'live-attendance.spec.ts', pair: LEARNERS },
	'/api/live/[id]/rollcall': { kind: 'tenant', methods: ['POST'], path: '/api/live/{id}/rollcall', allowed: ['learner'], covered: 'live-attendance.spec.ts' },
	'/api/live/[id]/face': { kind: 'tenant', methods: ['POST'], path: '/api/live/{id}/face', allowed: ['learner'], covered: 'live-face.spec.ts' },
	'/api/practical/[attemptId]/evidence': { kind: 'tenant', methods: ['POST'], path: '/api/practical/{id}/evidence', allowed: ['examiner', 'institution_admin'], covered: 'special-ops-practical.spec.ts' },
	'/api/practical/[attemptId]/steps': { kind: 'tenant', methods: ['POST'], path: '/api/practical/{id}/steps', allowed: ['examiner', 'institution_admin'], covered: 'special-ops-practical.spec.ts' },
	'/enterprise/live/[id]/attendance.pdf': { kind: 'tenant', methods: ['GET'], path: '/enterprise/live/{id}/attendance.pdf', allowed: LIVE_STAFF, covered: 'live-attendance.spec.ts', pair: ENTERPRISES },
	'/enterprise/live/[id]/attendance.xlsx': { kind: 'tenant', methods: ['GET'], path: '/enterprise/live/{id}/attendance.xlsx', allowed: LIVE_STAFF, covered: 'live-attendance.spec.ts', pair: ENTERPRISES },
	'/enterprise/special-ops/[id]/admission.pdf': { kind: 'tenant', methods: ['GET'], path: '/enterprise/special-ops/{id}/admission.pdf', allowed: ['enterprise_admin'], covered: 'special-ops-scheduling.spec.ts', pair: ENTERPRISES },
	'/enterprise/staff/[id]/archive': { kind: 'tenant', methods: ['GET'], path: '/enterprise/staff/{id}/archive', allowed: ['enterprise_admin'], covered: 'http-tenancy.spec.ts', pair: ENTERPRISES },
	'/files/[id]': { kind: 'tenant', methods: ['GET'], path: '/files/{id}', allowed: ANY_ROLE, covered: 'files-http.spec.ts', pair: LEARNERS },
	'/institution/banks/[code]/export': { kind: 'tenant', methods: ['GET'], path: '/institution/banks/{id}/export', allowed: ['institution_admin', 'examiner'], covered: 'question-bank-sync.spec.ts' },
	'/institution/certificates/[sessionId]/pdf': { kind: 'tenant', methods: ['GET'], path: '/institution/certificates/{id}/pdf', allowed: ['institution_admin'], covered: 'cert-http.spec.ts' },
	'/institution/exams/attempts/[id]/face/[checkId]/[which]': { kind: 'tenant', methods: ['GET'], path: '/institution/exams/attempts/{id}/face/1/snapshot', allowed: ['institution_admin', 'examiner'], covered: 'face-exam-http.spec.ts' },
	'/institution/exams/sessions/[id]/console.json': { kind: 'tenant', methods: ['GET'], path: '/institution/exams/sessions/{id}/console.json', allowed: ['institution_admin', 'examiner'], covered: 'http-tenancy.spec.ts' },
	'/institution/exams/sessions/[id]/results.xlsx': { kind: 'tenant', methods: ['GET'], path: '/institution/exams/sessions/{id}/results.xlsx', allowed: ['institution_admin', 'examiner'], covered: 'http-tenancy.spec.ts' },
	'/institution/live/[id]/attendance.pdf': { kind: 'tenant', methods: ['GET'], path: '/institution/live/{id}/attendance.pdf', allowed: LIVE_STAFF, covered: 'live-attendance.spec.ts', pair: ENTERPRISES },
	'/institution/live/[id]/attendance.xlsx': { kind: 'tenant', methods: ['GET'], path: '/institution/live/{id}/attendance.xlsx', allowed: LIVE_STAFF, covered: 'live-attendance.spec.ts', pair: ENTERPRISES },
	'/institution/practical/attempts/[id]/photo': { kind: 'tenant', methods: ['GET'], path: '/institution/practical/attempts/{id}/photo', allowed: ['examiner', 'institution_admin'], covered: 'special-ops-practical.spec.ts' },
	'/institution/special-ops/[id]/admission.pdf': { kind: 'tenant', methods: ['GET'], path: '/institution/special-ops/{id}/admission.pdf', allowed: ['institution_admin', 'examiner'], covered: 'special-ops-scheduling.spec.ts' },
	'/learner/certificates/[id]/pdf': { kind: 'tenant', methods: ['GET'], path: '/learner/certificates/{id}/pdf', allowed: ['learner'], covered: 'cert-http.spec.ts', pair: LEARNERS },
	'/learner/special-ops/[id]/admission.pdf': { kind: 'tenant', methods: ['GET'], path: '/learner/special-ops/{id}/admission.pdf', allowed: ['learner'], covered: 'special-ops-scheduling.spec.ts', pair: LEARNERS },
	'/regulator/coverage/[id]/export': { kind: 'tenant', methods: ['GET'], path: '/regulator/coverage/{id}/export', allowed: ['regulator'], covered: 'coverage-export.spec.ts', pair: REGIONS },
	'/regulator/notices/[id]/export': { kind: 'tenant', methods: ['GET'], path: '/regulator/notices/{id}/export', allowed: ['regulator'], covered: 'http-tenancy.spec.ts', pair: REGIONS }
};

/** Every +server.ts under src/routes, as a route id. */
function endpointRoutes(dir = 'src/routes', prefix = ''): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) out.push(...endpointRoutes(p, `${prefix}/${name}`));
		else if (name === '+server.ts') out.push(prefix || '/');
	}
	return out;
}

describe('every +server.ts endpoint is classified', () => {
	it('has an entry for every endpoint on disk and none for an endpoint that is gone', () => {
		const onDisk = endpointRoutes().sort();
		expect(onDisk.length).toBeGreaterThanOrEqual(48);
		expect(onDisk).toEqual(Object.keys(ENDPOINTS).sort());
	});

	it('lists the methods each endpoint exports, and names an existing spec for each tenant-scoped one', () => {
		for (const [id, e] of Object.entries(ENDPOINTS)) {
			const source = readFileSync(join('src/routes', id, '+server.ts'), 'utf8');
			const exported = [...source.matchAll(/export (?:const|async function) (GET|POST|PUT|PATCH|DELETE)\b|export \{ (GET|POST)\b/g)].map((m) => m[1] ?? m[2]);
			expect(exported.sort(), id).toEqual([...e.methods].sort());
			if (e.kind === 'tenant') {
				expect(existsSync(join('tests/integration', e.covered)), `${id}: ${e.covered}`).toBe(true);
				expect(e.path, id).toContain('{id}');
			}
		}
	});
});

function pageRoutes(dir = 'src/routes', prefix = ''): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) out.push(...pageRoutes(p, `${prefix}/${name}`));
		else if (name === '+page.server.ts' || name === '+page.svelte') out.push(prefix || '/');
	}
	return [...new Set(out)];
}

const built = hasBuild(import.meta.url);

describe.skipIf(!built)('every route checks role and tenant (built server)', () => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer({});
	});
	afterAll(async () => server?.stop());

	it('has a rule for every page route', () => {
		expect(pageRoutes().sort()).toEqual(Object.keys(RULES).sort());
	});

	it('sends anonymous visitors of protected pages to the login page', async () => {
		const c = new Client(server.url);
		for (const rule of Object.values(RULES)) {
			if (rule.allowed === 'public' || rule.path.includes('{')) continue;
			const r = await c.get(rule.path);
			expect(r.status, rule.path).toBe(303);
			expect(r.headers.get('location'), rule.path).toMatch(/\/login$/);
		}
	});

	it('answers 403 to the wrong role and 200 to the right one', async () => {
		for (const account of demoAccounts) {
			if (account.account === '13800000009') continue; // must change password first (tested below)
			const c = new Client(server.url);
			await c.login(account.account, account.password);
			for (const rule of Object.values(RULES)) {
				if (rule.allowed === 'public' || rule.allowed === 'any' || rule.path.includes('{')) continue;
				const r = await c.get(rule.path);
				const expected = rule.allowed.includes(account.role) ? 200 : 403;
				// a user with several memberships acts as the first one (enterprise_admin for 13800000006)
				expect(r.status, `${account.account} (${account.role}) ${rule.path}`).toBe(expected);
			}
		}
	}, 300_000);

	it('answers 404 for another tenant\'s records, 200 for one\'s own', async () => {
		const ownAdmin = new Client(server.url);
		await ownAdmin.login('13800000006', 'Anxun@2026'); // 渝北精工
		const foreignAdmin = new Client(server.url);
		await foreignAdmin.login('13800000009', 'Anxun@2026'); // 长风化工, must change password first
		expect((await foreignAdmin.get('/enterprise')).headers.get('location')).toBe('/account/password');
		const changed = await foreignAdmin.post('/account/password', { current: 'Anxun@2026', next: 'Changed2026', confirm: 'Changed2026' });
		expect(changed.status).toBe(303);

		const ownList = await (await ownAdmin.get('/enterprise/staff')).text();
		const ownPerson = Number(/href="\/enterprise\/staff\/(\d+)"/.exec(ownList)![1]);
		expect((await ownAdmin.get(`/enterprise/staff/${ownPerson}`)).status).toBe(200);
		expect((await foreignAdmin.get(`/enterprise/staff/${ownPerson}`)).status).toBe(404);
		expect((await ownAdmin.get('/enterprise/staff/999999')).status).toBe(404);
		expect((await ownAdmin.get('/enterprise/staff/abc')).status).toBe(404);

		// regulators: 渝北区 sees 渝北精工; 长寿区 does not; the city sees both
		const city = new Client(server.url);
		await city.login('13800000002', 'Anxun@2026');
		const cityList = await (await city.get('/regulator/enterprises')).text();
		const ids = [...cityList.matchAll(/href="\/regulator\/enterprises\/(\d+)">([^<]+)</g)].map((m) => ({ id: Number(m[1]), name: m[2]! }));
		const jinggong = ids.find((e) => e.name.includes('渝北精工'))!;
		const changfeng = ids.find((e) => e.name.includes('长风化工'))!;
		expect(jinggong && changfeng).toBeTruthy();
		const yubei = new Client(server.url);
		await yubei.login('13800000003', 'Anxun@2026');
		const changshou = new Client(server.url);
		await changshou.login('13800000010', 'Anxun@2026');
		expect((await yubei.get(`/regulator/enterprises/${jinggong.id}`)).status).toBe(200);
		expect((await yubei.get(`/regulator/enterprises/${changfeng.id}`)).status).toBe(404);
		expect((await changshou.get(`/regulator/enterprises/${jinggong.id}`)).status).toBe(404);
		expect((await changshou.get(`/regulator/enterprises/${changfeng.id}`)).status).toBe(200);
		expect((await city.get(`/regulator/enterprises/${changfeng.id}`)).status).toBe(200);
		const yubeiList = await (await yubei.get('/regulator/enterprises')).text();
		expect(yubeiList).toContain('渝北精工');
		expect(yubeiList).not.toContain('长风化工');

		// an enterprise's own course (issue 15): its editor, preview and catalogue page are its own
		const created = await ownAdmin.post('/enterprise/courses?/create', {
			code: 'yubei-workshop',
			title: '车间级安全教育（渝北精工）',
			description: '',
			training_type: 'three_level',
			audience_roles: 'frontline',
			audience_high_risk: 'false',
			credit_hours: '1'
		});
		expect(created.status).toBe(303);
		const courseUrl = created.headers.get('location')!.replace(/\?.*$/, '');
		expect(courseUrl).toMatch(/^\/enterprise\/courses\/\d+$/);
		const courseId = Number(courseUrl.split('/').pop());
		expect((await ownAdmin.get(courseUrl)).status).toBe(200);
		expect((await ownAdmin.get(`${courseUrl}/preview`)).status).toBe(200);
		expect((await foreignAdmin.get(courseUrl)).status).toBe(404);
		expect((await foreignAdmin.get(`${courseUrl}/preview`)).status).toBe(404);
		expect((await foreignAdmin.post(`${courseUrl}?/publish`, {})).status).toBe(404);
		expect((await foreignAdmin.get(`/enterprise/catalogue/${courseId}`)).status).toBe(404);
		expect(await (await ownAdmin.get('/enterprise/courses')).text()).toContain('车间级安全教育（渝北精工）');
		expect(await (await foreignAdmin.get('/enterprise/courses')).text()).not.toContain('车间级安全教育（渝北精工）');
	});

	it("lets regulators edit only their own region's enterprises, the platform admin every organisation, and suspension ends logins", async () => {
		const city = new Client(server.url);
		await city.login('13800000002', 'Anxun@2026');
		const cityList = await (await city.get('/regulator/enterprises')).text();
		const ids = [...cityList.matchAll(/href="\/regulator\/enterprises\/(\d+)">([^<]+)</g)].map((m) => ({ id: Number(m[1]), name: m[2]! }));
		const jinggong = ids.find((e) => e.name.includes('渝北精工'))!;
		const changfeng = ids.find((e) => e.name.includes('长风化工'))!;
		const yubei = new Client(server.url);
		await yubei.login('13800000003', 'Anxun@2026');
		expect((await yubei.get(`/regulator/enterprises/${jinggong.id}/manage`)).status).toBe(200);
		expect((await yubei.get(`/regulator/enterprises/${changfeng.id}/manage`)).status).toBe(404);
		expect((await yubei.post(`/regulator/enterprises/${changfeng.id}/manage?/save`, { name: '篡改', creditCode: '', regionCode: '500112', industryCode: 'hazchem' })).status).toBe(404);
		expect((await yubei.post(`/regulator/enterprises/${changfeng.id}/manage?/suspend`, { reason: '越权停用' })).status).toBe(404);
		expect((await yubei.get('/regulator/enterprises/999999/manage')).status).toBe(404);
		// a region outside the jurisdiction is refused in Chinese, nothing written
		const outside = await yubei.post('/regulator/enterprises/new?/save', { name: '辖区外公司', creditCode: '91500115MA00000018', regionCode: '500115003', industryCode: 'it_machinery' });
		expect(outside.status).toBe(400);
		expect(await outside.text()).toContain('所在区域（晏家街道）不在本部门辖区内');
		expect(await (await city.get('/regulator/enterprises')).text()).not.toContain('辖区外公司');

		const admin = new Client(server.url);
		await admin.login('13800000001', 'Anxun@2026');
		expect((await admin.get(`/admin/orgs/${changfeng.id}`)).status).toBe(200);
		expect((await yubei.get(`/admin/orgs/${changfeng.id}`)).status).toBe(403);
		expect((await admin.get('/admin/orgs/999999')).status).toBe(404);
		expect((await admin.get('/admin/orgs/abc')).status).toBe(404);
		expect((await admin.get('/admin/orgs?kind=%00&status=x&q=' + 'x'.repeat(500))).status).toBe(400);
		expect((await admin.get('/admin/orgs?kind=nope&status=x')).status).toBe(200);

		// a new enterprise with its admin; suspending it ends the admin's session and refuses the login
		const created = await admin.post('/admin/orgs/new?/save', { kind: 'enterprise', name: '租户测试停用公司', creditCode: '91500112MA0000001W', regionCode: '500112004', industryCode: 'it_light' });
		const location = created.headers.get('location') ?? (await created.text());
		expect(created.status, location).toBe(303);
		const orgId = /\/admin\/orgs\/(\d+)/.exec(location)![1]!;
		const account = await admin.post(`/admin/orgs/${orgId}?/createAdmin`, { name: '停用测试', mobile: '13900006666', idNumber: '' });
		const password = /一次性密码：<strong[^>]*>([^<]+)</.exec(await account.text())![1]!;
		const entAdmin = new Client(server.url);
		await entAdmin.login('13900006666', password);
		expect((await entAdmin.post('/account/password', { current: password, next: 'Changed2026', confirm: 'Changed2026' })).status).toBe(303);
		expect((await entAdmin.get('/enterprise')).status).toBe(200);
		expect((await admin.post(`/admin/orgs/${orgId}?/suspend`, { reason: '测试停用' })).status).toBe(303);
		expect((await entAdmin.get('/enterprise')).headers.get('location')).toBe('/login');
		const refused = await new Client(server.url).post('/login', { account: '13900006666', password: 'Changed2026' });
		expect(refused.status).toBe(400);
		expect(await refused.text()).toContain('单位已停用');
		expect((await admin.post(`/admin/orgs/${orgId}?/reactivate`, {})).status).toBe(303);
		await new Client(server.url).login('13900006666', 'Changed2026');
	});

	it('answers 404 for a bank that does not exist or is not visible, and hides keys from nobody but staff', async () => {
		const c = new Client(server.url);
		await c.login('13800000004', 'Anxun@2026');
		expect((await c.get('/institution/banks/no-such-bank')).status).toBe(404);
		expect((await c.get('/institution/banks/aqsc-law-2021/q/no-such-q')).status).toBe(404);
		expect((await c.get('/institution/banks/aqsc-law-2021/export')).status).toBe(200);
		const learner = new Client(server.url);
		await learner.login('13800000007', 'Anxun@2026');
		expect((await learner.get('/institution/banks/aqsc-law-2021/export')).status).toBe(403);
		expect((await learner.get('/institution/banks/template')).status).toBe(403);
	});

	it("shows each person only their own messages (站内消息)", async () => {
		const worker = new Client(server.url); // 孙海涛
		await worker.login('13800000007', 'Anxun@2026');
		const principal = new Client(server.url); // 周长风
		await principal.login('500115197803150011', 'Anxun@2026');
		const list = await (await worker.get('/messages')).text();
		const id = Number(/href="\/messages\/(\d+)"/.exec(list)![1]);
		expect((await principal.get(`/messages/${id}`)).status).toBe(404);
		expect((await principal.get('/messages/abc')).status).toBe(404);
		expect((await worker.get(`/messages/${id}`)).status).toBe(200);
		expect((await new Client(server.url).get(`/messages/${id}`)).headers.get('location')).toMatch(/\/login$/);
	});

	it("keeps each learner's courses, study API, files and each enterprise's exports to their owners", async () => {
		const worker = new Client(server.url); // 孙海涛, 渝北精工
		await worker.login('13800000007', 'Anxun@2026');
		const principal = new Client(server.url); // 周长风, 长风化工
		await principal.login('500115197803150011', 'Anxun@2026');
		const home = await (await principal.get('/learner')).text();
		const enrolment = Number(/href="\/learner\/courses\/(\d+)"/.exec(home)![1]);
		const outline = await (await principal.get(`/learner/courses/${enrolment}`)).text();
		const lesson = Number(new RegExp(`/learner/courses/${enrolment}/lessons/(\\d+)`).exec(outline)![1]);
		expect((await principal.get(`/learner/courses/${enrolment}/lessons/${lesson}`)).status).toBe(200);
		expect((await worker.get(`/learner/courses/${enrolment}`)).status).toBe(404);
		expect((await worker.get(`/learner/courses/${enrolment}/lessons/${lesson}`)).status).toBe(404);
		expect((await principal.get(`/learner/courses/abc`)).status).toBe(404);

		const beat = (c: Client | null, body: unknown) =>
			fetch(`${server.url}/api/study/heartbeat`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: c?.cookie ?? '' }, body: JSON.stringify(body) });
		const payload = { enrolmentId: enrolment, lessonId: lesson, tabId: 'tenancy-tab-1', state: 'active', clientTime: '2099-01-01T00:00:00Z' };
		expect((await beat(null, payload)).status).toBe(401);
		const stolen = await beat(worker, payload);
		expect(stolen.status).toBe(404);
		expect(((await stolen.json()) as { refused: { code: string } }).refused.code).toBe('not_enrolled');
		expect((await beat(principal, { ...payload, state: 'sleeping' })).status).toBe(400);
		expect((await beat(principal, 'not json')).status).toBe(400);
		const own = await beat(principal, payload);
		expect(own.status).toBe(200);
		expect(((await own.json()) as { refused: unknown; credit: number })).toMatchObject({ refused: null, credit: 0 });

		const admin = new Client(server.url); // 渝北精工 admin
		await admin.login('13800000006', 'Anxun@2026');
		const staff = await (await admin.get('/enterprise/staff')).text();
		const ownPerson = Number(/href="\/enterprise\/staff\/(\d+)"/.exec(staff)![1]);
		expect((await admin.get(`/enterprise/staff/${ownPerson}/archive`)).headers.get('content-type')).toContain('application/pdf');
		expect((await admin.get(`/enterprise/staff/${ownPerson}/edit`)).status).toBe(200);
		const principalPersonPage = await (await principal.get('/learner/archive')).text();
		expect(principalPersonPage).toContain('周长风');
		const foreign = await admin.get(`/enterprise/staff/999999/archive`);
		expect(foreign.status).toBe(404);
		expect((await worker.get('/enterprise/archive/xlsx')).status).toBe(403);
	});

	it("keeps account administration to the admin's own organisation", async () => {
		const platform = new Client(server.url);
		await platform.login('13800000001', 'Anxun@2026');
		const enterprise = new Client(server.url);
		await enterprise.login('13800000006', 'Anxun@2026'); // 渝北精工 admin
		const picker = await (await platform.get('/accounts')).text();
		const orgs = [...picker.matchAll(/<option value="(\d+)"[^>]*>([^<（]+)/g)].map((m) => ({ id: m[1]!, name: m[2]! }));
		const changfeng = orgs.find((o) => o.name.includes('长风化工'))!;
		const jinggong = orgs.find((o) => o.name.includes('渝北精工'))!;
		expect((await platform.get(`/accounts?org=${changfeng.id}`)).status).toBe(200);
		expect(await (await platform.get(`/accounts?org=${changfeng.id}`)).text()).toContain('吴立新');
		expect((await enterprise.get(`/accounts?org=${changfeng.id}`)).status).toBe(404);
		expect((await enterprise.get('/accounts?org=abc')).status).toBe(404);
		const own = await (await enterprise.get(`/accounts?org=${jinggong.id}`)).text();
		expect(own).toContain('孙海涛');
		expect(own).not.toContain('吴立新');
		// a regulator role is not an enterprise's to give; an account of another organisation does not exist here
		const worker = /name="userId" value="(\d+)"/.exec(own.slice(own.indexOf('孙海涛')))![1]!;
		const grant = await enterprise.post('/accounts?/grant', { userId: worker, role: 'regulator' });
		expect(grant.status).toBe(403);
		const foreignUser = /name="userId" value="(\d+)"/.exec((await (await platform.get(`/accounts?org=${changfeng.id}`)).text()))![1]!;
		expect((await enterprise.post('/accounts?/disable', { userId: foreignUser })).status).toBe(404);
		expect((await enterprise.post('/accounts?/resetCode', { userId: foreignUser })).status).toBe(404);
		expect((await enterprise.post('/accounts?/create', { name: '假监管', mobile: '13912340001', role: 'regulator' })).status).toBe(400);
	});

	it('lets anyone apply at /register and shows the application only to its region\'s regulator and the platform admin', async () => {
		const anonymous = new Client(server.url);
		expect((await anonymous.get('/register')).status).toBe(200);
		expect((await anonymous.get('/register/status')).status).toBe(200);
		const creditCode = '91500112MA6TEN0002';
		const fix = creditCodeCheckChar(creditCode.slice(0, 17));
		const first17 = '11010519491231002';
		const applied = await anonymous.post('/register', {
			creditCode: creditCode.slice(0, 17) + fix,
			name: '租户测试注册企业',
			district: '500112',
			town: '500112001',
			industry: 'it_machinery',
			address: '渝北区双龙湖街道1号',
			contactName: '租户测',
			contactIdNumber: first17 + idNumberCheckChar(first17),
			contactMobile: '13977700001',
			contactRole: 'safety_manager'
		});
		expect(applied.status).toBe(200);
		expect(await applied.text()).toContain('已提交');

		const yubei = new Client(server.url);
		await yubei.login('13800000003', 'Anxun@2026');
		const list = await (await yubei.get('/regulator/registrations')).text();
		const id = Number(/href="\/regulator\/registrations\/(\d+)"/.exec(list)![1]);
		expect((await yubei.get(`/regulator/registrations/${id}`)).status).toBe(200);
		const changshou = new Client(server.url);
		await changshou.login('13800000010', 'Anxun@2026');
		expect(await (await changshou.get('/regulator/registrations')).text()).not.toContain('租户测试注册企业');
		expect((await changshou.get(`/regulator/registrations/${id}`)).status).toBe(404);
		expect((await changshou.post(`/regulator/registrations/${id}?/confirm`, {})).status).toBe(404);
		expect((await changshou.post(`/regulator/registrations/${id}?/refuse`, { reason: '越权' })).status).toBe(404);
		const admin = new Client(server.url);
		await admin.login('13800000001', 'Anxun@2026');
		expect((await admin.get(`/admin/registrations/${id}`)).status).toBe(200);
		// refusing needs a reason
		expect((await yubei.post(`/regulator/registrations/${id}?/refuse`, { reason: '' })).status).toBe(400);
		// a regulator cannot preview a merge with an enterprise outside its region
		const page = await (await yubei.get(`/regulator/enterprises/merge?keep=1&dup=999999`)).text();
		expect(page).toContain('只能合并本辖区内');
	});

	it('cannot switch to a membership of another user', async () => {
		const c = new Client(server.url);
		await c.login('13800000007', 'Anxun@2026');
		const r = await c.post('/account/role', { membership: '1' });
		expect(r.status).toBe(404);
	});

	it('answers bad login input with Chinese messages and never a 500', async () => {
		const c = new Client(server.url);
		const cases: [Record<string, string>, string][] = [
			[{ account: '', password: '' }, '请输入手机号或身份证号'],
			[{ account: '123', password: 'x' }, '账号格式不正确'],
			[{ account: 'x'.repeat(5000), password: 'x' }, '账号过长'],
			[{ account: '13800000007', password: 'x'.repeat(500) }, '密码过长'],
			[{ account: '13800000007', password: 'wrong' }, '账号或密码错误'],
			[{ account: '13912345678', password: 'wrong' }, '账号或密码错误']
		];
		for (const [form, message] of cases) {
			const r = await c.post('/login', form);
			expect(r.status, JSON.stringify(form).slice(0, 60)).toBe(400);
			expect(await r.text()).toContain(message);
		}
		const missing = await c.request('/login', { method: 'POST', body: new URLSearchParams({}), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
		expect(missing.status).toBe(400);
	});

	it('treats forged and over-long session cookies as signed out', async () => {
		for (const cookie of ['anxun_session=abc.def', `anxun_session=${'a'.repeat(32)}.${'b'.repeat(32)}`, `anxun_session=${'x'.repeat(5000)}`]) {
			const r = await fetch(`${server.url}/enterprise`, { headers: { cookie }, redirect: 'manual' });
			expect(r.status).toBe(303);
			expect(r.headers.get('location')).toBe('/login');
		}
	});

	it('shows an exam session to its institution admin and its assigned examiners only', async () => {
		const admin = new Client(server.url);
		await admin.login('13800000004', 'Anxun@2026');
		const form = (pairs: [string, string][]) => ({ method: 'POST', body: new URLSearchParams(pairs), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
		const banks = await (await admin.get('/institution/exams/blueprints/new')).text();
		const bankId = /name="bankIds" value="(\d+)"/.exec(banks)![1]!;
		const bp = await admin.request('/institution/exams/blueprints/new', form([
			['name', '租户测试组卷'], ['certificateType', 'training'], ['examKind', 'theory'], ['bankIds', bankId],
			['section_type', 'single'], ['section_count', '5'], ['section_points', '20'], ['section_title', ''], ['section_knowledge', ''], ['section_dmin', ''], ['section_dmax', ''],
			['multipleScoring', 'all_or_nothing'], ['durationMinutes', '30'], ['totalPoints', '100'], ['passMark', '60'], ['shuffleQuestions', 'none']
		]));
		expect(bp.status).toBe(303);
		const blueprintId = /blueprints\/(\d+)/.exec(bp.headers.get('location')!)![1]!;
		const created = await admin.request('/institution/exams/sessions/new', form([
			['name', '租户测试场次'], ['blueprintId', blueprintId], ['mode', 'online'], ['opensAt', '2030-01-01T09:00'], ['closesAt', '2030-01-01T10:00'],
			['paperMode', 'fixed'], ['maxAttempts', 'default'], ['reviewPolicy', 'score_only']
		]));
		expect(created.status).toBe(303);
		const sessionId = /sessions\/(\d+)/.exec(created.headers.get('location')!)![1]!;
		const pages = [`/institution/exams/sessions/${sessionId}`, `/institution/exams/sessions/${sessionId}/results`, `/institution/exams/sessions/${sessionId}/results.xlsx`, `/institution/exams/sessions/${sessionId}/console.json`];
		for (const p of pages) expect((await admin.get(p)).status, p).toBe(200);
		expect((await admin.get(`/institution/exams/blueprints/${blueprintId}`)).status).toBe(200);

		const examiner = new Client(server.url);
		await examiner.login('13800000005', 'Anxun@2026');
		for (const p of pages) expect((await examiner.get(p)).status, `unassigned examiner ${p}`).toBe(404);
		expect(await (await examiner.get('/institution/exams')).text()).not.toContain('租户测试场次');
		const examinerUser = /name="examinerIds" value="(\d+)"/.exec(await (await admin.get(`/institution/exams/sessions/${sessionId}`)).text())![1]!;
		expect((await admin.request(`/institution/exams/sessions/${sessionId}?/examiners`, form([['examinerIds', examinerUser]]))).status).toBe(200);
		for (const p of pages) expect((await examiner.get(p)).status, `assigned examiner ${p}`).toBe(200);
		expect(await (await examiner.get('/institution/exams')).text()).toContain('租户测试场次');
		// examiners proctor; they do not manage the roster
		expect((await examiner.request(`/institution/exams/sessions/${sessionId}?/addCandidates`, form([['idNumbers', '500115197803150011']]))).status).toBe(403);
		expect((await examiner.get(`/institution/exams/blueprints/${blueprintId}`)).status).toBe(403);

		const learner = new Client(server.url);
		await learner.login('13800000007', 'Anxun@2026');
		expect((await learner.get(`/institution/exams/sessions/${sessionId}`)).status).toBe(403);
		expect((await admin.get('/institution/exams/sessions/999999')).status).toBe(404);
		expect((await admin.get('/institution/exams/attempts/999999')).status).toBe(404);
		expect((await admin.get('/institution/exams/sessions/abc')).status).toBe(404);
	});

	it('keeps a 督办 notice to the sending region and the enterprises it was sent to', async () => {
		const yubei = new Client(server.url);
		await yubei.login('13800000003', 'Anxun@2026');
		const targets = await (await yubei.get('/regulator/coverage')).text();
		const targetId = /href="\/regulator\/coverage\/(\d+)\?node=\w+">重点行业领域主要负责人、实际控制人、其他负责人全覆盖培训（2026年巩固）</.exec(targets)![1]!;
		const dashboard = await (await yubei.get(`/regulator/coverage/${targetId}?node=500112`)).text();
		const jinggong = /<label for="org-(\d+)"[^>]*>重庆渝北精工机械有限公司</.exec(dashboard)![1]!;
		const notice = { recipients: 'chosen', orgs: jinggong, title: '租户测试督办', body: '请按期整改并签收', deadline: '2099-12-31' };
		const action = `/regulator/coverage/${targetId}?/notify&node=500112`;

		// another district cannot send from 渝北区's node, nor 渝北区 to an enterprise of 长寿区
		const changshou = new Client(server.url);
		await changshou.login('13800000010', 'Anxun@2026');
		expect((await changshou.post(action, notice)).status).toBe(404);
		const city = new Client(server.url);
		await city.login('13800000002', 'Anxun@2026');
		const enterprises = await (await city.get('/regulator/enterprises')).text();
		const changfeng = /href="\/regulator\/enterprises\/(\d+)">重庆长风化工有限公司</.exec(enterprises)![1]!;
		const refused = await yubei.post(action, { ...notice, orgs: changfeng });
		expect(refused.status).toBe(400);
		expect(await refused.text()).toContain('不在渝北区该目标的未达标名单中');
		expect((await yubei.post(action, { ...notice, orgs: 'abc' })).status).toBe(400);

		const sent = await yubei.post(action, notice);
		expect(sent.status).toBe(303);
		const id = /\/regulator\/notices\/(\d+)/.exec(sent.headers.get('location')!)![1]!;
		expect((await yubei.get(`/regulator/notices/${id}`)).status).toBe(200);
		expect((await yubei.get(`/regulator/notices/${id}/export`)).headers.get('content-type')).toContain('spreadsheetml');
		expect((await changshou.get(`/regulator/notices/${id}`)).status).toBe(404);
		expect((await changshou.get(`/regulator/notices/${id}/export`)).status).toBe(404);
		expect(await (await changshou.get('/regulator/notices')).text()).not.toContain('租户测试督办');
		expect((await city.get(`/regulator/notices/${id}`)).status).toBe(200);
		expect((await yubei.get('/regulator/notices/abc')).status).toBe(404);
		expect((await yubei.get('/regulator/notices/999999')).status).toBe(404);

		// the enterprise it was sent to sees and acknowledges it; another enterprise gets 404 for both
		const own = new Client(server.url);
		await own.login('13800000006', 'Anxun@2026');
		const foreign = new Client(server.url); // 长风化工
		if ((await foreign.post('/login', { account: '13800000009', password: 'Anxun@2026' })).status !== 303) await foreign.login('13800000009', 'Changed2026');
		if ((await foreign.get('/enterprise')).headers.get('location') === '/account/password') {
			await foreign.post('/account/password', { current: 'Anxun@2026', next: 'Changed2026', confirm: 'Changed2026' });
		}
		expect((await foreign.get(`/enterprise/notices/${id}`)).status).toBe(404);
		expect((await foreign.post(`/enterprise/notices/${id}?/acknowledge`, { note: '冒名签收' })).status).toBe(404);
		expect(await (await foreign.get('/enterprise/notices')).text()).not.toContain('租户测试督办');
		expect(await (await own.get('/enterprise/notices')).text()).toContain('租户测试督办');
		expect((await own.get(`/enterprise/notices/${id}`)).status).toBe(200);
		expect((await own.post(`/enterprise/notices/${id}?/acknowledge`, { note: '已安排培训' })).status).toBe(200);
		expect((await own.post(`/enterprise/notices/${id}?/acknowledge`, { note: '再次签收' })).status).toBe(400);
		expect(await (await yubei.get(`/regulator/notices/${id}`)).text()).toContain('已安排培训');
	});

	it('answers every endpoint by its classification: anonymous, wrong role, right role, foreign ids', async () => {
		const login = async (account: string): Promise<Client> => {
			const c = new Client(server.url);
			// 13800000009 must change the initial password (an earlier test may have done it already)
			if ((await c.post('/login', { account, password: 'Anxun@2026' })).status !== 303) await c.login(account, 'Changed2026');
			else if ((await c.get('/enterprise')).headers.get('location') === '/account/password') {
				expect((await c.post('/account/password', { current: 'Anxun@2026', next: 'Changed2026', confirm: 'Changed2026' })).status).toBe(303);
			}
			return c;
		};
		const send = (c: Client, method: Method, path: string) =>
			c.request(path, method === 'GET' ? { method } : { method, body: '{}', headers: { 'content-type': 'application/json' } });
		const byRole = new Map<Role, Client>();
		for (const a of demoAccounts) {
			if (a.account === '13800000009' || byRole.has(a.role as Role)) continue;
			byRole.set(a.role as Role, await login(a.account));
		}
		const anonymous = new Client(server.url);
		const failures: string[] = [];
		const expectStatus = (label: string, status: number, ok: (s: number) => boolean) => {
			if (!ok(status)) failures.push(`${label} → ${status}`);
		};
		for (const [id, e] of Object.entries(ENDPOINTS)) {
			const path = e.path.replace('{id}', e.path.includes('/banks/') ? 'no-such-bank' : '999999');
			for (const method of e.methods) {
				const anon = await send(anonymous, method, path);
				await anon.body?.cancel();
				if (e.kind === 'public') {
					expectStatus(`anonymous ${method} ${id}`, anon.status, (s) => s < 500 && s !== 401 && s !== 403 && s !== 303);
					continue;
				}
				if (e.kind === 'secret') {
					expectStatus(`wrong secret ${method} ${id}`, anon.status, (s) => s === 403 || s === 404);
					continue;
				}
				// anonymous: 401 from an API, the login page from a page-style endpoint
				expectStatus(`anonymous ${method} ${id}`, anon.status, (s) => s === 401 || (s === 303 && anon.headers.get('location') === '/login'));
				for (const [role, c] of byRole) {
					const r = await send(c, method, path);
					await r.body?.cancel();
					if (!e.allowed.includes(role)) expectStatus(`${role} ${method} ${id}`, r.status, (s) => s === 403);
					else if (e.kind === 'role') expectStatus(`${role} ${method} ${id}`, r.status, (s) => (e.ok ? s === e.ok : s < 500 && s !== 401 && s !== 403));
					// a record that does not exist (nor belongs to the caller): 404, or 400 for a POST body refused first
					else expectStatus(`${role} ${method} ${path}`, r.status, (s) => s === 404 || (method === 'POST' && s === 400));
				}
			}
			// two tenants with the same role: no small id answers 200 to both (reads only)
			if (e.kind === 'tenant' && e.pair && e.methods.includes('GET')) {
				const [a, b] = await Promise.all(e.pair.map(login));
				for (let n = 1; n <= 12; n++) {
					const p = e.path.replace('{id}', String(n));
					const [ra, rb] = [await a!.get(p), await b!.get(p)];
					await Promise.all([ra.body?.cancel(), rb.body?.cancel()]);
					if (ra.status === 200 && rb.status === 200) failures.push(`${p}: 200 to both ${e.pair.join(' and ')}`);
					if (ra.status >= 500 || rb.status >= 500) failures.push(`${p}: ${ra.status}/${rb.status}`);
				}
			}
		}
		expect(failures).toEqual([]);
	}, 300_000);

	it('reports health', async () => {
		expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true, db: 'pglite', migrations: Object.keys(migrations).length });
	});
});
