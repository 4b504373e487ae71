import type { TargetInput } from './target.ts';

// The targets spelled out by the seed documents (/work/shared/seeds). Each cites the clause it
// was read from; where the document names no population code of ours, `note` says how it maps.
const DOC_004 = '渝安委〔2024〕6号';
const DOC_002 = '铜梁区应急管理局2022年应急管理重点行业领域工作要点';
const DOC_003 = '大渡口区2022年工贸行业安全生产工作要点';

// 004 四.6 names the 重点行业领域: 道路交通、建设施工、消防、燃气、危险化学品、工贸、矿山
const KEY_INDUSTRIES = ['road_transport', 'construction', 'fire', 'gas', 'hazchem', 'industry_trade', 'non_coal_mine', 'metal_smelting'];
const ENTERPRISE_ROLES = ['principal', 'controller', 'deputy', 'safety_manager', 'special_worker', 'frontline'] as const;
/** The 两单两卡 topic course and the courses that contain all of its lessons: a 两单两卡 target counts any of them. */
export const TWO_CARDS_COURSES = ['two-lists-two-cards', 'worker-annual', 'new-hire-company-level', 'new-hire-high-risk'];

function principalYear(year: number, word: string): TargetInput {
	return {
		code: `principal-training-${year}`,
		title: `重点行业领域主要负责人、实际控制人、其他负责人全覆盖培训（${year}年${word}）`,
		regionCode: '500000',
		periodStart: `${year}-01-01`,
		periodEnd: `${year}-12-31`,
		deadline: `${year}-12-31`,
		goalPercent: 100,
		definition: {
			population: { orgKinds: ['enterprise'], roleCategories: ['principal', 'controller', 'deputy'], industries: KEY_INDUSTRIES, highRisk: null, scale: null },
			requirement: { study: { kind: 'courses', courseCodes: ['principal-annual'] }, exam: null, certificate: null }
		},
		sourceDoc: DOC_004,
		sourceClause: '附件 四、6：按照“2024年提升、2025年强化、2026年巩固”的要求，对重点行业领域每年开展1次全覆盖培训',
		note: '“一次全覆盖培训”按当年完成主要负责人年度再培训课程计'
	};
}

