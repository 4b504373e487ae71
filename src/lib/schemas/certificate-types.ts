// The one certificate-type vocabulary. Two code sets, related by `certificateKindOfExamType`:
// - a certificate's kind (certificates.type): what is issued;
// - an exam's certificate type (exam_blueprints.certificate_type): what a pass leads to.
// Pages, exports and rules take their labels from here (safe in the browser: no server imports).

export const CERTIFICATE_KINDS = ['safety_knowledge', 'special_work', 'training'] as const;
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];

/** certificates.type read back from the database (the CHECK constraint allows only the kinds). */
export function certificateKind(value: string): CertificateKind {
	if ((CERTIFICATE_KINDS as readonly string[]).includes(value)) return value as CertificateKind;
	throw new Error(`未知的证书类型 certificates.type：${value}`);
}

/** Short names of the certificates, as pages and exports show them. */
export const CERTIFICATE_KIND_NAMES: Record<CertificateKind, string> = {
	safety_knowledge: '安全生产知识和管理能力考核合格证',
	special_work: '特种作业操作证',
	training: '培训合格证明'
};

/** Full titles, as printed on the certificate and signed into its payload (typeName). */
export const CERTIFICATE_KIND_TITLES: Record<CertificateKind, string> = {
	...CERTIFICATE_KIND_NAMES,
	special_work: '中华人民共和国特种作业操作证'
};

export const EXAM_CERTIFICATE_TYPES = ['special_work', 'principal_or_safety_manager', 'training'] as const;
export type ExamCertificateType = (typeof EXAM_CERTIFICATE_TYPES)[number];

/** exam_blueprints.certificate_type → the certificate a pass earns (null: none, e.g. 'none'). */
export function certificateKindOfExamType(examType: string): CertificateKind | null {
	switch (examType) {
		case 'principal_or_safety_manager':
			return 'safety_knowledge';
		case 'special_work':
			return 'special_work';
		case 'training':
			return 'training';
		default:
			return null;
	}
}

/** The name of the certificate an exam type leads to (the code itself when it leads to none). */
export function certificateNameOfExamType(examType: string): string {
	const kind = certificateKindOfExamType(examType);
	return kind ? CERTIFICATE_KIND_NAMES[kind] : examType;
}
