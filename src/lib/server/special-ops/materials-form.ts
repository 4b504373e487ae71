import type { MaterialsInput, UploadedFile } from './application-service.ts';
import type { ApplicationRow } from './applications.repository.ts';
import { materialsSchema } from '../../schemas/special-ops-application.ts';
import { formFields } from '../../schemas/findings.ts';
import { zodErrors } from '../../forms/failure.ts';

// Reads the file fields of a materials form. An empty file input (nothing chosen) is null; the
// bytes of a chosen file are read whole: the body limit of the route (http/body-limit.ts) caps them.

export const MATERIAL_FILE_FIELDS = ['photo', 'idFront', 'idBack', 'evidence'] as const;

export async function readUploadedFile(form: FormData, name: string): Promise<UploadedFile | null> {
	const value = form.get(name);
	if (!(value instanceof File) || (value.size === 0 && !value.name)) return null;
	return { name: value.name || name, bytes: new Uint8Array(await value.arrayBuffer()) };
}

export async function readMaterialFiles(form: FormData) {
	const [photo, idFront, idBack, evidence] = await Promise.all(MATERIAL_FILE_FIELDS.map((f) => readUploadedFile(form, f)));
	return { photo: photo ?? null, idFront: idFront ?? null, idBack: idBack ?? null, evidence: evidence ?? null };
}

/** The materials form, parsed: the fields by zod, the files as bytes. */
export async function parseMaterialsForm(form: FormData): Promise<{ ok: true; input: MaterialsInput } | { ok: false; errors: Record<string, string> }> {
	const parsed = materialsSchema.safeParse(formFields(form, ['education', 'health', 'exemption', 'intent']));
	if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
	const files = await readMaterialFiles(form);
	return {
		ok: true,
		input: { education: parsed.data.education, healthDeclared: parsed.data.health, exemption: parsed.data.exemption, ...files, submit: parsed.data.intent === 'submit' }
	};
}

/** What a materials form shows as already there. */
export function currentMaterials(a: ApplicationRow) {
	return {
		education: a.education,
		healthDeclared: a.health_declared_at !== null,
		exemption: a.exemption,
		hasPhoto: a.photo_file_id !== null,
		hasIdFront: a.id_front_file_id !== null,
		hasIdBack: a.id_back_file_id !== null,
		hasEvidence: a.exemption_evidence_file_id !== null
	};
}
