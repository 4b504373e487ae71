// The same pages as an institution's course authoring; the route id makes them the enterprise's
// (enterprise_admin, its own courses only): see #lib/server/courses/author-area.ts.
import { load as sharedLoad, actions as sharedActions } from '../../../../../institution/courses/[id]/lessons/[lessonId]/+page.server.ts';

export const load = sharedLoad;
export const actions = sharedActions;
