import type { Actions, PageServerLoad } from './$types';
import { loadMerge, mergeAction } from '#lib/server/orgs/merge-page.ts';

export const load: PageServerLoad = loadMerge('regulator');
export const actions: Actions = { merge: mergeAction('regulator') };
