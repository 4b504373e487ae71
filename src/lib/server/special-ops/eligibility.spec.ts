import { describe, expect, it } from 'vitest';
import { ageOn, birthFromIdNumber, checkAge, checkEligibility, describeRefusals, educationRuleFor, regimeOn, type EligibilityInput } from './eligibility.ts';
import { idNumberCheckChar } from '../../domain/identifiers.ts';

function idNumber(birth: string, sexDigit: number): string {
	const first17 = `500112${birth}12${sexDigit}`;
	return first17 + idNumberCheckChar(first17);
}

const base = (patch: Partial<EligibilityInput>): EligibilityInput => ({
	on: '2026-05-31',
	idNumber: idNumber('19900101', 1),
	category: '电工作业',
	education: 'junior',
	healthDeclared: true,
	exemption: 'none',
	hasExemptionEvidence: false,
	...patch
});

const finding = (input: EligibilityInput, code: string) => checkEligibility(input).findings.find((f) => f.code === code)!;

describe('regime switch on 2026-06-01', () => {
	it('is 30号令 until 2026-05-31 and 19号令 from 2026-06-01', () => {
		expect(regimeOn('2026-05-31')).toBe('order30');
		expect(regimeOn('2026-06-01')).toBe('order19');
	});
});

describe('age (30号令 第四条（一）)', () => {
	it('reads birth date and sex from the 身份证号', () => {
		expect(birthFromIdNumber(idNumber('20080601', 3))).toEqual({ birthDate: '2008-06-01', sex: 'male' });
		expect(birthFromIdNumber(idNumber('19760101', 2))).toEqual({ birthDate: '1976-01-01', sex: 'female' });
		expect(birthFromIdNumber('123')).toBeNull();
	});
	it('counts full years', () => {
		expect(ageOn('2008-06-01', '2026-05-31')).toBe(17);
		expect(ageOn('2008-06-01', '2026-06-01')).toBe(18);
	});
	it('refuses the day before the 18th birthday and accepts on it, on both sides of the switch', () => {
		const id = idNumber('20080601', 1);
		const before = checkAge(id, '2026-05-31').find((f) => f.code === 'age_min')!;
		expect(before.ok).toBe(false);
		expect(before.message).toContain('未满18周岁');
		expect(before.cite).toBe('30号令 第四条（一）');
		const on = checkAge(id, '2026-06-01').find((f) => f.code === 'age_min')!;
		expect(on.ok).toBe(true);
		expect(on.cite).toContain('19号令');
	});
	it('refuses a man at 60 and a woman at 50 (configurable, 未核实)', () => {
		const man = checkAge(idNumber('19660601', 1), '2026-06-01').find((f) => f.code === 'age_max')!;
		expect(man.ok).toBe(false);
		expect(man.message).toContain('超过国家法定退休年龄（男60周岁）');
		expect(man.status).toBe('未核实');
		expect(checkAge(idNumber('19660602', 1), '2026-06-01').find((f) => f.code === 'age_max')!.ok).toBe(true);
		expect(checkAge(idNumber('19760601', 2), '2026-06-01').find((f) => f.code === 'age_max')!.ok).toBe(false);
		expect(checkAge(idNumber('19760601', 2), '2026-06-01', { male: 60, female: 55, verified: false }).find((f) => f.code === 'age_max')!.ok).toBe(true);
	});
});

describe('education by category and regime', () => {
	it('30号令: 电工作业 needs 初中; 危险化学品 needs 高中 or equivalent', () => {
		expect(finding(base({ education: 'primary' }), 'education')).toMatchObject({ ok: false, cite: '30号令 第四条（三）', status: '法条' });
		expect(finding(base({ education: 'junior' }), 'education').ok).toBe(true);
		expect(finding(base({ category: '危险化学品安全作业', education: 'junior' }), 'education')).toMatchObject({ ok: false, cite: '30号令 第四条第二款' });
		expect(finding(base({ category: '危险化学品安全作业', education: 'vocational' }), 'education').ok).toBe(true);
	});
	it('19号令 drops the requirement for 电工, 焊接与热切割 and 高处 (二手), keeps it for others', () => {
		for (const category of ['电工作业', '焊接与热切割作业', '高处作业']) {
			const f = finding(base({ on: '2026-06-01', category, education: null }), 'education');
			expect(f).toMatchObject({ ok: true, status: '二手' });
		}
		expect(finding(base({ on: '2026-05-31', category: '焊接与热切割作业', education: null }), 'education').ok).toBe(false);
		expect(finding(base({ on: '2026-06-01', category: '制冷与空调作业', education: 'primary' }), 'education').ok).toBe(false);
		expect(educationRuleFor('危险化学品安全作业', '2026-06-01').minimum).toBe('senior');
	});
});

describe('health declaration and exemptions', () => {
	it('requires the written health declaration', () => {
		expect(finding(base({ healthDeclared: false }), 'health').ok).toBe(false);
	});
	it('allows the 职业技能等级证书 exemption only from 2026-06-01, and only with evidence', () => {
		const before = finding(base({ exemption: 'skill_certificate', hasExemptionEvidence: true }), 'exemption');
		expect(before.ok).toBe(false);
		expect(before.message).toContain('自 2026-06-01 起适用');
		expect(finding(base({ on: '2026-06-01', exemption: 'skill_certificate', hasExemptionEvidence: true }), 'exemption').ok).toBe(true);
		expect(finding(base({ on: '2026-06-01', exemption: 'skill_certificate', hasExemptionEvidence: false }), 'exemption').ok).toBe(false);
		expect(finding(base({ exemption: 'relevant_education', hasExemptionEvidence: true }), 'exemption')).toMatchObject({ ok: true, cite: '30号令 第九条第二款' });
	});
	it('names every failed rule with its source', () => {
		const v = checkEligibility(base({ idNumber: idNumber('20100101', 1), education: 'primary', healthDeclared: false }));
		expect(v.ok).toBe(false);
		const lines = describeRefusals(v);
		expect(lines).toHaveLength(3);
		expect(lines[0]).toContain('依据：30号令 第四条（一）');
		expect(lines.join('\n')).toContain('应急管理部公告2018年第12号');
	});
});
