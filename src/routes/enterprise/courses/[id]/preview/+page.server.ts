// The same pages as an institution's course authoring; the route id makes them the enterprise's
// (enterprise_admin, its own courses only): see #lib/server/courses/author-area.ts.
import { load as sharedLoad } from '../../../../institution/courses/[id]/preview/+page.server.ts';

export const load = sharedLoad;
