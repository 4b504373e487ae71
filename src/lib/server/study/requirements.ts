import type { RoleCategory } from '#lib/domain/labels.ts';

// The hour rules of FACTS.md as data. Seeded into training_requirements; every figure shown to
// a user comes with the regulation and article it rests on.
export type RequirementKind = 'initial' | 'annual' | 'pre_job' | 'special_review' | 'parameter';
export type RequirementRule = {
	code: string;
	title: string;
	role_categories: RoleCategory[];
	high_risk: boolean | null;
	kind: RequirementKind;
	hours: number;
	basis_doc: string;
	basis_article: string;
	status: 'verified' | 'secondary' | 'unverified';
	note: string | null;
	effective_from: string | null;
	effective_to: string | null;
};

const RULE_3 = '《生产经营单位安全培训规定》（原国家安全监管总局令第3号，2015年修正）';
const LEADERS: RoleCategory[] = ['principal', 'controller', 'safety_manager'];
const WORKERS: RoleCategory[] = ['deputy', 'frontline', 'special_worker'];

export const XUESHI_MINUTES_CODE = 'xueshi-minutes';

export const REQUIREMENT_RULES: RequirementRule[] = [
	{
		code: XUESHI_MINUTES_CODE,
		title: '1 学时的分钟数',
		role_categories: [],
		high_risk: null,
		kind: 'parameter',
		hours: 45,
		basis_doc: '各地安全生产网络培训管理办法、培训大纲（全国统一规定未查到）',
		basis_article: '—',
		status: 'unverified',
		note: 'FACTS.md §6：未查到全国统一的网络培训学时折算规定；按 1 学时 = 45 分钟配置，可由平台管理员按本省规定调整。',
		effective_from: null,
		effective_to: null
	},
	{
		code: 'leader-initial',
		title: '主要负责人、安全生产管理人员初次安全培训',
		role_categories: LEADERS,
		high_risk: false,
		kind: 'initial',
		hours: 32,
		basis_doc: RULE_3,
		basis_article: '第九条第一款',
		status: 'verified',
		note: null,
		effective_from: null,
		effective_to: null
	},
	{
		code: 'leader-annual',
		title: '主要负责人、安全生产管理人员每年再培训',
		role_categories: LEADERS,
		high_risk: false,
		kind: 'annual',
		hours: 12,
		basis_doc: RULE_3,
		basis_article: '第九条第一款',
		status: 'verified',
		note: null,
		effective_from: null,
		effective_to: null
	},
	{
		code: 'leader-initial-high-risk',
		title: '高危行业主要负责人、安全生产管理人员初次安全培训',
		role_categories: LEADERS,
		high_risk: true,
		kind: 'initial',
		hours: 48,
		basis_doc: RULE_3,
		basis_article: '第九条第二款',
		status: 'verified',
		note: '煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼等生产经营单位',
		effective_from: null,
		effective_to: null
	},
	{
		code: 'leader-annual-high-risk',
		title: '高危行业主要负责人、安全生产管理人员每年再培训',
		role_categories: LEADERS,
		high_risk: true,
		kind: 'annual',
		hours: 16,
		basis_doc: RULE_3,
		basis_article: '第九条第二款',
		status: 'verified',
		note: '煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼等生产经营单位',
		effective_from: null,
		effective_to: null
	},
	{
		code: 'worker-pre-job',
		title: '新上岗从业人员岗前安全培训',
		role_categories: WORKERS,
		high_risk: false,
		kind: 'pre_job',
		hours: 24,
		basis_doc: RULE_3,
		basis_article: '第十三条第一款',
		status: 'verified',
		note: null,
		effective_from: null,
		effective_to: null
	},
	{
		code: 'worker-pre-job-high-risk',
		title: '高危行业新上岗从业人员安全培训',
		role_categories: WORKERS,
		high_risk: true,
		kind: 'pre_job',
		hours: 72,
		basis_doc: RULE_3,
		basis_article: '第十三条第二款',
		status: 'verified',
		note: null,
		effective_from: null,
		effective_to: null
	},
	{
		code: 'worker-annual-high-risk',
		title: '高危行业从业人员每年再培训',
		role_categories: WORKERS,
		high_risk: true,
		kind: 'annual',
		hours: 20,
		basis_doc: RULE_3,
		basis_article: '第十三条第二款',
		status: 'verified',
		note: null,
		effective_from: null,
		effective_to: null
	},
	{
		code: 'worker-annual',
		title: '其他行业从业人员每年再培训',
		role_categories: WORKERS,
		high_risk: false,
		kind: 'annual',
		hours: 8,
		basis_doc: '国务院安委会《关于进一步加强安全培训工作的决定》（安委〔2012〕10号）',
		basis_article: '非高危企业新职工≥24学时，每年再培训≥8学时',
		status: 'secondary',
		note: 'FACTS.md §2：该 8 学时出自国务院安委会决定的转述（二手来源），不是第3号令的条文；文号未核实。',
		effective_from: null,
		effective_to: null
	},
	{
		code: 'special-review',
		title: '特种作业操作证复审前安全培训',
		role_categories: ['special_worker'],
		high_risk: null,
		kind: 'special_review',
		hours: 8,
		basis_doc: '《特种作业人员安全技术培训考核管理规定》（原国家安全监管总局令第30号）',
		basis_article: '第二十三条',
		status: 'verified',
		note: '应急管理部令第19号自2026年6月1日起施行，取消每3年复审，改为每6年换证（FACTS.md §4，二手来源）；此后不再安排复审培训。',
		effective_from: null,
		effective_to: '2026-05-31'
	}
];

export type PersonForRequirement = { role_category: string; high_risk: boolean; hired_on: string | null };

/**
 * The rule that sets a person's hours for a plan year: the initial (leaders) or pre-job (workers)
 * rule in the year they took up the post, the annual rule otherwise. Government staff and
 * institution staff have no statutory hours here (their targets are coverage targets).
 */
export function pickRequirement<R extends Pick<RequirementRule, 'code' | 'role_categories' | 'high_risk' | 'kind'>>(
	rules: R[],
	person: PersonForRequirement,
	year: number
): R | null {
	const newInYear = person.hired_on !== null && Number(person.hired_on.slice(0, 4)) === year;
	const wanted: RequirementKind[] = newInYear ? ['initial', 'pre_job'] : ['annual'];
	return (
		rules.find(
			(r) =>
				wanted.includes(r.kind) &&
				(r.role_categories as string[]).includes(person.role_category) &&
				(r.high_risk === null || r.high_risk === person.high_risk)
		) ?? null
	);
}

export function formatBasis(rule: Pick<RequirementRule, 'basis_doc' | 'basis_article'>): string {
	return rule.basis_article === '—' ? rule.basis_doc : `${rule.basis_doc}${rule.basis_article}`;
}
