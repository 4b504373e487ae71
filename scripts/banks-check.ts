// npm run banks:check — every problem as `file: question-id: message`, then every quality-rule
// finding as `bank: question-id: rule：message`; exit 1 if any.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem, loadBanks, loadQualityConfig } from '../src/lib/server/question-bank/files.ts';
import { checkQuality, formatQualityProblem } from '../src/lib/server/question-bank/quality.ts';

const root = process.argv[2] ?? 'question-banks';
const { banks, problems } = loadBanks(root);
// a root without its own quality.yaml (e.g. the test fixtures) is checked with the real thresholds
const { config, problems: configProblems } = loadQualityConfig(existsSync(join(root, 'quality.yaml')) ? root : 'question-banks');
problems.push(...configProblems);
for (const p of problems) console.log(formatProblem(p));
const quality = config ? checkQuality(banks.map((b) => ({ code: b.bank.code, questions: b.questions, cases: b.cases })), config) : [];
for (const p of quality) console.log(formatQualityProblem(p));
const total = banks.reduce((s, b) => s + b.questions.length, 0);
console.log(`banks=${banks.length} questions=${total} problems=${problems.length} quality=${quality.length}`);
process.exitCode = problems.length || quality.length ? 1 : 0;
