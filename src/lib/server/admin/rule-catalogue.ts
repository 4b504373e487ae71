// The platform operator's view of every rule kept as data: what users see (the plain basis and
// explanation) next to what they do not (verification status, source notes). Read-only; changing a
// rule is a code change (or, for the few configurable values, an environment setting).
import type { Db } from '../db/index.ts';
import { CERTIFICATE_HOLDERS, CERTIFICATE_KIND_LABELS, REVIEW_RULES, RULE_STATUS_LABELS, validityRules, type RuleStatus } from '../certificates/rules.ts';
import { certificateConfig } from '../certificates/config.ts';
import { ROLE_CATEGORY_LABELS } from '../../domain/labels.ts';
import { listRequirementRules } from '../study/requirements.repository.ts';
import { formatBasis } from '../study/requirements.ts';
import { QUALIFICATION_EXAM_DEFAULTS } from '../question-engine/blueprint.ts';
import { RESIT_RULES, CERTIFICATE_TYPE_LABELS, EXAM_KIND_LABELS } from '../exams/resit.ts';
import { listTargetsForRegion } from '../coverage/targets.repository.ts';
import { RETENTION_RULES } from '../retention/rules.ts';
import { describeSheet, PRACTICAL_SHEETS } from '../special-ops/practical-sheets.ts';

export type CatalogueEntry = { code: string; title: string; value: string; basis: string; status: RuleStatus | 'configured'; statusLabel: string; configurable: boolean; internalNote: string };
export type CatalogueGroup = { title: string; entries: CatalogueEntry[] };

const STATUS_LABEL = (s: RuleStatus | 'configured') => (s === 'configured' ? '由发布机关设定' : RULE_STATUS_LABELS[s]);
const span = (from: string | null, to: string | null) => (from || to ? `（${from ?? ''} 至 ${to ?? ''}）` : '');

export async function listRuleCatalogue(db: Db): Promise<CatalogueGroup[]> {
	const entry = (e: Omit<CatalogueEntry, 'statusLabel'>): CatalogueEntry => ({ ...e, statusLabel: STATUS_LABEL(e.status) });
	const certificates: CatalogueGroup = {
		title: '证书有效期与换证',
		entries: validityRules(certificateConfig()).map((r) =>
			entry({
				code: r.code,
				title: `${CERTIFICATE_KIND_LABELS[r.kind]}${span(r.effectiveFrom, r.effectiveTo)}`,
				value: `有效期 ${r.validityMonths} 个月${r.reviewIntervalMonths ? `，每 ${r.reviewIntervalMonths} 个月复审` : ''}${r.renewApplyDaysBeforeExpiry ? `，期满前 ${r.renewApplyDaysBeforeExpiry} 日申请` : ''}。${r.explanation}`,
				basis: `${r.basisDoc}${r.basisArticle}`,
				status: r.status,
				configurable: r.configurable,
				internalNote: r.internalNote
			})
		)
	};
	const reviews: CatalogueGroup = {
		title: '特种作业操作证复审',
		entries: REVIEW_RULES.map((r) =>
			entry({ code: r.code, title: `复审到期日${span(r.dueFrom, r.dueTo)}`, value: `${r.required ? '须复审' : '不再复审'}。${r.explanation}`, basis: `${r.basisDoc}${r.basisArticle}`, status: r.status, configurable: false, internalNote: r.internalNote })
		)
	};
	const holders: CatalogueGroup = {
		title: '持证人员类别',
		entries: Object.values(CERTIFICATE_HOLDERS).map((h) =>
			entry({
				code: `holder-${h.kind}`,
				title: CERTIFICATE_KIND_LABELS[h.kind],
				value: h.categories ? `只发给：${h.categories.map((c) => ROLE_CATEGORY_LABELS[c]).join('、')}${h.operationMustMatch ? '（操作项目须与人员登记一致）' : ''}` : '各类人员均可',
				basis: h.basis,
				status: h.status,
				configurable: false,
				internalNote: h.internalNote
			})
		)
	};
	const hours: CatalogueGroup = {
		title: '培训学时要求',
		entries: (await listRequirementRules(db)).map((r) =>
			entry({ code: r.code, title: r.title, value: `${r.hours}${span(r.effective_from, r.effective_to)}`, basis: formatBasis(r), status: r.status, configurable: r.status === 'unverified', internalNote: r.note ?? '' })
		)
	};
	const D = QUALIFICATION_EXAM_DEFAULTS;
	const exams: CatalogueGroup = {
		title: '考试合格线与补考',
		entries: [
			entry({ code: 'qualification-exam-defaults', title: '法定资格考试默认值', value: `${D.durationMinutes} 分钟，满分 ${D.totalPoints} 分，${D.passMark} 分以上合格`, basis: `${D.basisDoc}${D.basisArticle}`, status: D.status, configurable: true, internalNote: D.note }),
			...RESIT_RULES.map((r) =>
				entry({
					code: r.code,
					title: `${CERTIFICATE_TYPE_LABELS[r.certificateType]}${EXAM_KIND_LABELS[r.examKind]}${span(r.effectiveFrom, r.effectiveTo)}`,
					value: r.maxAttempts === null ? '考试次数不限' : `共 ${r.maxAttempts} 次（含首次考试）`,
					basis: `${r.basisDoc}${r.basisArticle === '条款号未查到' ? '' : r.basisArticle}`,
					status: r.status,
					configurable: false,
					internalNote: r.note
				})
			)
		]
	};
	const targets: CatalogueGroup = {
		title: '覆盖率目标的依据',
		entries: (await listTargetsForRegion(db, '/')).map((t) =>
			entry({ code: t.code, title: `${t.title}（${t.region_name}）`, value: `目标 ${t.goal_percent}%`, basis: `${t.source_doc} ${t.source_clause}`.trim(), status: 'configured', configurable: true, internalNote: t.note ?? '' })
		)
	};
	const retention: CatalogueGroup = {
		title: '培训档案保存期限',
		entries: RETENTION_RULES.map((r) =>
			entry({
				code: r.code,
				title: r.title,
				value: `${r.minYears === null ? '保存年限未规定（平台不删除）' : `不少于 ${r.minYears} 年`}。${r.explanation}`,
				basis: `${r.basisDoc}${r.basisArticle}`,
				status: r.status,
				configurable: false,
				internalNote: r.internalNote
			})
		)
	};
	const practical: CatalogueGroup = {
		title: '特种作业实操评分表',
		entries: PRACTICAL_SHEETS.map((sheet) => {
			const d = describeSheet(sheet);
			return entry({
				code: `${sheet.code}@${sheet.version}`,
				title: sheet.title,
				value: d.value,
				basis: sheet.sources.map((x) => `${x.id} ${x.section}`).join('；'),
				status: 'unverified',
				configurable: true,
				internalNote: `${sheet.sources.map((x) => x.note).join(' ')} 未核实：${d.unverified.join('、')}。`
			});
		})
	};
	return [certificates, reviews, holders, hours, exams, targets, retention, practical];
}
