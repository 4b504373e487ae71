import { describe, expect, it } from 'vitest';
import { addMonths, certificateConfigFromEnv, certificateKindForBlueprint, findReviewRule, holderMismatch, isValidOn, publicStatusOn, reviewPassed, rulesForUsers, termsOnIssue, validityRules } from './rules.ts';
import type { RoleCategory } from '../../domain/labels.ts';

describe('certificate rules', () => {
	it('maps blueprint types to certificate kinds', () => {
		expect(certificateKindForBlueprint('principal_or_safety_manager')).toBe('safety_knowledge');
		expect(certificateKindForBlueprint('special_work')).toBe('special_work');
		expect(certificateKindForBlueprint('training')).toBe('training');
		expect(certificateKindForBlueprint('none')).toBeNull();
	});

	it('cites a basis for every rule and flags the unconfirmed ones', () => {
		for (const r of validityRules()) {
			expect(r.basisDoc, r.code).toMatch(/《.+》/);
			// an article not found leaves the basis at the document; the internal note says so
			if (r.basisArticle === '') expect(r.internalNote, r.code).toContain('条款号');
			expect(`${r.basisDoc}${r.basisArticle}${r.explanation}`, r.code).not.toMatch(/FACTS|§|未核实|待核实|二手/);
		}
		for (const r of rulesForUsers().rules) expect(Object.keys(r)).not.toContain('internalNote');
		expect(validityRules().find((r) => r.code === 'training-config')).toMatchObject({ status: 'unverified', configurable: true });
		expect(validityRules().find((r) => r.code === 'special-work-19')!.status).toBe('secondary');
	});

	it('declares who may hold each certificate type', () => {
		const person = (roleCategory: RoleCategory, specialOperationCode: string | null = null) => ({ roleCategory, specialOperationCode });
		expect(holderMismatch('safety_knowledge', person('principal'))).toBeNull();
		expect(holderMismatch('safety_knowledge', person('safety_manager'))).toBeNull();
		expect(holderMismatch('safety_knowledge', person('frontline'))).toContain('人员类别为“一线从业人员”');
		expect(holderMismatch('special_work', person('special_worker', '1.2'))).toBeNull();
		expect(holderMismatch('special_work', person('special_worker'))).toBe('人员未登记特种作业类别/操作项目');
		expect(holderMismatch('special_work', person('special_worker', '1.1'), '1.2')).toContain('不一致');
		expect(holderMismatch('training', person('frontline'))).toBeNull();
	});

	it('adds calendar months, clamping to the month end', () => {
		expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
		expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
		expect(addMonths('2026-12-01', 36)).toBe('2029-12-01');
	});

	it('gives 安全合格证 3 years (44号令第二十五条) and no 复审', () => {
		expect(termsOnIssue('safety_knowledge', '2026-12-01')).toMatchObject({ validUntil: '2029-11-30', nextReviewDue: null, rule: { code: 'safety-knowledge-44' } });
	});

	it('特种作业: 30号令 before 2026-06-01 (6 years, 复审 every 3 years), 19号令 after (6 years, no 复审)', () => {
		// issued 2021: the 复审 due 2024 is before the switch → required
		expect(termsOnIssue('special_work', '2021-03-10')).toMatchObject({ validUntil: '2027-03-09', nextReviewDue: '2024-03-10', rule: { code: 'special-work-30' } });
		// issued under 30号令 but its 复审 falls due after 2026-06-01 → dropped by 19号令
		expect(termsOnIssue('special_work', '2024-01-15')).toMatchObject({ validUntil: '2030-01-14', nextReviewDue: null, rule: { code: 'special-work-30' } });
		expect(termsOnIssue('special_work', '2023-05-31').nextReviewDue).toBe('2026-05-31');
		expect(termsOnIssue('special_work', '2023-06-01').nextReviewDue).toBeNull();
		expect(termsOnIssue('special_work', '2026-06-01')).toMatchObject({ validUntil: '2032-05-31', nextReviewDue: null, rule: { code: 'special-work-19' } });
		expect(findReviewRule('2026-05-31').required).toBe(true);
		expect(findReviewRule('2026-06-01').required).toBe(false);
	});

	it('a 复审 moves the date on by 3 years, unless that date falls under 19号令', () => {
		// due 2023-01-10 (old regime) → next would be 2026-01-10, still before the switch
		expect(reviewPassed({ validUntil: '2026-12-31', nextReviewDue: '2023-01-10' }, '2022-12-01').nextReviewDue).toBe('2026-01-10');
		// due 2024-03-10 → next 2027-03-10 is after the switch (and at expiry): none
		expect(reviewPassed({ validUntil: '2027-03-09', nextReviewDue: '2024-03-10' }, '2024-02-01').nextReviewDue).toBeNull();
		expect(() => reviewPassed({ validUntil: '2030-01-01', nextReviewDue: '2027-01-01' }, '2026-12-01')).toThrow('19号令');
		expect(() => reviewPassed({ validUntil: '2030-01-01', nextReviewDue: null }, '2026-12-01')).toThrow('没有待办的复审');
		expect(() => reviewPassed({ validUntil: '2025-01-01', nextReviewDue: '2024-01-01' }, '2025-02-01')).toThrow('已过有效期');
	});

	it('training validity is configuration (default 12 months)', () => {
		expect(termsOnIssue('training', '2026-12-01').validUntil).toBe('2027-11-30');
		expect(termsOnIssue('training', '2026-12-01', { trainingValidityMonths: 24 }).validUntil).toBe('2028-11-30');
		expect(certificateConfigFromEnv({ ANXUN_TRAINING_CERT_MONTHS: '24' }).trainingValidityMonths).toBe(24);
		expect(() => certificateConfigFromEnv({ ANXUN_TRAINING_CERT_MONTHS: 'x' })).toThrow('ANXUN_TRAINING_CERT_MONTHS');
	});

	it('public status: 有效 / 已过期 / 待复审 / 已撤销 / 不存在; revoked is never 有效', () => {
		const cert = { status: 'issued', issuedOn: '2021-03-10', validUntil: '2027-03-09', nextReviewDue: '2024-03-10' };
		expect(publicStatusOn(cert, '2023-01-01').status).toBe('valid');
		expect(publicStatusOn(cert, '2024-02-01')).toMatchObject({ status: 'valid', note: expect.stringContaining('复审申请期') });
		expect(publicStatusOn(cert, '2024-03-11').status).toBe('review_due');
		expect(publicStatusOn({ ...cert, nextReviewDue: null }, '2027-03-09').status).toBe('valid');
		expect(publicStatusOn({ ...cert, nextReviewDue: null }, '2027-03-10').status).toBe('expired');
		expect(publicStatusOn({ ...cert, status: 'revoked', revokeReason: '伪造材料' }, '2023-01-01')).toEqual({ status: 'revoked', note: '伪造材料' });
		expect(publicStatusOn({ ...cert, status: 'proposed' }, '2023-01-01').status).toBe('not_found');
		expect(publicStatusOn(null, '2023-01-01').status).toBe('not_found');
		// the coverage reports' definition
		expect(isValidOn(cert, '2027-03-09')).toBe(true);
		expect(isValidOn({ ...cert, status: 'revoked' }, '2023-01-01')).toBe(false);
	});
});
