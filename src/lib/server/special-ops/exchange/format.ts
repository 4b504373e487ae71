// The versioned exchange format (docs/exchange/v1/*.schema.json describes the same shapes): what an
// export bundle holds and what an imported certificate record must look like. Pure: no db.
import { z } from 'zod';
import { idNumberCheckChar } from '../../../domain/identifiers.ts';

export const EXCHANGE_FORMAT = 'anxun.special-ops.exchange';
export const EXCHANGE_VERSION = '1.0.0';

export type ExchangeApplication = {
	id: number;
	kind: 'initial' | 'renewal' | 'return_to_post';
	status: string;
	idNumber: string;
	name: string;
	operationCode: string;
	institution: string;
	enterprise: string | null;
	submittedAt: string;
	reviewedAt: string | null;
};
export type ExchangeExamResult = {
	applicationId: number;
	part: 'theory' | 'practical';
	attemptNo: number | null;
	score: number | null;
	passed: boolean;
	veto: boolean | null;
	finishedAt: string;
};
export type ExchangeCertificate = {
	number: string;
	idNumber: string;
	name: string;
	operationCode: string;
	issuingAuthority: string;
	issuedOn: string;
	validUntil: string;
	status: 'valid' | 'revoked';
	photoSha256: string | null;
	replacesNumber: string | null;
};
export type ExchangeBundle = {
	format: typeof EXCHANGE_FORMAT;
	version: typeof EXCHANGE_VERSION;
	generatedAt: string;
	region: { code: string; name: string };
	period: { from: string; to: string };
	applications: ExchangeApplication[];
	examResults: ExchangeExamResult[];
	certificates: ExchangeCertificate[];
};

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '应为 YYYY-MM-DD 格式的日期').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), '不是有效日期');

/** 18-digit 身份证号 with a correct check character. */
export function isIdNumber(v: string): boolean {
	return /^\d{17}[\dX]$/.test(v) && idNumberCheckChar(v.slice(0, 17)) === v[17];
}

const FIELD_LABELS: Record<string, string> = {
	number: '证书编号',
	idNumber: '身份证号',
	name: '姓名',
	operationCode: '操作项目代码',
	issuingAuthority: '发证机关',
	issuedOn: '发证日期',
	validUntil: '有效期至',
	status: '状态'
};

export const importedCertificateSchema = z
	.object({
		number: z.string().trim().min(4, '过短').max(64, '过长'),
		idNumber: z.string().trim().toUpperCase().refine(isIdNumber, '不是有效的18位身份证号'),
		name: z.string().trim().min(1, '不能为空').max(50, '过长'),
		operationCode: z.string().trim().min(1, '不能为空').max(20, '过长'),
		issuingAuthority: z.string().trim().min(2, '过短').max(100, '过长'),
		issuedOn: date,
		validUntil: date,
		status: z.enum(['valid', 'revoked'], { message: '应为 valid 或 revoked' }).default('valid')
	})
	.refine((r) => r.validUntil >= r.issuedOn, { message: '不能早于发证日期', path: ['validUntil'] });
export type ImportedCertificate = z.infer<typeof importedCertificateSchema>;

export const MAX_IMPORT_ROWS = 5000;

export type RowError = { row: number; message: string };

/**
 * Parses an import file's JSON: the envelope (format, version) then every record. Errors name the
 * record (第N条, 1-based) and the field in Chinese; nothing is returned unless every record is valid.
 */
export function parseCertificateImport(text: string): { ok: true; records: ImportedCertificate[] } | { ok: false; errors: RowError[] } {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return { ok: false, errors: [{ row: 0, message: '文件不是有效的 JSON' }] };
	}
	const env = value as { format?: unknown; version?: unknown; certificates?: unknown };
	if (!env || typeof env !== 'object' || env.format !== EXCHANGE_FORMAT) return { ok: false, errors: [{ row: 0, message: `文件格式不是 ${EXCHANGE_FORMAT}` }] };
	if (typeof env.version !== 'string' || env.version.split('.')[0] !== EXCHANGE_VERSION.split('.')[0]) return { ok: false, errors: [{ row: 0, message: `不支持的版本 ${String(env.version)}（支持 ${EXCHANGE_VERSION.split('.')[0]}.x）` }] };
	if (!Array.isArray(env.certificates) || env.certificates.length === 0) return { ok: false, errors: [{ row: 0, message: '文件中没有证书记录（certificates）' }] };
	if (env.certificates.length > MAX_IMPORT_ROWS) return { ok: false, errors: [{ row: 0, message: `一次最多导入 ${MAX_IMPORT_ROWS} 条` }] };
	const errors: RowError[] = [];
	const records: ImportedCertificate[] = [];
	const seen = new Map<string, number>();
	env.certificates.forEach((raw: unknown, i: number) => {
		const row = i + 1;
		const parsed = importedCertificateSchema.safeParse(raw);
		if (!parsed.success) {
			for (const issue of parsed.error.issues.slice(0, 3)) {
				const field = String(issue.path[0] ?? '');
				errors.push({ row, message: `第${row}条：${FIELD_LABELS[field] ?? (field || '记录')}${issue.code === 'invalid_type' && issue.input === undefined ? '缺失' : issue.message}` });
			}
			return;
		}
		const key = `${parsed.data.number}|${parsed.data.issuingAuthority}`;
		if (seen.has(key)) errors.push({ row, message: `第${row}条：证书编号 ${parsed.data.number} 与第${seen.get(key)}条重复` });
		else seen.set(key, row);
		records.push(parsed.data);
	});
	return errors.length ? { ok: false, errors } : { ok: true, records };
}

/** The largest exchange file a regulator may import. */
export const EXCHANGE_MAX_BYTES = 5 * 1024 * 1024;
