// Certificate rules as data: validity, 复审 and renewal, each with the dates it applies from and
// to and the article it rests on (only articles read in ../shared/sources; FACTS.md §3–§5).
// Dates are calendar dates, China Standard Time (YYYY-MM-DD).
//
// Two switches matter:
// - Which validity rule a new certificate gets: the rule in force on its issue date.
// - Whether a 特种作业操作证 needs 复审: decided by the day the 复审 falls due. Under 19号令 "特种作业
//   操作证2026年6月1日以后需要复审的,按照新规定不再进行复审,到期后按要求换领新证" (press report,
//   FACTS §4), so a 复审 due before 2026-06-01 follows 30号令 and one due on or after it is dropped.

import { ROLE_CATEGORY_LABELS, type RoleCategory } from '../../domain/labels.ts';
import { CERTIFICATE_KIND_TITLES, certificateKindOfExamType, type CertificateKind } from '../../schemas/certificate-types.ts';

export { CERTIFICATE_KINDS, type CertificateKind } from '../../schemas/certificate-types.ts';

/** The certificates' full titles (signed into the payload); short names are CERTIFICATE_KIND_NAMES. */
export const CERTIFICATE_KIND_LABELS: Record<CertificateKind, string> = CERTIFICATE_KIND_TITLES;

/** Letters in the certificate number. */
export const CERTIFICATE_KIND_CODES: Record<CertificateKind, string> = { safety_knowledge: 'AQ', special_work: 'TZ', training: 'PX' };

/** Statutory certificates are approved and signed by the regulator (考核发证机关); training ones by the institution. */
export function isStatutory(kind: CertificateKind): boolean {
	return kind !== 'training';
}

/** exam_blueprints.certificate_type → the certificate a pass earns (null: none). */
export const certificateKindForBlueprint = certificateKindOfExamType;

export type RuleStatus = 'verified' | 'secondary' | 'unverified';
export const RULE_STATUS_LABELS: Record<RuleStatus, string> = { verified: '已核实（条文原文）', secondary: '二手资料', unverified: '未核实（配置项）' };

export type ValidityRule = {
	code: string;
	kind: CertificateKind;
	/** By issue date, inclusive; null = since before the platform / until further notice. */
	effectiveFrom: string | null;
	effectiveTo: string | null;
	validityMonths: number;
	/** 复审 interval; null = no 复审. */
	reviewIntervalMonths: number | null;
	/** Apply for renewal (延期/换证) at least this many days before expiry; null = not found. */
	renewApplyDaysBeforeExpiry: number | null;
	basisDoc: string;
	basisArticle: string;
	status: RuleStatus;
	/** True when the value is a setting an operator may change (e.g. via environment). */
	configurable: boolean;
	/** What the rule says, in plain words for users. */
	explanation: string;
	/** Sources and verification remarks: the platform operator's rules page only. */
	internalNote: string;
};

export type ReviewRule = {
	code: string;
	/** By the day the 复审 falls due, inclusive. */
	dueFrom: string | null;
	dueTo: string | null;
	required: boolean;
	intervalMonths: number | null;
	applyWindowDays: number | null;
	trainingHours: number | null;
	basisDoc: string;
	basisArticle: string;
	status: RuleStatus;
	explanation: string;
	internalNote: string;
};

export const ORDER_30 = '《特种作业人员安全技术培训考核管理规定》（原国家安全监管总局令第30号，2015年修正）';
export const ORDER_19 = '《特种作业人员安全技术培训考核管理规定》（应急管理部令第19号）';
export const ORDER_44 = '《安全生产培训管理办法》（原国家安全监管总局令第44号）';
const ORDER_44_SHORT = '《安全生产培训管理办法》';
const ORDER_30_SHORT = '《特种作业人员安全技术培训考核管理规定》';
export const LAST_DAY_30 = '2026-05-31';
export const FIRST_DAY_19 = '2026-06-01';
// article numbers not found: the basis names the document only (the internal note says so)
const NOT_FOUND = '';

export const DEFAULT_TRAINING_VALIDITY_MONTHS = 12;

/**
 * Who may hold each certificate type. 《安全生产培训管理办法》第二十三条: 主要负责人和安全生产管理人员
 * get the 安全合格证, 特种作业人员 the 特种作业操作证, other persons a 培训合格证.
 */
export type HolderRule = {
	kind: CertificateKind;
	/** null: anyone may hold it. */
	categories: RoleCategory[] | null;
	/** 特种作业: the certificate's 操作项目 must be the one registered on the person. */
	operationMustMatch: boolean;
	/** Plain basis for users. */
	basis: string;
	status: RuleStatus;
	/** For the platform operator only (admin rules page). */
	internalNote: string;
};

