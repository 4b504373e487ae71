// Re-sit (补考) rules as data, with the dates they apply from and to. Dates are calendar dates
// (YYYY-MM-DD, China Standard Time — see shanghaiDate in #lib/domain/dates.ts).
//
// Which rule governs a re-sit: the one in force on the day the re-sit would be taken (`today`), not
// the day of the first attempt. Exam procedure follows the rule in force when the act happens, and
// the press reports on 19号令 say the retraining requirement is dropped for people who already
// failed the re-sit. This is our reading, not a confirmed transitional provision — see FACTS §4.

export const CERTIFICATE_TYPES = ['special_work', 'principal_or_safety_manager'] as const;
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];
export const CERTIFICATE_TYPE_LABELS: Record<CertificateType, string> = {
	special_work: '特种作业操作证',
	principal_or_safety_manager: '主要负责人和安全生产管理人员安全生产知识和管理能力考核'
};

export const EXAM_KINDS = ['theory', 'practical'] as const;
export type ExamKind = (typeof EXAM_KINDS)[number];
export const EXAM_KIND_LABELS: Record<ExamKind, string> = { theory: '理论考试', practical: '实际操作考试' };

/** What a candidate must do once the attempts are used up. */
export type AfterAttemptsUsed = 'retrain' | 'reapply_theory' | 'unspecified';

export type ResitRule = {
	code: string;
	certificateType: CertificateType;
	examKind: ExamKind;
	/** Inclusive; null = since before the platform. */
	effectiveFrom: string | null;
	/** Inclusive; null = until further notice. */
	effectiveTo: string | null;
	/** Attempts in one application, the first included (1 re-sit = 2); null = unlimited. */
	maxAttempts: number | null;
	afterAttemptsUsed: AfterAttemptsUsed | null;
	basisDoc: string;
	basisArticle: string;
	/** verified: wording read in a copy of the rule; secondary: press reports only. */
	status: 'verified' | 'secondary' | 'unverified';
	note: string;
};

const ORDER_30 = '《特种作业人员安全技术培训考核管理规定》（原国家安全监管总局令第30号，2015年修正）';
const ORDER_19 = '《特种作业人员安全技术培训考核管理规定》（应急管理部令第19号）';
const INTERIM_2013 = '《安全生产资格考试与证书管理暂行办法》（原国家安全监管总局，2013）';
const ARTICLE_NOT_FOUND = '条款号未查到';
const LAST_DAY_30 = '2026-05-31';
const FIRST_DAY_19 = '2026-06-01';
const WORDING_30 = '“考试不及格的，允许补考1次。经补考仍不及格的，重新参加相应的安全技术培训。”（FACTS §3）';
const PRESS_19 =
	'未查到19号令原文，依据为应急管理部新闻发布会报道（FACTS §4，二手资料，上线前须以 mem.gov.cn 原文核实）：“理论考试不限次数，实际操作考试由原来的1次增加为5次，经5次实际操作考试仍然不合格的，需重新报名参加理论考试，重新报名时不再需要参加培训”。';

export const RESIT_RULES: ResitRule[] = [
	{
		code: 'special-work-theory-30',
		certificateType: 'special_work',
		examKind: 'theory',
		effectiveFrom: null,
		effectiveTo: LAST_DAY_30,
		maxAttempts: 2,
		afterAttemptsUsed: 'retrain',
		basisDoc: ORDER_30,
		basisArticle: '第十三条',
		status: 'verified',
		note: `${WORDING_30}暂行办法第十条同为“允许补考一次”。`
	},
	{
		code: 'special-work-practical-30',
		certificateType: 'special_work',
		examKind: 'practical',
		effectiveFrom: null,
		effectiveTo: LAST_DAY_30,
		maxAttempts: 2,
		afterAttemptsUsed: 'retrain',
		basisDoc: ORDER_30,
		basisArticle: '第十三条',
		status: 'verified',
		note: `${WORDING_30}理论考试和实际操作考试各自计算。`
	},
	{
		code: 'special-work-theory-19',
		certificateType: 'special_work',
		examKind: 'theory',
		effectiveFrom: FIRST_DAY_19,
		effectiveTo: null,
		maxAttempts: null,
		afterAttemptsUsed: null,
		basisDoc: ORDER_19,
		basisArticle: ARTICLE_NOT_FOUND,
		status: 'secondary',
		note: PRESS_19
	},
	{
		code: 'special-work-practical-19',
		certificateType: 'special_work',
		examKind: 'practical',
		effectiveFrom: FIRST_DAY_19,
		effectiveTo: null,
		// "由原来的1次增加为5次" compares with the one re-sit of 30号令 (i.e. 1 + 5 = 6 attempts), while
		// "经5次实际操作考试仍然不合格" reads as 5 attempts in all. We take 5 in all until the text is read.
		maxAttempts: 5,
		afterAttemptsUsed: 'reapply_theory',
		basisDoc: ORDER_19,
		basisArticle: ARTICLE_NOT_FOUND,
		status: 'secondary',
		note: `${PRESS_19}“5次”按含首次考试在内共5次理解，待原文核实（也可能是首次考试外另有5次补考）。`
	},
	{
		code: 'leader-theory-2013',
		certificateType: 'principal_or_safety_manager',
		examKind: 'theory',
		effectiveFrom: null,
		effectiveTo: null,
		maxAttempts: 2,
		afterAttemptsUsed: 'unspecified',
		basisDoc: INTERIM_2013,
		basisArticle: '第十条',
		status: 'verified',
		note: '“考试不合格的，允许补考一次。考试合格成绩有效期为12个月。”（FACTS §3）补考仍不合格后如何处理，该办法未见规定；该办法的现行有效性未核实（FACTS §11）。'
	}
];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function assertDate(date: string, what: string): void {
	if (!DATE.test(date)) throw new Error(`${what}应为 YYYY-MM-DD 格式的日期，收到“${date}”`);
}

