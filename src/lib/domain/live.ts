// Labels for live classes, shared by the institution's and the learner's pages.
export const LIVE_PHASE_LABELS = {
	cancelled: '已取消',
	scheduled: '未开始',
	open: '入场中',
	live: '直播中',
	ended: '已结束'
} as const;

export const REPLAY_RULE_LABELS = {
	live_only: '仅直播计学时（回放不计）',
	replay_allowed: '回放也计学时'
} as const;

/** 随机点名 frequency choices of the scheduling form (per hour; a class of any length gets at least one). */
export const ROLLCALL_CHOICES = {
	'2-4': { label: '每小时 2–4 次（推荐）', minPerHour: 2, maxPerHour: 4 },
	'4-6': { label: '每小时 4–6 次', minPerHour: 4, maxPerHour: 6 },
	off: { label: '不自动点名（仅主讲人手动点名）', minPerHour: 0, maxPerHour: 0 }
} as const;

/** The live-class list page of an institution or an enterprise (src/lib/server/live/live-list-page.ts). */
export type LiveListData = {
	/** '/institution/live' or '/enterprise/live': where the class links point */
	base: string;
	kind: 'institution' | 'enterprise';
	configured: boolean;
	canSchedule: boolean;
	orgName: string | null;
	classes: { id: number; title: string; lecturer: string; startsAt: string; endsAt: string; phase: keyof typeof LIVE_PHASE_LABELS; hasReplay: boolean; creditHours: number }[];
	lecturers: { user_id: number; name: string }[];
	/** the organiser's own courses (the class's replay lesson goes into the chosen one) */
	courses?: { id: number; title: string }[];
	/** null: the audience is the enterprise's own staff */
	enterprises: { id: number; name: string }[] | null;
	rollCallSeconds: number;
};