export const CERTIFICATE_HOLDERS: Record<CertificateKind, HolderRule> = {
	safety_knowledge: {
		kind: 'safety_knowledge',
		categories: ['principal', 'controller', 'safety_manager'],
		operationMustMatch: false,
		basis: `${ORDER_44_SHORT}第二十三条；《中华人民共和国安全生产法》第二十七条`,
		status: 'verified',
		internalNote: '第二十三条原文为主要负责人、安全生产管理人员；实际控制人按主要负责人对待是平台的设定（未见条文），其他负责人不在此列。来源：FACTS.md §5、§1。'
	},
	special_work: {
		kind: 'special_work',
		categories: ['special_worker'],
		operationMustMatch: true,
		basis: `${ORDER_44_SHORT}第二十三条；${ORDER_30_SHORT}第五条`,
		status: 'verified',
		internalNote: '操作项目取人员登记的作业类别/操作项目；批准时按人员当前登记再核对一次。来源：FACTS.md §3、§5。'
	},
	training: {
		kind: 'training',
		categories: null,
		operationMustMatch: false,
		basis: `${ORDER_44_SHORT}第二十三条`,
		status: 'unverified',
		internalNote: '第二十三条原文为“其他人员经培训合格后，颁发培训合格证”；平台对所有人员类别开放（非高危行业的负责人等也参加培训），须由发证机构确认。来源：FACTS.md §5。'
	}
};

/**
 * Why this person may not hold a certificate of `kind` (null: may). `operationCode` is the
 * certificate's 操作项目 (at approval); without it the person's registered one is used.
 */
export function holderMismatch(kind: CertificateKind, person: { roleCategory: RoleCategory; specialOperationCode: string | null }, operationCode?: string | null): string | null {
	const rule = CERTIFICATE_HOLDERS[kind];
	const label = CERTIFICATE_KIND_LABELS[kind];
	if (rule.categories && !rule.categories.includes(person.roleCategory)) {
		const actual = ROLE_CATEGORY_LABELS[person.roleCategory];
		const allowed = rule.categories.map((c) => ROLE_CATEGORY_LABELS[c]).join('、');
		return `人员类别为“${actual}”，${label}只发给${allowed}（${rule.basis}）`;
	}
	if (rule.operationMustMatch) {
		if (!person.specialOperationCode) return '人员未登记特种作业类别/操作项目';
		if (operationCode !== undefined && operationCode !== person.specialOperationCode) return `申请的操作项目（${operationCode ?? '无'}）与人员登记的操作项目（${person.specialOperationCode}）不一致`;
	}
	return null;
}


export function validityRules(config: { trainingValidityMonths?: number } = {}): ValidityRule[] {
	return [
		{
			code: 'safety-knowledge-44',
			kind: 'safety_knowledge',
			effectiveFrom: null,
			effectiveTo: null,
			validityMonths: 36,
			reviewIntervalMonths: null,
			renewApplyDaysBeforeExpiry: 30,
			basisDoc: ORDER_44,
			basisArticle: '第二十五条',
			status: 'verified',
			configurable: false,
			explanation: '“安全合格证的有效期为3年。有效期届满需要延期的，应当于有效期届满30日前向原发证部门申请办理延期手续。”另：主要负责人、安全生产管理人员每年须再培训（《生产经营单位安全培训规定》第九条：不少于12学时，高危行业不少于16学时）。',
			internalNote: '条文原文已读（FACTS.md §5、§2）。'
		},
		{
			code: 'special-work-30',
			kind: 'special_work',
			effectiveFrom: null,
			effectiveTo: LAST_DAY_30,
			validityMonths: 72,
			reviewIntervalMonths: 36,
			renewApplyDaysBeforeExpiry: 60,
			basisDoc: ORDER_30,
			basisArticle: '第十九条、第二十一条',
			status: 'verified',
			configurable: false,
			explanation: '“特种作业操作证有效期为6年，在全国范围内有效。”“特种作业操作证每3年复审1次。”连续从事本工种10年以上、严格守法的，经同意复审时间可延长至每6年1次（第二十一条），由监管人员在复审时选择。',
			internalNote: '条文原文已读（FACTS.md §3）。'
		},
		{
			code: 'special-work-19',
			kind: 'special_work',
			effectiveFrom: FIRST_DAY_19,
			effectiveTo: null,
			validityMonths: 72,
			reviewIntervalMonths: null,
			renewApplyDaysBeforeExpiry: null,
			basisDoc: ORDER_19,
			basisArticle: NOT_FOUND,
			status: 'secondary',
			configurable: false,
			explanation: '自2026年6月1日起，特种作业操作证每3年复审改为每6年换证。',
			internalNote: '未查到19号令原文，依据为应急管理部新闻发布会报道（FACTS §4）：“将特种作业操作证每3年复审改为每6年换证”。条款号与换证的申请期限未查到（未核实）。'
		},
		{
			code: 'training-config',
			kind: 'training',
			effectiveFrom: null,
			effectiveTo: null,
			validityMonths: config.trainingValidityMonths ?? DEFAULT_TRAINING_VALIDITY_MONTHS,
			reviewIntervalMonths: null,
			renewApplyDaysBeforeExpiry: null,
			basisDoc: ORDER_44,
			basisArticle: '第二十三条',
			status: 'unverified',
			configurable: true,
			explanation: '“其他人员经培训合格后，颁发培训合格证。”有效期由发证的培训机构确定。',
			internalNote: '44号令第二十三条未规定培训合格证的有效期。有效期是配置项（环境变量 ANXUN_TRAINING_CERT_MONTHS，默认12个月，对应每年再培训），须由发证机构确认（未核实）。'
		}
	];
}

