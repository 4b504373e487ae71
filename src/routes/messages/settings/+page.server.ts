import type { Actions, PageServerLoad } from './$types';
import { requireUser } from '#lib/server/auth/guards.ts';
import { getNotificationSettings, saveNotificationSettings } from '#lib/server/notifications/messages.ts';
import { CHANNELS, OPTIONAL_KINDS, isOptionalKind, type Channel } from '#lib/server/notifications/kinds.ts';
import { notificationSettingsSchema } from '#lib/schemas/notifications.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { zodFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const { user } = requireUser(locals);
	const settings = await getNotificationSettings(await getDb(), user.id);
	const mobile = settings.mobile ? `${settings.mobile.slice(0, 3)}****${settings.mobile.slice(7)}` : null;
	return { mobile, email: settings.email, receive: settings.receive, kinds: Object.entries(OPTIONAL_KINDS).map(([kind, label]) => ({ kind, label })) };
};

export const actions: Actions = {
	default: async ({ locals, request, getClientAddress }) => {
		const { user } = requireUser(locals);
		const form = await request.formData();
		const parsed = notificationSettingsSchema.safeParse({ email: String(form.get('email') ?? ''), receive: form.getAll('receive').map(String) });
		if (!parsed.success) return zodFailure(parsed.error, { values: { email: String(form.get('email') ?? '').slice(0, 254) } });
		const receive = parsed.data.receive.flatMap((value) => {
			const [kind = '', channel = ''] = value.split(':');
			return isOptionalKind(kind) && (CHANNELS as readonly string[]).includes(channel) ? [{ kind, channel: channel as Channel }] : [];
		});
		await saveNotificationSettings(await getDb(), { userId: user.id, email: parsed.data.email, receive, ip: getClientAddress(), role: user.membership?.role ?? null }, now());
		return { saved: true };
	}
};