/** The rule in force on that date, or null when none applies (e.g. a practical exam for 主要负责人). */
export function findResitRule(certificateType: CertificateType, examKind: ExamKind, date: string): ResitRule | null {
	assertDate(date, '日期');
	return (
		RESIT_RULES.find(
			(r) =>
				r.certificateType === certificateType &&
				r.examKind === examKind &&
				(r.effectiveFrom === null || r.effectiveFrom <= date) &&
				(r.effectiveTo === null || date <= r.effectiveTo)
		) ?? null
	);
}

/** Attempts allowed in one application (first attempt included) under the rule in force on `date`; null = unlimited. */
export function attemptsAllowed(certificateType: CertificateType, examKind: ExamKind, date: string): number | null {
	const rule = findResitRule(certificateType, examKind, date);
	if (!rule) throw new Error(`没有适用于${CERTIFICATE_TYPE_LABELS[certificateType]}${EXAM_KIND_LABELS[examKind]}的补考规则`);
	return rule.maxAttempts;
}

/**
 * One candidate's attempts at one exam (certificate type, 作业类别 and exam kind) within the current
 * application. Retraining (30号令) or re-applying for the theory exam (19号令) starts a new application
 * and so an empty history.
 */
export type ExamHistory = {
	certificateType: CertificateType;
	examKind: ExamKind;
	attempts: readonly { date: string; passed: boolean }[];
};

export type ResitDecision =
	| { allowed: true; rule: ResitRule; attemptNumber: number; attemptsLeft: number | null }
	| { allowed: false; rule: ResitRule | null; reason: string };

/** Whether the candidate may re-sit on `today`; attemptsLeft counts the re-sit being asked for. */
export function canResit(history: ExamHistory, today: string): ResitDecision {
	assertDate(today, '今天的日期');
	for (const a of history.attempts) {
		assertDate(a.date, '考试日期');
		if (a.date > today) throw new Error(`考试记录的日期 ${a.date} 晚于今天 ${today}`);
	}
	const exam = `${CERTIFICATE_TYPE_LABELS[history.certificateType]}${EXAM_KIND_LABELS[history.examKind]}`;
	const rule = findResitRule(history.certificateType, history.examKind, today);
	if (!rule) return { allowed: false, rule: null, reason: `没有适用于${exam}的补考规则` };
	const used = history.attempts.length;
	if (used === 0) return { allowed: false, rule, reason: '尚未参加过考试，首次考试不属于补考' };
	if (history.attempts.some((a) => a.passed)) return { allowed: false, rule, reason: '考试已合格，无需补考' };
	if (rule.maxAttempts === null) return { allowed: true, rule, attemptNumber: used + 1, attemptsLeft: null };
	if (used < rule.maxAttempts) return { allowed: true, rule, attemptNumber: used + 1, attemptsLeft: rule.maxAttempts - used };

	// the rule's verification status is for the platform operator (/admin/rules), not for candidates
	const basis = `${rule.basisDoc}${rule.basisArticle === ARTICLE_NOT_FOUND ? '' : rule.basisArticle}`;
	const tried = used === 1 ? '已考 1 次，不合格' : `已考 ${used} 次（含补考 ${used - 1} 次），均不合格`;
	const next: Record<AfterAttemptsUsed, string> = {
		retrain: '须重新参加相应的安全技术培训后再申请考试',
		reapply_theory: '须重新报名参加理论考试（不再要求参加培训）',
		unspecified: '依据未规定其后的办法，请按考核机关要求重新报名'
	};
	return { allowed: false, rule, reason: `${EXAM_KIND_LABELS[history.examKind]}${tried}。按${basis}，${next[rule.afterAttemptsUsed ?? 'unspecified']}` };
}
