// Labels of 特种作业 applications (报名), shared by server and pages.
import { labelOf } from './labels.ts';

export type Education = 'primary' | 'junior' | 'senior' | 'vocational' | 'college' | 'bachelor' | 'postgraduate';
export type Exemption = 'none' | 'relevant_education' | 'skill_certificate';
export type ApplicationStatus = 'draft' | 'submitted' | 'returned' | 'accepted' | 'refused' | 'withdrawn';

export const EDUCATION_LABELS: Record<Education, string> = {
	primary: '小学',
	junior: '初中',
	senior: '高中',
	vocational: '中专/职高/技校',
	college: '大专',
	bachelor: '本科',
	postgraduate: '研究生'
};

export const EXEMPTION_LABELS: Record<Exemption, string> = {
	none: '不申请免培训',
	relevant_education: '对口学历免培训',
	skill_certificate: '职业技能等级证书免培训'
};

export const APPLICATION_STATUS_LABELS: Record<ApplicationStatus, string> = {
	draft: '待补材料',
	submitted: '待审查',
	returned: '退回补正',
	accepted: '已受理',
	refused: '不予受理',
	withdrawn: '已撤回'
};

export const CHANNEL_LABELS: Record<string, string> = { enterprise: '单位报名', individual: '个人报名' };

export function applicationStatusLabel(status: string): string {
	return labelOf(APPLICATION_STATUS_LABELS, status);
}
