import { describe, expect, it } from 'vitest';
import { hasOwnNumber, listNumbersItself } from './numbering.ts';

describe('lesson titles that carry their own number', () => {
	it('recognises 第一节, 第3课, 1. / 1、 / 1.2 and （一）', () => {
		for (const t of ['第一节 安全生产第一责任人', '第3课 防护', '1. 概述', '1、概述', '1.2 细则', '（一）总则', '一、总则', '第二章 隐患']) expect(hasOwnNumber(t), t).toBe(true);
	});
	it('leaves plain titles and numbers inside a title alone', () => {
		for (const t of ['安全生产第一责任人', '2023版判定标准', '第二十一条规定的七项法定职责', '10kV 配电']) expect(hasOwnNumber(t), t).toBe(false);
	});
	it('numbers a list only when no title is numbered already', () => {
		expect(listNumbersItself(['总则', '职责'])).toBe(true);
		expect(listNumbersItself(['第一节 总则', '第二节 职责'])).toBe(false);
	});
});
