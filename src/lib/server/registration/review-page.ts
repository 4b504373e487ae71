import { error } from '@sveltejs/kit';
import { requireRole } from '../auth/guards.ts';
import { getDb, now } from '../runtime.ts';
import { requireIdParam } from '../../schemas/params.ts';
import { refusalSchema } from '../../schemas/registration.ts';
import { maskIdNumber } from '../../domain/identifiers.ts';
import { confirmRegistration, getRegistration, listRegistrations, refuseRegistration, type Reviewer } from './registration-service.ts';
import { formFailure, zodFailure } from '../../forms/failure.ts';
import { regionalActorOf } from '../audit/actor.ts';

// The review queue is the same page for a regulator (its region) and the platform admin (all):
// these build its load and actions, so the two routes stay three lines each.

type Event = { locals: App.Locals; getClientAddress: () => string };
type ReviewerRole = 'regulator' | 'platform_admin';

function reviewerOf(event: Event, role: ReviewerRole): Reviewer {
	return regionalActorOf(requireRole(event.locals, role), event);
}

export function loadQueue(role: ReviewerRole) {
	return async (event: Event) => {
		const reviewer = reviewerOf(event, role);
		const [pending, decided] = await listRegistrations(await getDb(), reviewer.regionPath);
		return { pending, decided };
	};
}

export function loadApplication(role: ReviewerRole) {
	return async (event: Event & { params: Record<string, string> }) => {
		const reviewer = reviewerOf(event, role);
		const a = await getRegistration(await getDb(), requireIdParam(event.params.id), reviewer.regionPath);
		if (!a) error(404, '没有这条注册申请');
		// The reviewer sees the 身份证号 masked: the check digit was verified on submission and the
		// contact's identity is matched again when the account is activated.
		return { application: { ...a, region_path: undefined, contact_id_number: maskIdNumber(a.contact_id_number) } };
	};
}

export function reviewActions(role: ReviewerRole) {
	return {
		confirm: async (event: Event & { params: Record<string, string>; url: URL }) => {
			const reviewer = reviewerOf(event, role);
			const id = requireIdParam(event.params.id);
			const result = await confirmRegistration(await getDb(), reviewer, id, now(), `${event.url.origin}/login`);
			if (!result.ok) {
				if (result.notFound) error(404, '没有这条注册申请');
				return formFailure(409, result.message);
			}
			return { confirmed: { account: result.account, password: result.password, orgId: result.orgId } };
		},
		refuse: async (event: Event & { params: Record<string, string>; request: Request }) => {
			const reviewer = reviewerOf(event, role);
			const id = requireIdParam(event.params.id);
			const form = await event.request.formData();
			const reason = form.get('reason');
			const parsed = refusalSchema.safeParse({ reason: typeof reason === 'string' ? reason : undefined });
			if (!parsed.success) return zodFailure(parsed.error);
			const result = await refuseRegistration(await getDb(), reviewer, id, parsed.data.reason, now());
			if (!result.ok) {
				if (result.notFound) error(404, '没有这条注册申请');
				return formFailure(409, result.message);
			}
			return { refused: true };
		}
	};
}