export const REVIEW_RULES: ReviewRule[] = [
	{
		code: 'special-work-review-30',
		dueFrom: null,
		dueTo: LAST_DAY_30,
		required: true,
		intervalMonths: 36,
		applyWindowDays: 60,
		trainingHours: 8,
		basisDoc: ORDER_30,
		basisArticle: '第二十一条至第二十三条、第二十六条',
		status: 'verified',
		explanation: '期满前60日内申请复审（第二十二条）；复审前安全培训不少于8个学时并考试合格（第二十三条）；未按期复审的，特种作业操作证失效（第二十六条）。',
		internalNote: '条文原文已读（FACTS.md §3）。'
	},
	{
		code: 'special-work-review-19',
		dueFrom: FIRST_DAY_19,
		dueTo: null,
		required: false,
		intervalMonths: null,
		applyWindowDays: null,
		trainingHours: null,
		basisDoc: ORDER_19,
		basisArticle: NOT_FOUND,
		status: 'secondary',
		explanation: '特种作业操作证2026年6月1日以后需要复审的，不再进行复审，到期后换领新证。',
		internalNote: '“特种作业操作证2026年6月1日以后需要复审的，按照新规定不再进行复审，到期后按要求换领新证”（新闻发布会报道，FACTS §4，待原文核实）。'
	}
];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function assertDate(date: string, what = '日期'): void {
	if (!DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw new Error(`${what}应为 YYYY-MM-DD 格式的日期，收到“${date}”`);
}

/** Calendar months later; the 31st becomes the month's last day when the month is shorter. */
export function addMonths(date: string, months: number): string {
	assertDate(date);
	const [y, m, d] = date.split('-').map(Number) as [number, number, number];
	const target = new Date(Date.UTC(y, m - 1 + months, 1));
	const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
	target.setUTCDate(Math.min(d, last));
	return target.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
	assertDate(date);
	return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const inRange = (date: string, from: string | null, to: string | null) => (from === null || from <= date) && (to === null || date <= to);

export function findValidityRule(kind: CertificateKind, issuedOn: string, config: { trainingValidityMonths?: number } = {}): ValidityRule {
	assertDate(issuedOn, '发证日期');
	const rule = validityRules(config).find((r) => r.kind === kind && inRange(issuedOn, r.effectiveFrom, r.effectiveTo));
	if (!rule) throw new Error(`没有适用于${CERTIFICATE_KIND_LABELS[kind]}（${issuedOn}）的有效期规则`);
	return rule;
}

export function findReviewRule(due: string): ReviewRule {
	assertDate(due, '复审日期');
	return REVIEW_RULES.find((r) => inRange(due, r.dueFrom, r.dueTo))!;
}

/** The review due after `from` under `intervalMonths`, or null when none is required (new regime, or past expiry). */
export function nextReviewDue(from: string, intervalMonths: number | null, validUntil: string): string | null {
	if (intervalMonths === null) return null;
	const due = addMonths(from, intervalMonths);
	if (due >= validUntil) return null;
	return findReviewRule(due).required ? due : null;
}

export type IssueTerms = { rule: ValidityRule; validUntil: string; nextReviewDue: string | null };

/** valid_until is the last day of validity (inclusive): 2026-12-01 + 3 years → 2029-11-30. */
export function termsOnIssue(kind: CertificateKind, issuedOn: string, config: { trainingValidityMonths?: number } = {}): IssueTerms {
	const rule = findValidityRule(kind, issuedOn, config);
	const validUntil = addDays(addMonths(issuedOn, rule.validityMonths), -1);
	return { rule, validUntil, nextReviewDue: nextReviewDue(issuedOn, rule.reviewIntervalMonths, validUntil) };
}

export type ReviewOutcome = { rule: ReviewRule; nextReviewDue: string | null };

/**
 * A 复审 passed: the next one falls due one interval after the one just done (30号令 第二十一条), or
 * two intervals when the regulator grants the 10-year extension. Refused when no 复审 is due under
 * the rule of its due date (19号令), or the certificate has expired.
 */
export function reviewPassed(cert: { validUntil: string; nextReviewDue: string | null }, reviewedOn: string, opts: { extended?: boolean } = {}): ReviewOutcome {
	assertDate(reviewedOn, '复审日期');
	if (!cert.nextReviewDue) throw new Error('该证书没有待办的复审（19号令施行后不再复审，到期换证）');
	const rule = findReviewRule(cert.nextReviewDue);
	if (!rule.required) throw new Error(`该证书的复审日 ${cert.nextReviewDue} 在 ${FIRST_DAY_19} 之后，按19号令不再复审，到期换证`);
	if (reviewedOn > cert.validUntil) throw new Error('证书已过有效期，不能复审，须重新考核换证');
	const interval = (rule.intervalMonths ?? 36) * (opts.extended ? 2 : 1);
	return { rule, nextReviewDue: nextReviewDue(cert.nextReviewDue, interval, cert.validUntil) };
}

export type CertificateFacts = {
	status: 'proposed' | 'issued' | 'rejected' | 'revoked' | string;
	issuedOn: string | null;
	validUntil: string | null;
	nextReviewDue: string | null;
	revokeReason?: string | null;
};

export type PublicStatus = 'valid' | 'expired' | 'review_due' | 'revoked' | 'not_found';
export const PUBLIC_STATUS_LABELS: Record<PublicStatus, string> = { valid: '有效', expired: '已过期', review_due: '待复审', revoked: '已撤销', not_found: '不存在' };

/**
 * The status shown to the public on `date`. A revoked certificate is never 有效; proposed or rejected
 * ones do not exist publicly. 待复审: a 30号令 复审 date has passed without a 复审 on record.
 */
export function publicStatusOn(cert: CertificateFacts | null, date: string): { status: PublicStatus; note: string | null } {
	assertDate(date);
	if (!cert || (cert.status !== 'issued' && cert.status !== 'revoked')) return { status: 'not_found', note: null };
	if (cert.status === 'revoked') return { status: 'revoked', note: cert.revokeReason ?? null };
	if (!cert.issuedOn || !cert.validUntil) return { status: 'not_found', note: null };
	if (date > cert.validUntil) return { status: 'expired', note: `有效期至 ${cert.validUntil}` };
	if (date < cert.issuedOn) return { status: 'not_found', note: null };
	if (cert.nextReviewDue && findReviewRule(cert.nextReviewDue).required) {
		if (date > cert.nextReviewDue) return { status: 'review_due', note: `应于 ${cert.nextReviewDue} 前复审，逾期未复审（${ORDER_30}第二十六条：未按期复审的，特种作业操作证失效）` };
		if (daysBetween(date, cert.nextReviewDue) <= 60) return { status: 'valid', note: `复审申请期：应于 ${cert.nextReviewDue} 前复审（第二十二条）` };
	}
	return { status: 'valid', note: null };
}

/** Whether a certificate counts as valid on `date` — the same test the coverage reports use. */
export function isValidOn(cert: CertificateFacts, date: string): boolean {
	return cert.status === 'issued' && !!cert.issuedOn && !!cert.validUntil && cert.issuedOn <= date && cert.validUntil >= date;
}

export type CertificateConfig = { trainingValidityMonths: number; verifyLimitPerMinute: number; publicBaseUrl: string | null };

export function certificateConfigFromEnv(env: Record<string, string | undefined>): CertificateConfig {
	const int = (name: string, fallback: number, min: number, max: number) => {
		const raw = env[name];
		if (raw === undefined || raw === '') return fallback;
		const n = Number(raw);
		if (!Number.isInteger(n) || n < min || n > max) throw new Error(`环境变量 ${name} 应为 ${min}–${max} 的整数，收到“${raw}”`);
		return n;
	};
	return {
		trainingValidityMonths: int('ANXUN_TRAINING_CERT_MONTHS', DEFAULT_TRAINING_VALIDITY_MONTHS, 1, 120),
		verifyLimitPerMinute: int('ANXUN_VERIFY_LIMIT_PER_MINUTE', 30, 1, 1_000_000),
		publicBaseUrl: env.ANXUN_PUBLIC_URL ? env.ANXUN_PUBLIC_URL.replace(/\/+$/, '') : null
	};
}

/** The rules as users see them: plain basis and explanation, no verification status or source notes. */
export function rulesForUsers(config: { trainingValidityMonths?: number } = {}) {
	return {
		rules: validityRules(config).map(({ internalNote: _n, status: _s, configurable: _c, ...r }) => r),
		reviewRules: REVIEW_RULES.map(({ internalNote: _n, status: _s, ...r }) => r)
	};
}
