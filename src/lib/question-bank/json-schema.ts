import { z } from 'zod';
import { bankSchema, caseSchema, questionSchema } from './schema.ts';

export function bankJsonSchema() {
	return { $id: 'https://anxun.example/schema/bank.schema.json', ...z.toJSONSchema(bankSchema, { io: 'input', unrepresentable: 'any' }) };
}

export function questionFileJsonSchema() {
	return {
		$id: 'https://anxun.example/schema/questions.schema.json',
		...z.toJSONSchema(z.object({ cases: z.array(caseSchema).optional(), questions: z.array(questionSchema) }), { io: 'input', unrepresentable: 'any' })
	};
}
