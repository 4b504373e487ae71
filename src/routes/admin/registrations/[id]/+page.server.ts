import type { Actions, PageServerLoad } from './$types';
import { loadApplication, reviewActions } from '#lib/server/registration/review-page.ts';

export const load: PageServerLoad = loadApplication('platform_admin');
export const actions: Actions = reviewActions('platform_admin');
