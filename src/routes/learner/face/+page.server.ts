import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { CONSENT_TEXT, CONSENT_VERSION, enrolFromCapture, enrolFromSpecialOps, faceStatus, FaceError, recordConsent } from '#lib/server/face/face-service.ts';
import { FaceBusyError, FaceImageError, faceEngine } from '#lib/server/face/engine.ts';
import { faceThresholds } from '#lib/server/face/config.ts';
import { checkFaceImage } from '#lib/server/face/image.ts';
import { formFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'learner');
	const status = scope.personId === null ? null : await faceStatus(await getDb(), scope.personId);
	return {
		consentText: CONSENT_TEXT,
		consentVersion: CONSENT_VERSION,
		status: status && {
			consentGiven: status.consent.given,
			consentAt: status.consent.at?.toISOString() ?? null,
			reference: status.reference && { status: status.reference.status, source: status.reference.source },
			active: status.active
		}
	};
};

function person(locals: App.Locals) {
	const scope = requireRole(locals, 'learner');
	if (scope.personId === null) return { scope, personId: null };
	return { scope, personId: scope.personId };
}

async function guarded<T>(work: () => Promise<T>) {
	try {
		return await work();
	} catch (err) {
		if (err instanceof FaceBusyError) return formFailure(503, err.message);
		if (err instanceof FaceImageError) return formFailure(400, `登记照片 frames：${err.message}`);
		if (err instanceof FaceError) return formFailure(err.status, err.message);
		throw err;
	}
}

export const actions: Actions = {
	consent: async (event) => {
		const { locals } = event;
		const { scope, personId } = person(locals);
		if (personId === null) return formFailure(403, '当前账号没有关联学员档案');
		await recordConsent(await getDb(), actorOf(scope, event), { personId, action: 'given' }, now());
		return { done: '已记录您的同意。' };
	},
	withdraw: async (event) => {
		const { locals } = event;
		const { scope, personId } = person(locals);
		if (personId === null) return formFailure(403, '当前账号没有关联学员档案');
		await recordConsent(await getDb(), actorOf(scope, event), { personId, action: 'withdrawn' }, now());
		return { done: '已撤回同意：不再抓拍比对。请联系企业培训管理员安排现场签到。' };
	},
	enrolPhoto: async (event) => {
		const { locals } = event;
		const { scope, personId } = person(locals);
		if (personId === null) return formFailure(403, '当前账号没有关联学员档案');
		return guarded(async () => {
			const ok = await enrolFromSpecialOps(await getDb(), faceEngine(), faceThresholds(), actorOf(scope, event), { personId }, now());
			return ok ? { done: '已使用特种作业报名证件照作为登记照片。' } : formFailure(404, '没有可用的特种作业报名证件照，请拍摄 3 张照片登记。');
		});
	},
	enrolCapture: async (event) => {
		const { locals, request } = event;
		const { scope, personId } = person(locals);
		if (personId === null) return formFailure(403, '当前账号没有关联学员档案');
		const form = await request.formData();
		const files = form.getAll('frames').filter((f): f is File => f instanceof File && f.size > 0);
		if (files.length !== 3) return formFailure(400, '登记照片 frames：须为 3 张照片');
		const frames: Uint8Array[] = [];
		for (const [i, f] of files.entries()) {
			const bytes = new Uint8Array(await f.arrayBuffer());
			const problem = checkFaceImage(bytes);
			if (problem) return formFailure(400, `登记照片 frames 第 ${i + 1} 张：${problem}`);
			frames.push(bytes);
		}
		return guarded(async () => {
			const r = await enrolFromCapture(await getDb(), faceEngine(), faceThresholds(), actorOf(scope, event), { personId, frames }, now());
			return r.ok ? { done: '登记照片已提交，待企业培训管理员确认。' } : formFailure(400, `登记照片 frames：${r.message}`);
		});
	}
};
