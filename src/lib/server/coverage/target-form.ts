// The target form's fields → the shape targetInputSchema validates (which names the field on error).
export function targetFormToInput(form: FormData): unknown {
	const s = (k: string) => {
		const v = form.get(k);
		return typeof v === 'string' ? v.trim() : '';
	};
	const list = (k: string) => form.getAll(k).filter((v): v is string => typeof v === 'string' && v !== '');
	const num = (k: string) => (s(k) === '' ? undefined : Number(s(k)));
	const studyKind = s('studyKind') || 'none';
	const study =
		studyKind === 'courses'
			? { kind: 'courses', courseCodes: list('courseCodes') }
			: studyKind === 'hours'
				? { kind: 'hours', hours: num('hours') }
				: { kind: studyKind };
	return {
		code: s('code'),
		title: s('title'),
		regionCode: s('regionCode'),
		periodStart: s('periodStart'),
		periodEnd: s('periodEnd'),
		deadline: s('deadline'),
		goalPercent: num('goalPercent'),
		definition: {
			population: {
				orgKinds: list('orgKinds'),
				roleCategories: list('roleCategories'),
				industries: list('industries'),
				highRisk: s('highRisk') === 'yes' ? true : s('highRisk') === 'no' ? false : null,
				scale: s('scale') === '' ? null : s('scale')
			},
			requirement: {
				study,
				exam: s('exam') === 'on' ? { certificateTypes: [] } : null,
				certificate: list('certificateTypes').length ? { types: list('certificateTypes') } : null
			}
		},
		sourceDoc: s('sourceDoc'),
		sourceClause: s('sourceClause'),
		note: s('note') || null
	};
}
