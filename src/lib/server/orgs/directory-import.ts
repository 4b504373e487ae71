import { createHash } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import { listDirectoryErrors, parseDirectoryXlsx, type EnterpriseRow, type RowError } from './directory-excel.ts';
import {
	findByCreditCodes,
	insertEnterprises,
	listIndustries,
	listJurisdictionRegions,
	listRegionNamesOutside,
	lockDirectoryWrites,
	updateEnterprises,
	type EnterpriseValues,
	type ExistingEnterprise
} from './directory.repository.ts';

/** A regulator: the directory is imported into its region. */
export type DirectoryImportActor = ScopedActor & { regionPath: string };

/** One updated enterprise and the labels of the fields that changed. */
export type DirectoryChange = { row: number; creditCode: string; name: string; fields: string[] };

export type DirectoryImportResult =
	| { ok: true; created: number; updated: number; unchanged: number; changes: DirectoryChange[]; changesListed: number; fileHash: string; ms: number }
	/** Nothing was written. `errors` is capped (see listDirectoryErrors); `badRows` counts every bad row. */
	| { ok: false; errors: RowError[]; badRows: number };

/** Updated enterprises listed in the result (all are counted). */
export const MAX_LISTED_CHANGES = 500;

const FIELD_LABELS: [keyof EnterpriseValues, string][] = [
	['name', '企业名称'],
	['region_code', '所在区县/乡镇街道'],
	['industry_code', '行业'],
	['address', '地址'],
	['legal_rep', '法定代表人'],
	['contact_name', '联系人'],
	['contact_phone', '联系电话']
];

function valuesOf(r: EnterpriseRow): EnterpriseValues {
	return {
		credit_code: r.creditCode,
		name: r.name,
		region_code: r.regionCode,
		industry_code: r.industryCode,
		address: r.address,
		legal_rep: r.legalRep,
		contact_name: r.contactName,
		contact_phone: r.contactPhone
	};
}

/** The row applied to what is stored: an empty optional cell keeps the stored value. */
function merge(existing: ExistingEnterprise, row: EnterpriseValues): EnterpriseValues {
	return {
		...row,
		address: row.address ?? existing.address,
		legal_rep: row.legal_rep ?? existing.legal_rep,
		contact_name: row.contact_name ?? existing.contact_name,
		contact_phone: row.contact_phone ?? existing.contact_phone
	};
}

/**
 * Imports a regulator's enterprise directory from .xlsx. All or nothing, in one transaction:
 * any bad row (in the file, or a credit code registered outside the jurisdiction or for another
 * kind of organisation) and nothing is written, and every bad row is reported. Enterprises new to
 * the platform are created (active, no accounts); those already in the jurisdiction are updated
 * and the changed fields reported. 高危 follows from the industry (industries.high_risk).
 */
export async function importDirectoryXlsx(db: Db, input: { data: Uint8Array; maxRows?: number }, actor: DirectoryImportActor, now: Date): Promise<DirectoryImportResult> {
	const started = performance.now();
	const [regions, outsideRegions, industries] = await Promise.all([
		listJurisdictionRegions(db, actor.regionPath),
		listRegionNamesOutside(db, actor.regionPath),
		listIndustries(db)
	]);
	const parsed = await parseDirectoryXlsx(input.data, { regions, outsideRegions, industries, maxRows: input.maxRows });
	if (!parsed.readable) return { ok: false, errors: parsed.errors, badRows: 0 };
	const fileHash = createHash('sha256').update(input.data).digest('hex');

	return withTransaction(db, async (tx) => {
		await lockDirectoryWrites(tx);
		const errors: RowError[] = [...parsed.errors];
		const existing = new Map((await findByCreditCodes(tx, parsed.rows.map((r) => r.creditCode))).map((e) => [e.credit_code, e]));
		const creates: EnterpriseValues[] = [];
		const updates: (EnterpriseValues & { id: number })[] = [];
		const changes: DirectoryChange[] = [];
		let unchanged = 0;
		const column = '统一社会信用代码';
		for (const r of parsed.rows) {
			const e = existing.get(r.creditCode);
			if (!e) {
				creates.push(valuesOf(r));
				continue;
			}
			if (e.kind !== 'enterprise') {
				errors.push({ row: r.row, column, message: `第${r.row}行“${column}”：该代码已登记为其他单位“${e.name}”（不是企业），不能作为企业导入` });
			} else if (!e.region_path.startsWith(actor.regionPath)) {
				errors.push({ row: r.row, column, message: `第${r.row}行“${column}”：该代码已登记为辖区外（${e.region_name}）的企业“${e.name}”，不能由本辖区导入；如企业已迁入本辖区，请联系${e.region_name}监管部门或平台管理员` });
			} else {
				const next = merge(e, valuesOf(r));
				const fields = FIELD_LABELS.filter(([k]) => next[k] !== e[k]).map(([, label]) => label);
				if (fields.length === 0) unchanged++;
				else {
					updates.push({ ...next, id: e.id });
					changes.push({ row: r.row, creditCode: r.creditCode, name: r.name, fields });
				}
			}
		}
		if (errors.length) {
			return { ok: false as const, errors: listDirectoryErrors(errors), badRows: new Set(errors.map((x) => x.row)).size };
		}
		if (creates.length + updates.length + unchanged !== parsed.total) throw new Error('directory import: a row has neither an enterprise nor an error');
		const created = await insertEnterprises(tx, creates, now);
		const updated = await updateEnterprises(tx, updates);
		if (updated !== updates.length) throw new Error(`directory import: updated ${updated} of ${updates.length} enterprises`);
		await audit(tx, actor, now, 'enterprise.directory_import', `region:${actor.regionPath}`, {
			rows: parsed.total,
			created,
			updated,
			unchanged,
			sha256: fileHash,
			updatedCodes: changes.slice(0, MAX_LISTED_CHANGES).map((c) => c.creditCode)
		});
		return {
			ok: true as const,
			created,
			updated,
			unchanged,
			changes: changes.slice(0, MAX_LISTED_CHANGES),
			changesListed: Math.min(changes.length, MAX_LISTED_CHANGES),
			fileHash,
			ms: Math.round(performance.now() - started)
		};
	});
}
