import { describe, expect, it } from 'vitest';
import { ANONYMOUS_BODY_LIMIT, bodyLimitFor, FORM_BODY_LIMIT, LARGEST_BODY_LIMIT } from './body-limit.ts';
import { UPLOAD_LIMITS } from '../files/upload.ts';

describe('body limit table', () => {
	it('gives anonymous clients a few KB everywhere, even on upload routes', () => {
		expect(ANONYMOUS_BODY_LIMIT).toBeLessThanOrEqual(8 * 1024);
		for (const route of ['/login', '/activate', '/institution/courses/[id]/lessons/[lessonId]', '/api/exam/attempts/[attemptId]/sync', null]) {
			expect(bodyLimitFor(route, null)).toBe(ANONYMOUS_BODY_LIMIT);
		}
	});

	it('accepts large bodies only from the roles that may upload there', () => {
		const lesson = '/institution/courses/[id]/lessons/[lessonId]';
		expect(bodyLimitFor(lesson, 'institution_admin')).toBeGreaterThan(UPLOAD_LIMITS.video.maxBytes);
		expect(bodyLimitFor(lesson, 'learner')).toBe(ANONYMOUS_BODY_LIMIT);
		expect(bodyLimitFor('/enterprise/staff/import', 'enterprise_admin')).toBeGreaterThan(20 * 1024 * 1024);
		expect(bodyLimitFor('/enterprise/staff/import', 'regulator')).toBe(ANONYMOUS_BODY_LIMIT);
		expect(bodyLimitFor('/regulator/enterprises/import', 'regulator')).toBeGreaterThan(20 * 1024 * 1024);
		expect(bodyLimitFor('/regulator/enterprises/import', 'enterprise_admin')).toBe(ANONYMOUS_BODY_LIMIT);
		expect(bodyLimitFor('/api/exam/attempts/[attemptId]/sync', 'learner')).toBe(64 * 1024);
		expect(bodyLimitFor('/regulator/findings', 'regulator')).toBe(FORM_BODY_LIMIT);
		// adapter-node's outer limit (scripts/serve.mjs) must let the largest through
		expect(LARGEST_BODY_LIMIT).toBeLessThanOrEqual(210 * 1000 * 1000);
	});
});
