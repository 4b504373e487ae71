// What bench:start-batch and bench:sync-batch share: their options (--candidates 2,000, --connections 10,
// --batch 25, --rounds 2), a wiped database with one open session whose N candidates have prepared
// papers, and each candidate's 开始考试 request (browser `bench-<person>`).
import { benchDatabaseUrl, numberArg, openWipedDatabase } from './support.ts';
import { makeExamFixture } from '../tests/support/exam-engine-fixture.ts';
import { prepareSessionPapers } from '../src/lib/server/exams/paper-service.ts';
import type { EligibleStart } from '../src/lib/server/exams/exam.repository.ts';

export async function openBatchBench() {
	const options = { n: numberArg('candidates', 2000), connections: numberArg('connections', 10), batch: numberArg('batch', 25), rounds: numberArg('rounds', 2) };
	const database = await openWipedDatabase(benchDatabaseUrl(), options.connections);
	const now = new Date();
	const fixture = await makeExamFixture(database.db, { opensAt: new Date(now.getTime() - 60_000), closesAt: new Date(now.getTime() + 4 * 3600_000), candidates: options.n });
	await prepareSessionPapers(database.db, fixture.sessionId, now);
	const starts: EligibleStart[] = fixture.persons.map((personId) => ({
		sessionId: fixture.sessionId,
		personId,
		accessCodeUpper: '',
		hasPhoto: false,
		now: new Date(),
		client: { clientId: `bench-${personId}`, ip: '127.0.0.1', userAgent: 'bench' }
	}));
	return { ...options, database, db: database.db, sessionId: fixture.sessionId, starts };
}
