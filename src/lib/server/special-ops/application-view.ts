import { maskIdNumber } from '../../domain/identifiers.ts';
import type { ApplicationRow } from './applications.repository.ts';
import type { Verdict } from './eligibility.ts';

// An application as pages show it: the ID number masked, file links, the stored eligibility verdict.

export function applicationView(a: ApplicationRow) {
	const verdict = a.eligibility as Partial<Verdict> | null;
	return {
		id: a.id,
		name: a.person_name,
		idNumber: maskIdNumber(a.id_number),
		code: a.special_operation_code,
		item: a.item,
		category: a.category,
		institution: a.institution_name,
		enterprise: a.enterprise_name,
		channel: a.channel,
		status: a.status,
		education: a.education,
		exemption: a.exemption,
		healthDeclaredAt: a.health_declared_at,
		photoUrl: a.photo_file_id ? `/files/${a.photo_file_id}` : null,
		idFrontUrl: a.id_front_file_id ? `/files/${a.id_front_file_id}` : null,
		idBackUrl: a.id_back_file_id ? `/files/${a.id_back_file_id}` : null,
		evidenceUrl: a.exemption_evidence_file_id ? `/files/${a.exemption_evidence_file_id}` : null,
		reviewReason: a.review_reason,
		reviewedAt: a.reviewed_at,
		submittedAt: a.submitted_at,
		findings: Array.isArray(verdict?.findings) ? verdict.findings : [],
		judgedOn: verdict?.on ?? null
	};
}
