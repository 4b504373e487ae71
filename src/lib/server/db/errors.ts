/** PostgreSQL unique_violation: two requests raced for the same unique value. */
export function isUniqueViolation(e: unknown): boolean {
	return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';
}
