import { EDUCATION_LABELS, EXEMPTION_LABELS, type Education, type Exemption } from '../../domain/so-application.ts';

// 特种作业 eligibility (资格审查) as data: each rule carries the dates it applies and the source
// it comes from, so the regime switch of 2026-06-01 (30号令 → 19号令, FACTS.md §0.1 C1) is a row,
// not a branch in code. Pure: the date to judge on is an argument.

export type Regime = 'order30' | 'order19';
export const REGIME_SWITCH = '2026-06-01';

/** Which rule text governs on a date (YYYY-MM-DD, Beijing). */
export function regimeOn(date: string): Regime {
	return date < REGIME_SWITCH ? 'order30' : 'order19';
}

export type Source = {
	/** a file id in /work/shared/sources (see question-banks/sources/sources.yaml) or a citation */
	ref: string;
	/** 法条 = wording read; 二手 = secondary report; 未核实 = configurable default, not read anywhere */
	status: '法条' | '二手' | '未核实';
};

export { EDUCATION_LABELS, EXEMPTION_LABELS, type Education, type Exemption };

// 中专/职高/技校 count as 相当于高中 (30号令 第四条第二款 "高中或者相当于高中").
const EDUCATION_RANK: Record<Education, number> = { primary: 1, junior: 2, senior: 3, vocational: 3, college: 4, bachelor: 5, postgraduate: 6 };

const ORDER30: Source = { ref: 'tezhong-zuoye-renyuan-anquan-jishu-peixun-kaohe-guanli-guiding-30hao', status: '法条' };

type Dated = { from: string | null; until: string | null };

/** Minimum education per category (null category = every other category); null minimum = none required. */
export type EducationRule = Dated & { category: string | null; minimum: Education | null; cite: string; source: Source };

export const EDUCATION_RULES: readonly EducationRule[] = [
	// 30号令 第四条（三）and 第二款
	{ from: null, until: '2026-05-31', category: '危险化学品安全作业', minimum: 'senior', cite: '30号令 第四条第二款', source: ORDER30 },
	{ from: null, until: '2026-05-31', category: '煤矿安全作业', minimum: 'senior', cite: '应急管理部公告2018年第12号', source: { ref: 'FACTS.md §3（hzzrcy.com 转载）', status: '二手' } },
	{ from: null, until: '2026-05-31', category: null, minimum: 'junior', cite: '30号令 第四条（三）', source: ORDER30 },
	// 19号令: text not found; press reports and the draft (FACTS.md §4) only
	{ from: '2026-06-01', until: null, category: '电工作业', minimum: null, cite: '19号令（报道）', source: { ref: 'FACTS.md §4', status: '二手' } },
	{ from: '2026-06-01', until: null, category: '焊接与热切割作业', minimum: null, cite: '19号令（报道）', source: { ref: 'FACTS.md §4', status: '二手' } },
	{ from: '2026-06-01', until: null, category: '高处作业', minimum: null, cite: '19号令（报道）', source: { ref: 'FACTS.md §4', status: '二手' } },
	{ from: '2026-06-01', until: null, category: '危险化学品安全作业', minimum: 'senior', cite: '19号令征求意见稿；应急管理部公告2018年第12号', source: { ref: 'FACTS.md §3–§4', status: '二手' } },
	{ from: '2026-06-01', until: null, category: '煤矿安全作业', minimum: 'senior', cite: '应急管理部公告2018年第12号', source: { ref: 'FACTS.md §3', status: '二手' } },
	{ from: '2026-06-01', until: null, category: null, minimum: 'junior', cite: '19号令征求意见稿', source: { ref: 'FACTS.md §4', status: '二手' } }
];

export type AgeRule = Dated & { minimum: number; cite: string; source: Source };

