import { describe, expect, it } from 'vitest';
import { planRange } from './range.ts';

const ETAG = '"abc"';
const plan = (size: number, range: string | null, extra: { ifRange?: string; ifNoneMatch?: string } = {}) => planRange(size, ETAG, { range, ...extra });

describe('planRange', () => {
	it('sends the whole file without a Range header', () => {
		expect(plan(1000, null)).toEqual({ status: 200, start: 0, end: 999, length: 1000 });
	});

	it('answers bytes=a-b, a- and -n with 206 and Content-Range', () => {
		expect(plan(1000, 'bytes=0-99')).toEqual({ status: 206, start: 0, end: 99, length: 100, contentRange: 'bytes 0-99/1000' });
		expect(plan(1000, 'bytes=900-')).toMatchObject({ status: 206, start: 900, end: 999, contentRange: 'bytes 900-999/1000' });
		expect(plan(1000, 'bytes=-100')).toMatchObject({ status: 206, start: 900, end: 999, length: 100 });
		expect(plan(1000, 'bytes=0-')).toMatchObject({ status: 206, start: 0, end: 999, length: 1000 });
	});

	it('clips a range that runs past the end, and a suffix longer than the file', () => {
		expect(plan(1000, 'bytes=990-5000')).toMatchObject({ status: 206, start: 990, end: 999, length: 10 });
		expect(plan(1000, 'bytes=-5000')).toMatchObject({ status: 206, start: 0, end: 999 });
	});

	it('answers 416 with bytes */size when nothing of the range exists', () => {
		expect(plan(1000, 'bytes=1000-')).toEqual({ status: 416, contentRange: 'bytes */1000' });
		expect(plan(1000, 'bytes=5000-6000')).toEqual({ status: 416, contentRange: 'bytes */1000' });
		expect(plan(1000, 'bytes=-0')).toEqual({ status: 416, contentRange: 'bytes */1000' });
		expect(plan(0, 'bytes=0-')).toEqual({ status: 416, contentRange: 'bytes */0' });
	});

	it('ignores ranges it does not understand, and several ranges at once', () => {
		for (const h of ['items=0-1', 'bytes=abc', 'bytes=5-1', 'bytes=0-1,5-6', 'bytes=-']) expect(plan(1000, h).status, h).toBe(200);
	});

	it('honours If-Range and If-None-Match with the ETag', () => {
		expect(plan(1000, 'bytes=0-9', { ifRange: ETAG }).status).toBe(206);
		expect(plan(1000, 'bytes=0-9', { ifRange: '"old"' }).status).toBe(200);
		expect(plan(1000, null, { ifNoneMatch: ETAG }).status).toBe(304);
		expect(plan(1000, null, { ifNoneMatch: `"x", W/${ETAG}` }).status).toBe(304);
		expect(plan(1000, null, { ifNoneMatch: '"x"' }).status).toBe(200);
	});
});
