export const ENTERPRISE_ROLE_CATEGORY_NAMES = ['主要负责人', '实际控制人', '其他负责人', '安全生产管理人员', '特种作业人员', '一线从业人员'] as const;
