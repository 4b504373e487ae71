import { requireRole, type Scope } from '../auth/guards.ts';

// Who writes courses, and under which URL. A training institution publishes courses for every
// enterprise; an enterprise writes its own (车间级 and 班组级 三级安全教育, its own devices and
// procedures) which only its own admin and staff see in the catalogue and in plan generation.
// The pages are the same: /enterprise/courses re-exports the /institution/courses routes, and the
// area (hence the role required and the links) follows from the route id.
export type AuthorArea = 'institution' | 'enterprise';

export function authorAreaOf(routeId: string | null): AuthorArea {
	return routeId?.startsWith('/enterprise/') ? 'enterprise' : 'institution';
}

export function requireCourseAuthor(locals: App.Locals, routeId: string | null): { scope: Scope; area: AuthorArea; base: string } {
	const area = authorAreaOf(routeId);
	const scope = requireRole(locals, area === 'enterprise' ? 'enterprise_admin' : 'institution_admin');
	return { scope, area, base: `/${area}/courses` };
}
