import { error } from '@sveltejs/kit';
import { requireRole } from '../auth/guards.ts';
import { getDb, now } from '../runtime.ts';
import { idParam } from '../../schemas/params.ts';
import { mergeEnterprises, previewMerge, searchMergeCandidates } from './merge.ts';
import { regionalActorOf } from '../audit/actor.ts';
import { formFailure } from '../../forms/failure.ts';

// The merge page is the same for the platform admin (every enterprise) and a regulator (its
// region): these build its load and action.

type Event = { locals: App.Locals; getClientAddress: () => string; url: URL };
type MergeRole = 'regulator' | 'platform_admin';

function scopeOf(event: Event, role: MergeRole) {
	return regionalActorOf(requireRole(event.locals, role), event);
}

export function loadMerge(role: MergeRole) {
	return async (event: Event) => {
		const actor = scopeOf(event, role);
		const db = await getDb();
		const q = (event.url.searchParams.get('q') ?? '').trim().slice(0, 100);
		const keepRaw = event.url.searchParams.get('keep');
		const dupRaw = event.url.searchParams.get('dup');
		const candidates = q ? await searchMergeCandidates(db, actor.regionPath, q) : [];
		let preview = null;
		let problem: string | null = null;
		if (keepRaw !== null || dupRaw !== null) {
			const keep = idParam(keepRaw);
			const dup = idParam(dupRaw);
			if (keep === null || dup === null) problem = '请选择要保留的企业和重复的企业各一家';
			else if (keep === dup) problem = '保留的企业和重复的企业不能是同一家';
			else {
				preview = await previewMerge(db, actor.regionPath, keep, dup);
				if (!preview) problem = role === 'platform_admin' ? '没有找到所选企业，或它已被合并' : '没有找到所选企业：只能合并本辖区内、尚未被合并的企业';
			}
		}
		return { q, candidates, preview, problem };
	};
}

export function mergeAction(role: MergeRole) {
	return async (event: Event & { request: Request }) => {
		const actor = scopeOf(event, role);
		const form = await event.request.formData();
		const keep = idParam(form.get('keep'));
		const dup = idParam(form.get('dup'));
		if (keep === null || dup === null) error(404, '没有找到所选企业');
		const result = await mergeEnterprises(await getDb(), actor, keep, dup, now());
		if (!result.ok) return formFailure(result.status, result.message);
		return { merged: result.moved };
	};
}
