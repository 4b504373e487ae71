import type { Role } from '../../domain/labels.ts';
import { UPLOAD_LIMITS } from '../files/upload.ts';
import { IMAGE_MAX_BYTES, PHOTO_MAX_BYTES } from '../special-ops/photo.ts';
import { EVIDENCE_MAX_BYTES } from '../special-ops/practical-service.ts';
import { EXCHANGE_MAX_BYTES } from '../special-ops/exchange/format.ts';

// How large a request body each route accepts, decided from the headers and the session alone,
// before a byte of the body is read (src/hooks.server.ts enforces it). Anonymous clients only
// ever get ANONYMOUS_BODY_LIMIT; a large body is accepted only from a validated session whose
// current role may use that route. scripts/serve.mjs keeps adapter-node's BODY_SIZE_LIMIT at the
// largest entry as a last line.

const KB = 1024;
const MB = 1024 * 1024;

/** Login, activation, logout and every other form an anonymous visitor can post. */
export const ANONYMOUS_BODY_LIMIT = 8 * KB;
/** Ordinary forms of signed-in users (the longest is a pasted candidate roster). */
export const FORM_BODY_LIMIT = 1 * MB;
/** What a multipart envelope adds to the file it carries (boundaries, other fields). */
const ENVELOPE = 64 * KB;
/** The spreadsheet imports' file limit (staff, enterprise directory, question bank). */
export const XLSX_UPLOAD_BYTES = 20 * MB;

/** A 特种作业 application's materials: the photo, two 身份证 images and the exemption evidence. */
const SO_MATERIALS_BYTES = PHOTO_MAX_BYTES + 3 * IMAGE_MAX_BYTES;

export type BodyRule = { route: string; limit: number; roles: readonly Role[]; what: string };

/** Routes whose bodies may be larger (or must be smaller) than FORM_BODY_LIMIT; keyed by route id. */
export const BODY_RULES: readonly BodyRule[] = [
	{ route: '/institution/courses/[id]/lessons/[lessonId]', limit: Math.max(UPLOAD_LIMITS.video.maxBytes, UPLOAD_LIMITS.pdf.maxBytes) + ENVELOPE, roles: ['institution_admin'], what: '课程视频或 PDF' },
	{ route: '/enterprise/courses/[id]/lessons/[lessonId]', limit: Math.max(UPLOAD_LIMITS.video.maxBytes, UPLOAD_LIMITS.pdf.maxBytes) + ENVELOPE, roles: ['enterprise_admin'], what: '课程视频或 PDF' },
	{ route: '/enterprise/staff/import', limit: XLSX_UPLOAD_BYTES + ENVELOPE, roles: ['enterprise_admin'], what: '人员名单 Excel' },
	{ route: '/regulator/enterprises/import', limit: XLSX_UPLOAD_BYTES + ENVELOPE, roles: ['regulator'], what: '企业名录 Excel' },
	{ route: '/institution/banks/[code]', limit: XLSX_UPLOAD_BYTES + ENVELOPE, roles: ['institution_admin'], what: '题库 Excel' },
	{ route: '/api/exam/sessions/[sessionId]/start', limit: 512 * KB, roles: ['learner'], what: '开考请求（含身份照片）' },
	{ route: '/api/exam/attempts/[attemptId]/snapshot', limit: 512 * KB, roles: ['learner'], what: '抓拍照片' },
	{ route: '/api/exam/attempts/[attemptId]/sync', limit: 64 * KB, roles: ['learner'], what: '答题同步' },
	{ route: '/api/exam/attempts/[attemptId]/submit', limit: 64 * KB, roles: ['learner'], what: '交卷' },
	{ route: '/enterprise/special-ops/[id]', limit: SO_MATERIALS_BYTES + ENVELOPE, roles: ['enterprise_admin'], what: '特种作业报名材料（证件照、身份证图片、证明材料）' },
	{ route: '/learner/special-ops', limit: SO_MATERIALS_BYTES + ENVELOPE, roles: ['learner'], what: '特种作业报名材料（证件照、身份证图片、证明材料）' },
	{ route: '/api/practical/[attemptId]/evidence', limit: EVIDENCE_MAX_BYTES + ENVELOPE, roles: ['examiner', 'institution_admin'], what: '实操考试现场照片或视频' },
	{ route: '/regulator/special-ops/exchange', limit: EXCHANGE_MAX_BYTES + ENVELOPE, roles: ['regulator'], what: '证书数据交换文件' },
	{ route: '/api/study/heartbeat', limit: 4 * KB, roles: ['learner'], what: '学习心跳' },
	{ route: '/api/study/check', limit: 4 * KB, roles: ['learner'], what: '学习确认' },
	{ route: '/api/study/face', limit: 900 * KB, roles: ['learner'], what: '学习人脸抓拍' },
	{ route: '/learner/face', limit: 2700 * KB, roles: ['learner'], what: '人脸登记照片（3 张）' },
	{ route: '/api/live/[id]/heartbeat', limit: 4 * KB, roles: ['learner'], what: '听课心跳' },
	{ route: '/api/live/[id]/rollcall', limit: 4 * KB, roles: ['learner'], what: '点名应答' },
	{ route: '/api/live/[id]/face', limit: 900 * KB, roles: ['learner'], what: '直播人脸抓拍' },
	{ route: '/api/live/[id]/questions', limit: 8 * KB, roles: ['learner'], what: '直播提问' }
];

const byRoute = new Map(BODY_RULES.map((r) => [r.route, r]));

/** The largest body any route accepts: adapter-node's outer limit. */
export const LARGEST_BODY_LIMIT = Math.max(...BODY_RULES.map((r) => r.limit));

/**
 * The most bytes this request may send. `role` is the current role of a validated session, or
 * null without one. A route with a rule accepts its limit only from its roles (others get the
 * anonymous limit: they will be refused anyway); other routes take ordinary forms.
 */
export function bodyLimitFor(routeId: string | null, role: Role | null): number {
	if (!role) return ANONYMOUS_BODY_LIMIT;
	const rule = routeId ? byRoute.get(routeId) : undefined;
	if (!rule) return FORM_BODY_LIMIT;
	return rule.roles.includes(role) ? rule.limit : Math.min(rule.limit, ANONYMOUS_BODY_LIMIT);
}

export function describeLimit(bytes: number): string {
	return bytes >= MB ? `${Math.round(bytes / MB)} MB` : `${Math.round(bytes / KB)} KB`;
}

export function tooLargeMessage(limit: number): string {
	return `请求内容过大（最大 ${describeLimit(limit)}）`;
}
