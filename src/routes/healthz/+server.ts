import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { health } from '#lib/server/runtime.ts';

export const GET: RequestHandler = async () => json(await health());
