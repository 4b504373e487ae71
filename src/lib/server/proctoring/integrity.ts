// Integrity flags computed from an attempt's proctoring log, each rule stated in plain Chinese.
// A flag never fails a candidate: an examiner reviews it and records a decision.

export const CLIENT_EVENT_KINDS = [
	'page_hidden',
	'page_visible',
	'window_blur',
	'window_focus',
	'fullscreen_exit',
	'fullscreen_enter',
	'copy',
	'paste',
	'cut',
	'context_menu',
	'print',
	'offline',
	'online',
	'answer_timing',
	'camera_unavailable'
] as const;

export const EVENT_LABELS: Record<string, string> = {
	page_hidden: '切出考试页面',
	page_visible: '回到考试页面',
	window_blur: '窗口失去焦点',
	window_focus: '窗口获得焦点',
	fullscreen_exit: '退出全屏',
	fullscreen_enter: '进入全屏',
	copy: '尝试复制',
	paste: '尝试粘贴',
	cut: '尝试剪切',
	context_menu: '尝试打开右键菜单',
	print: '尝试打印',
	offline: '网络断开',
	online: '网络恢复',
	answer_timing: '作答用时',
	camera_unavailable: '摄像头不可用',
	started: '开始考试',
	resumed: '恢复考试（重新打开页面）',
	ip_change: 'IP 地址变化',
	user_agent_change: '浏览器变化',
	concurrent_connection: '另一窗口或设备同时作答',
	device_takeover: '在新窗口或设备上继续考试',
	answer_after_deadline: '截止后提交作答（已拒收）',
	answer_after_finish: '交卷后提交作答（已拒收）',
	fast_answering: '作答过快',
	submitted: '交卷',
	finished_at_deadline: '时间到自动交卷',
	snapshot: '摄像头抓拍',
	warn: '监考员警告',
	extend: '监考员延长时间',
	terminate: '监考员终止考试',
	decision: '监考复核结论',
	face_mismatch: '人像比对不一致'
};

export const INTEGRITY_SETTINGS = {
	/** More than this many times leaving the page (hidden or blur) is flagged. */
	maxFocusLosses: 5,
	/** With at least this many answers, averaging under minSecondsPerAnswer seconds is flagged. */
	minAnswersForPace: 10,
	minSecondsPerAnswer: 5,
	/** Copy/paste/cut/context-menu/print attempts above this are flagged. */
	maxClipboardAttempts: 2,
	/** Fullscreen exits above this are flagged when the session requires fullscreen. */
	maxFullscreenExits: 1
};
export type IntegritySettings = typeof INTEGRITY_SETTINGS;

export type IntegrityFlag = { code: string; label: string; rule: string; count: number };

const isFlag = (f: unknown): f is IntegrityFlag => {
	const o = f as Record<string, unknown> | null;
	return typeof o === 'object' && o !== null && typeof o.code === 'string' && typeof o.label === 'string' && typeof o.rule === 'string' && typeof o.count === 'number';
};

/** exam_attempts.flags (jsonb, written only by grading) read back: null → no flags; anything else malformed throws. */
export function integrityFlags(value: unknown): IntegrityFlag[] {
	if (value === null || value === undefined) return [];
	const v: unknown = typeof value === 'string' ? JSON.parse(value) : value;
	if (Array.isArray(v) && v.every(isFlag)) return v;
	throw new Error(`exam_attempts.flags 格式不符：${JSON.stringify(v).slice(0, 200)}`);
}

export type EventForFlags = { kind: string; source: string };

export type AttemptForFlags = {
	startedAt: Date | null;
	finishedAt: Date | null;
	answered: number;
	requireFullscreen: boolean;
};

export function computeIntegrityFlags(events: readonly EventForFlags[], attempt: AttemptForFlags, settings: IntegritySettings = INTEGRITY_SETTINGS): IntegrityFlag[] {
	const count = (...kinds: string[]) => events.filter((e) => kinds.includes(e.kind)).length;
	const flags: IntegrityFlag[] = [];
	// A blur usually comes with a hidden page; count the larger, not the sum.
	const focusLosses = Math.max(count('page_hidden'), count('window_blur'));
	if (focusLosses > settings.maxFocusLosses) {
		flags.push({ code: 'focus_loss', label: '频繁切屏', rule: `离开考试页面超过 ${settings.maxFocusLosses} 次`, count: focusLosses });
	}
	const clipboard = count('copy', 'paste', 'cut', 'context_menu', 'print');
	if (clipboard > settings.maxClipboardAttempts) {
		flags.push({ code: 'clipboard', label: '复制粘贴或打印', rule: `复制、粘贴、右键菜单或打印尝试超过 ${settings.maxClipboardAttempts} 次`, count: clipboard });
	}
	const fullscreenExits = count('fullscreen_exit');
	if (attempt.requireFullscreen && fullscreenExits > settings.maxFullscreenExits) {
		flags.push({ code: 'fullscreen_exit', label: '退出全屏', rule: `本场要求全屏，退出全屏超过 ${settings.maxFullscreenExits} 次`, count: fullscreenExits });
	}
	const ipChanges = count('ip_change');
	if (ipChanges > 0) flags.push({ code: 'ip_change', label: 'IP 地址变化', rule: '考试过程中 IP 地址发生变化', count: ipChanges });
	const concurrent = count('concurrent_connection', 'user_agent_change');
	if (concurrent > 0) flags.push({ code: 'second_device', label: '多设备或多窗口', rule: '考试过程中出现另一浏览器、窗口或设备同时作答', count: concurrent });
	const face = count('face_mismatch');
	if (face > 0) flags.push({ code: 'face_mismatch', label: '人像比对不一致', rule: '开考身份照片或抓拍与登记照片比对不一致（未检测到人脸、多人、非本人或疑似翻拍）', count: face });
	const late = count('answer_after_deadline', 'answer_after_finish');
	if (late > 0) flags.push({ code: 'late_answers', label: '截止后提交作答', rule: '截止或交卷后仍提交作答（均已拒收）', count: late });
	if (attempt.startedAt && attempt.finishedAt && attempt.answered >= settings.minAnswersForPace) {
		const seconds = (attempt.finishedAt.getTime() - attempt.startedAt.getTime()) / 1000;
		const pace = seconds / attempt.answered;
		if (pace < settings.minSecondsPerAnswer) {
			flags.push({ code: 'fast', label: '作答过快', rule: `平均每题用时少于 ${settings.minSecondsPerAnswer} 秒（实际 ${pace.toFixed(1)} 秒）`, count: attempt.answered });
		}
	}
	return flags;
}

export const DECISION_LABELS = { cleared: '已复核，无违规', warning: '已复核，予以警告', voided: '已复核，成绩作废' } as const;
export type Decision = keyof typeof DECISION_LABELS;

/** Integrity flags nobody has decided on yet (an examiner's decision closes them all). */
export function openIntegrityFlags(flags: unknown, decision: string | null): { label: string; count: number }[] {
	if (decision || !Array.isArray(flags)) return [];
	return (flags as Partial<IntegrityFlag>[]).map((f) => ({ label: String(f.label ?? f.code ?? '诚信标记'), count: Number(f.count ?? 1) }));
}
