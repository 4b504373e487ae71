import { OPTION_KEYS, questionSchema, type Question } from '../question-bank/schema.ts';
import { zodErrors } from '../forms/failure.ts';

/** The question editor's form fields → a validated Question, or errors per field (Chinese). */
export function parseQuestionForm(form: FormData): { ok: true; question: Question } | { ok: false; errors: Record<string, string>; values: Record<string, unknown> } {
	const get = (k: string) => String(form.get(k) ?? '').trim();
	const type = get('type');
	const options: Record<string, string> = {};
	if (type !== 'judge') {
		for (const k of OPTION_KEYS) {
			const v = get(`option_${k}`);
			if (v) options[k] = v;
		}
	}
	const keys = form.getAll('answer').map(String);
	const answer = type === 'judge' ? (get('judge') === 'true' ? true : get('judge') === 'false' ? false : undefined) : type === 'single' ? keys[0] : keys.sort();
	const basis = get('basis')
		.split(/\r?\n|；/)
		.map((l) => l.trim())
		.filter(Boolean)
		.map((l) => {
			const at = l.search(/\s/);
			return at < 0 ? { source: l, ref: '' } : { source: l.slice(0, at), ref: l.slice(at).trim() };
		});
	const raw = {
		id: get('id'),
		type,
		stem: get('stem'),
		options: type === 'judge' ? undefined : options,
		answer,
		explanation: get('explanation'),
		basis,
		knowledge: get('knowledge'),
		difficulty: Number(get('difficulty'))
	};
	const parsed = questionSchema.safeParse(raw);
	if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error), values: raw };
	return { ok: true, question: parsed.data };
}
