// Course codes and their Chinese names (client-safe).

export const TRAINING_TYPES = ['initial', 'annual', 'three_level', 'transfer', 'topic'] as const;
export type TrainingType = (typeof TRAINING_TYPES)[number];
export const TRAINING_TYPE_LABELS: Record<TrainingType, string> = {
	initial: '初次培训',
	annual: '年度再培训',
	three_level: '三级安全教育',
	transfer: '转岗复岗',
	topic: '专题'
};

export const COURSE_STATUSES = ['draft', 'published', 'retired'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];
export const COURSE_STATUS_LABELS: Record<CourseStatus, string> = {
	draft: '草稿',
	published: '已发布',
	retired: '已下架'
};

export const LESSON_KINDS = ['text', 'video', 'pdf'] as const;
export type LessonKind = (typeof LESSON_KINDS)[number];
export const LESSON_KIND_LABELS: Record<LessonKind, string> = {
	text: '图文',
	video: '视频',
	pdf: 'PDF 文档'
};

/** audience_high_risk: null = every industry, true = high-risk industries only, false = the others only. */
export const HIGH_RISK_LABELS = { any: '不限', true: '仅高危行业', false: '仅非高危行业' } as const;
export function highRiskLabel(v: boolean | null): string {
	return v === null ? HIGH_RISK_LABELS.any : v ? HIGH_RISK_LABELS.true : HIGH_RISK_LABELS.false;
}
