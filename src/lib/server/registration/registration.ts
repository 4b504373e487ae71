import { randomInt } from 'node:crypto';

// Pure rules of 实名注册. No database, time passed in.

/** Submissions (accepted or refused) per IP address within an hour before further ones are refused. */
export const REGISTRATION_IP_LIMIT = 5;
/** Failed status look-ups per IP address within an hour. */
export const STATUS_LOOKUP_IP_LIMIT = 20;
export const REGISTRATION_WINDOW_MS = 60 * 60 * 1000;

export const REGISTRATION_SUBMIT = 'registration.submit';
export const REGISTRATION_STATUS_FAILED = 'registration.status_failed';

// No 0/O, 1/l/I: the password is read off an SMS or the reviewer's screen.
const LETTERS = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ';
const DIGITS = '23456789';

/** A one-time password that satisfies the password rule (letters and digits), 10 characters. */
export function generateOneTimePassword(): string {
	const all = LETTERS + DIGITS;
	for (;;) {
		let s = '';
		for (let i = 0; i < 10; i++) s += all[randomInt(all.length)];
		if (/[A-Za-z]/.test(s) && /\d/.test(s)) return s;
	}
}

/** Whom an applicant should contact: the regulator of the region, or “<区县>应急管理局”. */
export function contactAuthority(regulatorName: string | null, districtName: string): string {
	return regulatorName ?? `${districtName}应急管理局`;
}

export function duplicateOrganisationMessage(authority: string): string {
	return `该统一社会信用代码已注册，请联系本企业管理员或${authority}`;
}

export function duplicatePendingMessage(authority: string): string {
	return `该统一社会信用代码已有待审核的注册申请，请等待${authority}审核（可在“查询注册进度”中查看），如有疑问请联系${authority}`;
}

export function confirmationSms(input: { orgName: string; mobile: string; password: string; loginUrl: string }): string {
	return `【安训】${input.orgName}的注册已通过审核。请用手机号 ${input.mobile} 和一次性密码 ${input.password} 登录 ${input.loginUrl}，首次登录须修改密码。`;
}

export function refusalSms(input: { orgName: string; reason: string; authority: string }): string {
	return `【安训】${input.orgName}的注册申请未通过审核，理由：${input.reason}。如有疑问请联系${input.authority}。`;
}
