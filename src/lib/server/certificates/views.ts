// Row → screen mapping shared by the learner and enterprise lists.
import { shanghaiDate } from '../../domain/dates.ts';
import { maskIdNumber } from '../../domain/identifiers.ts';
import type { CertificateListRow } from './certificates.repository.ts';
import { certificateKind } from '../../schemas/certificate-types.ts';
import { CERTIFICATE_KIND_LABELS, daysBetween, PUBLIC_STATUS_LABELS, publicStatusOn } from './rules.ts';

export function certificateView(c: CertificateListRow, now: Date) {
	const today = shanghaiDate(now);
	const s = publicStatusOn({ status: c.status, issuedOn: c.issued_on, validUntil: c.valid_until, nextReviewDue: c.next_review_due, revokeReason: c.revoke_reason }, today);
	return {
		id: c.id,
		number: c.number,
		typeName: CERTIFICATE_KIND_LABELS[certificateKind(c.type)],
		name: c.person_name,
		idNumber: maskIdNumber(c.id_number),
		issuer: c.issuer_name,
		issuedOn: c.issued_on,
		validUntil: c.valid_until,
		nextReviewDue: c.next_review_due,
		daysLeft: c.valid_until ? daysBetween(today, c.valid_until) : null,
		status: s.status,
		statusLabel: PUBLIC_STATUS_LABELS[s.status],
		note: s.note
	};
}
