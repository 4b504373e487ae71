import { describe, expect, it } from 'vitest';
import { describeDevice } from './devices.ts';

describe('describeDevice', () => {
	it('names common browsers and systems', () => {
		expect(describeDevice('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1')).toBe('Safari · iPhone');
		expect(describeDevice('Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36')).toBe('Chrome · Android');
		expect(describeDevice('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0')).toBe('Edge · Windows');
		expect(describeDevice('Mozilla/5.0 (Linux; Android 12) AppleWebKit/537.36 Chrome/107 Mobile Safari/537.36 MicroMessenger/8.0')).toBe('微信 · Android');
		expect(describeDevice(null)).toBe('未知设备');
		expect(describeDevice('curl/8.0')).toBe('其他设备（curl/8.0）');
	});
});
