import type { Actions, PageServerLoad } from './$types';
import { loadApplication, reviewActions } from '#lib/server/registration/review-page.ts';

export const load: PageServerLoad = loadApplication('regulator');
export const actions: Actions = reviewActions('regulator');
