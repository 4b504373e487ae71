// How long training records (培训档案) are kept, with the source each period was read in.
// Enforced by refusal: the app has no delete path for these records, and the database refuses
// one (migration 2026-12-05-018-retention-guard). Disabling a person or account only sets a flag.
import type { RuleStatus } from '../certificates/rules.ts';
import type { RoleCategory } from '../../domain/labels.ts';

export type RetentionRule = {
	code: string;
	title: string;
	/** whose records; null = every person */
	holders: RoleCategory[] | null;
	/** minimum years the records are kept; null = not found in the sources */
	minYears: number | null;
	basisDoc: string;
	basisArticle: string;
	status: RuleStatus;
	explanation: string;
	/** sources and verification remarks, for the platform operator's rules page only */
	internalNote: string;
};

const JIANGXI_24 = '《江西省安全生产“三项岗位”人员线上培训管理办法（试行）》（江西省应急管理厅 赣应急字〔2024〕24号）';
const JIANGXI_15 =
	'原文：“平台运营单位应建立健全培训档案并妥善保管备查,特种作业人员培训档案保存时间不少于6年,企业主要负责人和安全生产管理人员培训档案保存时间不少于3年,确保在线培训过程可查询、可追溯。培训档案应包括学员基本信息、培训课件内容、课程设置、学时记录方式以及其他培训档案。” 读自资料包 xianshang-anquan-peixun-pingtai-guiding-jiangxi-guangdong-hebei-partial.md（FACTS.md §13 F15，[法条]，省级规范性文件，“试行”，现行与否未核查）。';

/** The tables that make up a person's training records (培训档案): what the guard protects. */
export const TRAINING_RECORD_TABLES = [
	'persons',
	'enrolments',
	'lesson_progress',
	'study_checks',
	'study_events',
	'exam_attempts',
	'exam_answer_steps',
	'exam_events',
	'certificates',
	'certificate_reviews',
	'practical_attempts',
	'practical_score_steps',
	// 特种作业操作证 issued elsewhere, imported (migration 022)
	'external_certificates'
] as const;

export const RETENTION_RULES: readonly RetentionRule[] = [
	{
		code: 'retention-special-worker',
		title: '特种作业人员培训档案',
		holders: ['special_worker'],
		minYears: 6,
		basisDoc: JIANGXI_24,
		basisArticle: '第十五条',
		status: 'verified',
		explanation: '特种作业人员的培训档案（基本信息、学时记录、考试与证书）保存不少于 6 年，保存期内不能通过平台删除。',
		internalNote: `${JIANGXI_15} 这是江西省的规定；重庆市的对应规定未核实（资料包中没有重庆线上培训规定，《重庆市安全生产条例》2024年修订本的培训条文未找到）。平台按不少于 6 年执行。`
	},
	{
		code: 'retention-principal-safety-manager',
		title: '主要负责人和安全生产管理人员培训档案',
		holders: ['principal', 'safety_manager'],
		minYears: 3,
		basisDoc: JIANGXI_24,
		basisArticle: '第十五条',
		status: 'verified',
		explanation: '企业主要负责人和安全生产管理人员的培训档案保存不少于 3 年，保存期内不能通过平台删除。',
		internalNote: `${JIANGXI_15} 重庆市的对应规定未核实（同上）。`
	},
	{
		code: 'retention-other-staff',
		title: '其他从业人员培训档案',
		holders: null,
		minYears: null,
		basisDoc: '《中华人民共和国安全生产法》（2021年修正）',
		basisArticle: '第二十八条第四款',
		status: 'unverified',
		explanation: '生产经营单位应当建立安全生产教育和培训档案；法律未规定保存年限。平台不提供删除，档案一直保存。',
		internalNote:
			'第二十八条第四款原文见资料包 anquan-shengchan-fa-2021.md（“生产经营单位应当建立安全生产教育和培训档案，如实记录安全生产教育和培训的时间、内容、参加人员以及考核结果等情况。”），无年限。其他人员的保存年限：资料包中未找到，未核实。河北住建“安管人员”平台“数据留存不少于6年”仅见二手资料（FACTS.md §13 F16）。'
	}
];