export const SEEDED_TARGETS: TargetInput[] = [
	principalYear(2024, '提升'),
	principalYear(2025, '强化'),
	principalYear(2026, '巩固'),
	{
		code: 'special-work-certified',
		title: '特种作业人员全面持证上岗（2024年专项整治）',
		regionCode: '500000',
		periodStart: '2024-01-01',
		periodEnd: '2026-12-31',
		deadline: '2024-12-31',
		goalPercent: 100,
		definition: {
			population: { orgKinds: ['enterprise'], roleCategories: ['special_worker'], industries: [], highRisk: null, scale: null },
			requirement: { study: { kind: 'none' }, exam: null, certificate: { types: ['special_work'] } }
		},
		sourceDoc: DOC_004,
		sourceClause: '附件 四、7：2024年，开展企业特种作业人员持证上岗专项整治，推进特种作业人员全面持证上岗',
		note: '持有与本人作业类别一致、在今日有效的特种作业操作证'
	},
	{
		code: 'high-risk-qualified-2026',
		title: '高危行业在岗和新入职人员培训考核合格率100%（2026年）',
		regionCode: '500000',
		periodStart: '2026-01-01',
		periodEnd: '2026-12-31',
		deadline: '2026-12-31',
		goalPercent: 100,
		definition: {
			population: { orgKinds: ['enterprise'], roleCategories: [...ENTERPRISE_ROLES], industries: [], highRisk: true, scale: null },
			requirement: { study: { kind: 'any_course' }, exam: { certificateTypes: [] }, certificate: null }
		},
		sourceDoc: DOC_004,
		sourceClause: '附件 四、7：2026年，高危行业在岗和新入职人员培训考核合格率达到100%',
		note: '“培训考核合格”= 当年完成培训课程并通过一次考试'
	},
	{
		code: 'duty-system-training-2026',
		title: '全员岗位安全生产责任制“应知应会”培训纳入年度计划（2026年）',
		regionCode: '500000',
		periodStart: '2026-01-01',
		periodEnd: '2026-12-31',
		deadline: '2026-12-31',
		goalPercent: 100,
		definition: {
			population: { orgKinds: ['enterprise'], roleCategories: [...ENTERPRISE_ROLES], industries: [], highRisk: null, scale: null },
			requirement: { study: { kind: 'any_course' }, exam: null, certificate: null }
		},
		sourceDoc: DOC_004,
		sourceClause: '附件 三、5：加强全员岗位安全生产责任制“应知应会”教育培训，将全员岗位安全生产责任制教育培训工作纳入安全生产年度培训计划……建立健全培训档案',
		note: '当年年度培训计划中至少完成一门课程（学习记录即培训档案）'
	},
	{
		code: 'town-safety-leads-2024',
		title: '乡镇（街道）、工业园区安全生产工作负责人监管执法能力提升培训全覆盖（2024年）',
		regionCode: '500000',
		periodStart: '2024-01-01',
		periodEnd: '2024-12-31',
		deadline: '2024-12-31',
		goalPercent: 100,
		definition: {
			population: { orgKinds: ['government'], roleCategories: ['enforcement'], industries: [], highRisk: null, scale: null },
			requirement: { study: { kind: 'any_course' }, exam: null, certificate: null }
		},
		sourceDoc: DOC_004,
		sourceClause: '附件 五、10：2024年，实现乡镇(街道)、工业园区安全生产工作负责人监管执法能力提升培训全覆盖',
		note: '乡镇（街道）政府机关中登记为监管执法人员的安全生产工作负责人'
	},
	{
		code: 'enforcement-staff-2025',
		title: '安全监管执法人员培训全覆盖（2025年）',
		regionCode: '500000',
		periodStart: '2025-01-01',
		periodEnd: '2025-12-31',
		deadline: '2025-12-31',
		goalPercent: 100,
		definition: {
			population: { orgKinds: ['regulator', 'government'], roleCategories: ['enforcement'], industries: [], highRisk: null, scale: null },
			requirement: { study: { kind: 'any_course' }, exam: null, certificate: null }
		},
		sourceDoc: DOC_004,
		sourceClause: '附件 五、10：2025年，实现安全监管执法人员培训全覆盖',
		note: null
	},
	{
		code: 'party-leaders-2026',
		title: '市级部门、区县、乡镇（街道）党政领导干部统筹发展和安全能力提升培训全覆盖（2026年）',
		regionCode: '500000',
		periodStart: '2024-01-01',
		periodEnd: '2026-12-31',
		deadline: '2026-12-31',
		goalPercent: 100,
		definition: {
			population: { orgKinds: ['government', 'regulator'], roleCategories: ['party_leader'], industries: [], highRisk: null, scale: null },
			requirement: { study: { kind: 'any_course' }, exam: null, certificate: null }
		},
		sourceDoc: DOC_004,
		sourceClause: '附件 五、9：2024年全面开展培训工作，2025年持续开展培训工作，2026年实现市级部门、区县、乡镇(街道)党政领导干部培训全覆盖',
		note: '2024—2026年内完成一次培训即覆盖'
	},
	{
		code: 'mine-two-cards',
		title: '矿山企业重点岗位“两单两卡”应知应会率100%',
		regionCode: '500151',
		periodStart: '2026-01-01',
		periodEnd: '2026-12-31',
		deadline: '2026-12-31',
		goalPercent: 100,
		definition: {
			population: { orgKinds: ['enterprise'], roleCategories: ['frontline', 'special_worker'], industries: ['non_coal_mine'], highRisk: null, scale: null },
			requirement: { study: { kind: 'courses', courseCodes: TWO_CARDS_COURSES }, exam: null, certificate: null }
		},
		sourceDoc: DOC_002,
		sourceClause: '非煤矿山 17：2022年6月底，矿山企业重点岗位“两单两卡”编制率100%、应知应会率100%',
		note: '文件原定2022年6月底；平台按年度复核，以完成“两单两卡”应知应会课程（或含其全部内容的一线年度再培训、新员工岗前培训课程）计'
	},
	{
		code: 'gongmao-two-cards',
		title: '规上工贸企业全面推行“两单两卡”',
		regionCode: '500104',
		periodStart: '2026-01-01',
		periodEnd: '2026-12-31',
		deadline: '2026-12-31',
		goalPercent: 100,
		definition: {
			population: { orgKinds: ['enterprise'], roleCategories: ['frontline', 'special_worker'], industries: ['industry_trade'], highRisk: null, scale: 'above' },
			requirement: { study: { kind: 'courses', courseCodes: TWO_CARDS_COURSES }, exam: null, certificate: null }
		},
		sourceDoc: DOC_003,
		sourceClause: '三、（一）3：到2022年底规（限）上工贸企业全面推行“两单两卡”',
		note: '一线岗位人员完成“两单两卡”应知应会课程（或含其全部内容的一线年度再培训、新员工岗前培训课程）'
	},
	{
		code: 'mine-three-persons-certified',
		title: '非煤矿山“三项人员”持证',
		regionCode: '500151',
		periodStart: '2026-01-01',
		periodEnd: '2026-12-31',
		deadline: '2026-12-31',
		goalPercent: 100,
		definition: {
			population: { orgKinds: ['enterprise'], roleCategories: ['principal', 'controller', 'deputy', 'safety_manager', 'special_worker'], industries: ['non_coal_mine'], highRisk: null, scale: null },
			requirement: { study: { kind: 'none' }, exam: null, certificate: { types: ['safety_knowledge', 'special_work'] } }
		},
		sourceDoc: DOC_002,
		sourceClause: '非煤矿山 23：企业主要负责人（实际控制人）、矿长、分管安全的负责人，安全生产管理人员和特种作业人员应当参加安全培训，持有安全生产知识和管理能力考核合格证',
		note: '负责人和安全管理人员持考核合格证，特种作业人员持本工种特种作业操作证'
	},
	{
		code: 'disaster-informants',
		title: '灾害信息员培训全覆盖',
		regionCode: '500151',
		periodStart: '2026-01-01',
		periodEnd: '2026-12-31',
		deadline: '2026-12-31',
		goalPercent: 100,
		definition: {
			population: { orgKinds: ['government', 'regulator'], roleCategories: ['disaster_informant'], industries: [], highRisk: null, scale: null },
			requirement: { study: { kind: 'any_course' }, exam: null, certificate: null }
		},
		sourceDoc: DOC_002,
		sourceClause: '救灾和物资保障工作要点 二、（一）3：建立常态化分级培训机制，确保灾害信息员培训全覆盖。全年至少开展1次业务培训',
		note: '文件为铜梁区年度要点，平台按年度复核'
	}
];