export const AGE_RULES: readonly AgeRule[] = [
	{ from: null, until: '2026-05-31', minimum: 18, cite: '30号令 第四条（一）', source: ORDER30 },
	// 19号令's article is not found; the age condition is assumed unchanged.
	{ from: '2026-06-01', until: null, minimum: 18, cite: '19号令（条文未见，沿用30号令 第四条（一））', source: { ref: 'FACTS.md §4', status: '未核实' } }
];

/**
 * 国家法定退休年龄 by sex. A configurable default: the figures are not in the sources read, and the
 * gradual raise decided in 2024 (渐进式延迟法定退休年龄) is not modelled. Marked 未核实.
 */
export type RetirementAges = { male: number; female: number; verified: false };
export const DEFAULT_RETIREMENT_AGES: RetirementAges = { male: 60, female: 50, verified: false };

export type ExemptionRule = Dated & { exemption: Exemption; cite: string; source: Source };

export const EXEMPTION_RULES: readonly ExemptionRule[] = [
	// 30号令 第九条第二款: 对口学历 with the 考核发证机关's consent — the reviewer decides on the evidence
	{ from: null, until: null, exemption: 'relevant_education', cite: '30号令 第九条第二款', source: ORDER30 },
	{ from: '2026-06-01', until: null, exemption: 'skill_certificate', cite: '19号令（报道：持有职业技能等级证书不再进行安全技术培训）', source: { ref: 'FACTS.md §4', status: '二手' } }
];

export const HEALTH_DECLARATION = { version: '2018-12', cite: '应急管理部公告2018年第12号（个人健康书面承诺）', source: { ref: 'FACTS.md §3', status: '二手' } as Source };

function applies(rule: Dated, date: string): boolean {
	return (rule.from === null || date >= rule.from) && (rule.until === null || date <= rule.until);
}

export type Finding = { code: string; ok: boolean; message: string; cite: string; status: Source['status'] };
export type Verdict = { ok: boolean; regime: Regime; on: string; findings: Finding[] };

export type EligibilityInput = {
	/** the date judged on (application date, or the exam date when scheduling) */
	on: string;
	idNumber: string;
	/** the catalogue category of the operation item (special_operations.category) */
	category: string;
	education: Education | null;
	healthDeclared: boolean;
	exemption: Exemption;
	hasExemptionEvidence: boolean;
	retirement?: RetirementAges;
};

/** Birth date (YYYY-MM-DD) and sex from an 18-digit 身份证号 (GB 11643); null when unreadable. */
export function birthFromIdNumber(idNumber: string): { birthDate: string; sex: 'male' | 'female' } | null {
	const m = /^\d{6}(\d{4})(\d{2})(\d{2})\d{2}(\d)[\dX]$/.exec(idNumber);
	if (!m) return null;
	return { birthDate: `${m[1]}-${m[2]}-${m[3]}`, sex: Number(m[4]) % 2 === 1 ? 'male' : 'female' };
}

