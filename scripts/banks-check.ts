// npm run banks:check — every problem as `file: question-id: message`; exit 1 if any.
import { formatProblem, loadBanks } from '../src/lib/server/question-bank/files.ts';

const root = process.argv[2] ?? 'question-banks';
const { banks, problems } = loadBanks(root);
for (const p of problems) console.log(formatProblem(p));
const total = banks.reduce((s, b) => s + b.questions.length, 0);
console.log(`banks=${banks.length} questions=${total} problems=${problems.length}`);
process.exitCode = problems.length ? 1 : 0;
