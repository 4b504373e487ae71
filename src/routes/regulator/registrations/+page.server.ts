import type { PageServerLoad } from './$types';
import { loadQueue } from '#lib/server/registration/review-page.ts';

export const load: PageServerLoad = loadQueue('regulator');