/** Full years between a birth date and a date (both YYYY-MM-DD). */
export function ageOn(birthDate: string, on: string): number {
	const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
	const [y, m, d] = on.split('-').map(Number) as [number, number, number];
	return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The age findings alone: scheduling checks them again on the exam date. */
export function checkAge(idNumber: string, on: string, retirement: RetirementAges = DEFAULT_RETIREMENT_AGES): Finding[] {
	const rule = AGE_RULES.find((r) => applies(r, on))!;
	const birth = birthFromIdNumber(idNumber);
	if (!birth) return [{ code: 'age', ok: false, message: '身份证号无法读出出生日期，无法判断年龄条件', cite: rule.cite, status: rule.source.status }];
	const age = ageOn(birth.birthDate, on);
	const out: Finding[] = [];
	out.push(
		age >= rule.minimum
			? { code: 'age_min', ok: true, message: `${on} 时年满 ${age} 周岁`, cite: rule.cite, status: rule.source.status }
			: { code: 'age_min', ok: false, message: `${on} 时未满${rule.minimum}周岁（${age} 周岁），不符合年龄条件`, cite: rule.cite, status: rule.source.status }
	);
	const limit = birth.sex === 'male' ? retirement.male : retirement.female;
	const sexLabel = birth.sex === 'male' ? '男' : '女';
	const cite = `${rule.cite}：不超过国家法定退休年龄（按${sexLabel}${limit}周岁，可配置，未核实）`;
	out.push(
		age < limit
			? { code: 'age_max', ok: true, message: `${on} 时未超过法定退休年龄`, cite, status: '未核实' }
			: { code: 'age_max', ok: false, message: `${on} 时已 ${age} 周岁，超过国家法定退休年龄（${sexLabel}${limit}周岁）`, cite, status: '未核实' }
	);
	return out;
}

export function educationRuleFor(category: string, on: string): EducationRule {
	const dated = EDUCATION_RULES.filter((r) => applies(r, on));
	return dated.find((r) => r.category === category) ?? dated.find((r) => r.category === null)!;
}

/** Every rule judged; the application may be submitted only when all pass. */
export function checkEligibility(input: EligibilityInput): Verdict {
	const regime = regimeOn(input.on);
	const findings: Finding[] = [...checkAge(input.idNumber, input.on, input.retirement)];

	const edu = educationRuleFor(input.category, input.on);
	if (edu.minimum === null) {
		findings.push({ code: 'education', ok: true, message: `${input.category}不要求文化程度`, cite: edu.cite, status: edu.source.status });
	} else if (input.education === null) {
		findings.push({ code: 'education', ok: false, message: `请填写文化程度（${input.category}要求${EDUCATION_LABELS[edu.minimum]}及以上）`, cite: edu.cite, status: edu.source.status });
	} else {
		const ok = EDUCATION_RANK[input.education] >= EDUCATION_RANK[edu.minimum];
		findings.push({
			code: 'education',
			ok,
			message: ok
				? `文化程度${EDUCATION_LABELS[input.education]}，符合${EDUCATION_LABELS[edu.minimum]}及以上的要求`
				: `文化程度${EDUCATION_LABELS[input.education]}，${input.category}要求${EDUCATION_LABELS[edu.minimum]}或相当于${EDUCATION_LABELS[edu.minimum]}及以上`,
			cite: edu.cite,
			status: edu.source.status
		});
	}

	findings.push(
		input.healthDeclared
			? { code: 'health', ok: true, message: '已作个人健康书面承诺', cite: HEALTH_DECLARATION.cite, status: HEALTH_DECLARATION.source.status }
			: { code: 'health', ok: false, message: '请勾选个人健康书面承诺', cite: HEALTH_DECLARATION.cite, status: HEALTH_DECLARATION.source.status }
	);

	if (input.exemption !== 'none') {
		const rule = EXEMPTION_RULES.find((r) => r.exemption === input.exemption && applies(r, input.on));
		if (!rule) {
			const from = EXEMPTION_RULES.find((r) => r.exemption === input.exemption)!;
			findings.push({ code: 'exemption', ok: false, message: `${EXEMPTION_LABELS[input.exemption]}自 ${from.from} 起适用，${input.on} 不能申请`, cite: from.cite, status: from.source.status });
		} else if (!input.hasExemptionEvidence) {
			findings.push({ code: 'exemption', ok: false, message: `申请${EXEMPTION_LABELS[input.exemption]}须上传证明材料`, cite: rule.cite, status: rule.source.status });
		} else {
			findings.push({ code: 'exemption', ok: true, message: `申请${EXEMPTION_LABELS[input.exemption]}，证明材料待机构审查`, cite: rule.cite, status: rule.source.status });
		}
	}
	return { ok: findings.every((f) => f.ok), regime, on: input.on, findings };
}

/** One line per failed rule, naming the rule and its source, for a form error. */
export function describeRefusals(verdict: Verdict): string[] {
	return verdict.findings.filter((f) => !f.ok).map((f) => `${f.message}（依据：${f.cite}${f.status === '法条' ? '' : `，${f.status}`}）`);
}
