// Export of a regulator region's 特种作业 data for a date range, and the all-or-nothing import of
// certificate records issued elsewhere, through an ExchangeAdapter.
import type { Db } from '../../db/index.ts';
import { withTransaction } from '../../db/transaction.ts';
import { audit, type ScopedActor } from '../../audit/actor.ts';
import { addDays } from '../../certificates/rules.ts';
import type { ExchangeAdapter } from './adapter.ts';
import { EXCHANGE_FORMAT, EXCHANGE_VERSION, type ExchangeBundle, type RowError } from './format.ts';
import {
	existingExternalNumbers,
	findPersonsInRegion,
	getRegion,
	insertExternalCertificates,
	knownOperationCodes,
	listExportApplications,
	listExportCertificates,
	listExportResults
} from './exchange.repository.ts';

export type RegionActor = ScopedActor & { regionPath: string; regionCode: string };

/** Start of a Shanghai calendar day as an instant. */
const dayStart = (d: string) => new Date(`${d}T00:00:00+08:00`);
const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

export async function buildExport(db: Db, actor: RegionActor, period: { from: string; to: string }, now: Date): Promise<ExchangeBundle> {
	const from = dayStart(period.from);
	const toExclusive = dayStart(addDays(period.to, 1));
	const region = await getRegion(db, actor.regionCode);
	const apps = await listExportApplications(db, actor.regionPath, from, toExclusive);
	const results = await listExportResults(db, actor.regionPath, from, toExclusive);
	const certs = await listExportCertificates(db, actor.regionPath, period.from, period.to);
	const bundle: ExchangeBundle = {
		format: EXCHANGE_FORMAT,
		version: EXCHANGE_VERSION,
		generatedAt: now.toISOString(),
		region: { code: region.code, name: region.name },
		period,
		applications: apps.map((a) => ({
			id: a.id,
			kind: a.kind as 'initial' | 'renewal' | 'return_to_post',
			status: a.status,
			idNumber: a.id_number,
			name: a.name,
			operationCode: a.special_operation_code,
			institution: a.institution,
			enterprise: a.enterprise,
			submittedAt: iso(a.submitted_at)!,
			reviewedAt: iso(a.reviewed_at)
		})),
		examResults: [
			...results.theory.map((t) => ({ applicationId: t.application_id, part: 'theory' as const, attemptNo: null, score: t.score === null ? null : Number(t.score), passed: t.passed === true, veto: null, finishedAt: iso(t.finished_at)! })),
			...results.practical.map((p) => ({ applicationId: p.application_id, part: 'practical' as const, attemptNo: p.attempt_no, score: p.score === null ? null : Number(p.score), passed: p.passed === true, veto: p.veto, finishedAt: iso(p.finalised_at)! }))
		],
		certificates: certs.map((c) => ({
			number: c.number!,
			idNumber: c.id_number,
			name: c.name,
			operationCode: c.special_operation_code!,
			issuingAuthority: c.issuer ?? '',
			issuedOn: c.issued_on!,
			validUntil: c.valid_until!,
			status: c.status === 'revoked' ? 'revoked' : 'valid',
			photoSha256: c.photo_sha256,
			replacesNumber: c.replaces_number
		}))
	};
	await audit(db, actor, now, 'exchange.export', `region:${region.code}`, { ...period, applications: bundle.applications.length, examResults: bundle.examResults.length, certificates: bundle.certificates.length });
	return bundle;
}

export type ImportOutcome = { ok: true; imported: number } | { ok: false; errors: RowError[] };

/**
 * Imports certificate records issued elsewhere: every record must parse, name a known 操作项目 and a
 * person of the region (by 身份证号, name matching) and be new; otherwise nothing is written and every
 * row error is returned. The imported worker then counts as 持证 for 持证上岗.
 */
export async function importExternalCertificates(db: Db, actor: RegionActor, adapter: ExchangeAdapter, input: string, now: Date): Promise<ImportOutcome> {
	const parsed = await adapter.readCertificates(input);
	if (!parsed.ok) return parsed;
	return withTransaction(db, async (tx) => {
		const records = parsed.records;
		const codes = await knownOperationCodes(tx);
		const persons = new Map((await findPersonsInRegion(tx, actor.regionPath, [...new Set(records.map((r) => r.idNumber))])).map((p) => [p.id_number, p]));
		const existing = new Set((await existingExternalNumbers(tx, records.map((r) => ({ number: r.number, authority: r.issuingAuthority })))).map((e) => `${e.number}|${e.issuing_authority}`));
		const errors: RowError[] = [];
		records.forEach((r, i) => {
			const row = i + 1;
			if (!codes.has(r.operationCode)) errors.push({ row, message: `第${row}条：操作项目代码 ${r.operationCode} 不在特种作业目录中` });
			const person = persons.get(r.idNumber);
			if (!person) errors.push({ row, message: `第${row}条：身份证号 ${r.idNumber.slice(0, 6)}…${r.idNumber.slice(-4)} 不是本辖区登记的人员` });
			else if (person.name !== r.name) errors.push({ row, message: `第${row}条：姓名“${r.name}”与本平台登记的“${person.name}”不一致` });
			if (existing.has(`${r.number}|${r.issuingAuthority}`)) errors.push({ row, message: `第${row}条：证书编号 ${r.number}（${r.issuingAuthority}）已导入过` });
		});
		if (errors.length) return { ok: false as const, errors };
		await insertExternalCertificates(
			tx,
			records.map((r) => ({
				person_id: persons.get(r.idNumber)!.id,
				number: r.number,
				special_operation_code: r.operationCode,
				holder_name: r.name,
				issuing_authority: r.issuingAuthority,
				issued_on: r.issuedOn,
				valid_until: r.validUntil,
				status: r.status,
				source: adapter.name,
				region_code: actor.regionCode,
				imported_by: actor.userId,
				imported_at: now
			}))
		);
		await audit(tx, actor, now, 'exchange.import_certificates', `region:${actor.regionCode}`, { count: records.length, source: adapter.name, numbers: records.slice(0, 50).map((r) => r.number) });
		return { ok: true as const, imported: records.length };
	});
}

