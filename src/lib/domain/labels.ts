// User-facing names of the codes stored in the database (client-safe).

export const ROLES = ['learner', 'enterprise_admin', 'institution_admin', 'examiner', 'regulator', 'platform_admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
	learner: '学员',
	enterprise_admin: '企业管理员',
	institution_admin: '培训机构管理员',
	examiner: '考评员',
	regulator: '监管人员',
	platform_admin: '平台管理员'
};

export const ROLE_CATEGORIES = [
	'principal',
	'controller',
	'deputy',
	'safety_manager',
	'special_worker',
	'frontline',
	'enforcement',
	'party_leader',
	'disaster_informant',
	'institution_staff'
] as const;
export type RoleCategory = (typeof ROLE_CATEGORIES)[number];

export const ROLE_CATEGORY_LABELS: Record<RoleCategory, string> = {
	principal: '主要负责人',
	controller: '实际控制人',
	deputy: '其他负责人',
	safety_manager: '安全生产管理人员',
	special_worker: '特种作业人员',
	frontline: '一线从业人员',
	enforcement: '监管执法人员',
	party_leader: '党政领导干部',
	disaster_informant: '灾害信息员',
	institution_staff: '培训机构工作人员'
};

/**
 * The label of a stored code in one of the label tables; a code outside the table (an old export, a
 * typo in a URL, a code retired since) is shown as it is, and a missing one as nothing.
 */
export function labelOf<K extends string>(labels: Readonly<Record<K, string>>, code: string | null | undefined): string {
	if (code == null) return '';
	return Object.hasOwn(labels, code) ? labels[code as K] : code;
}

/** The label of a role-category code (人员类别). */
export function roleCategoryLabel(code: string | null | undefined): string {
	return labelOf(ROLE_CATEGORY_LABELS, code);
}

/** Role categories that belong to enterprises (the rest are government or institution staff). */
export const ENTERPRISE_ROLE_CATEGORIES: RoleCategory[] = [
	'principal',
	'controller',
	'deputy',
	'safety_manager',
	'special_worker',
	'frontline'
];

export const ORG_KIND_LABELS = {
	enterprise: '企业',
	institution: '培训机构',
	regulator: '应急管理部门',
	government: '政府机关',
	platform: '平台运营方'
} as const;
export type OrgKind = keyof typeof ORG_KIND_LABELS;

export const SCALE_LABELS = { above: '规上', below: '规下' } as const;
