// npm run banks:schema — writes question-banks/schema/*.json from the zod schemas.
import { writeFileSync } from 'node:fs';
import { bankJsonSchema, questionFileJsonSchema } from '../src/lib/question-bank/json-schema.ts';

writeFileSync('question-banks/schema/bank.schema.json', JSON.stringify(bankJsonSchema(), null, 2) + '\n');
writeFileSync('question-banks/schema/questions.schema.json', JSON.stringify(questionFileJsonSchema(), null, 2) + '\n');
console.log('question-banks/schema/*.json written');
