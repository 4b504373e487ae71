// The kinds of message Anxun sends, their Chinese names, and which of them a person may turn off
// for SMS / e-mail. The in-app copy is always kept. Security codes (password recovery) are never
// optional: a person who opted out of everything must still be able to get back into the account.

export const OPTIONAL_KINDS = {
	course_assigned: '课程分配',
	course_due_soon: '学习即将到期（7 天）',
	course_overdue: '学习已逾期',
	exam_scheduled: '考试安排',
	exam_graded: '考试成绩',
	certificate_issued: '证书发放',
	certificate_expiring: '证书即将到期（90 天、30 天）',
	certificate_revoked: '证书撤销'
} as const satisfies Record<string, string>;

export type OptionalKind = keyof typeof OPTIONAL_KINDS;

/** Kinds that are always delivered when a transport exists (opt-out does not apply). */
export const MANDATORY_KINDS: readonly string[] = ['password_reset', 'security_code'];

export const CHANNELS = ['sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export function isOptionalKind(kind: string): kind is OptionalKind {
	return Object.hasOwn(OPTIONAL_KINDS, kind);
}

/** Whether an opt-out recorded for (kind, channel) stops this message. */
export function optedOut(kind: string, channel: Channel, optOuts: readonly { kind: string; channel: string }[]): boolean {
	if (MANDATORY_KINDS.includes(kind)) return false;
	return optOuts.some((o) => o.kind === kind && o.channel === channel);
}
