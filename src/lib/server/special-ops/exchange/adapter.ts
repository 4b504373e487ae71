// Data exchange with national / provincial systems behind one interface. The interface of the
// national "互联网+特种作业人员综合管理服务" system is not public here, so the only adapter today is a
// file one (the regulator downloads the export and uploads imports); a real endpoint adds an adapter
// with the same shape and nothing else changes.
import { parseCertificateImport, type ExchangeBundle, type ImportedCertificate, type RowError } from './format.ts';

export interface ExchangeAdapter {
	/** Stored with every imported record (external_certificates.source). */
	readonly name: string;
	/** Delivers an export bundle; the file adapter hands it back as the download. */
	deliver(bundle: ExchangeBundle): Promise<{ filename: string; body: string }>;
	/** Reads certificate records issued elsewhere from what the source gives (file bytes, a response body). */
	readCertificates(input: string): Promise<{ ok: true; records: ImportedCertificate[] } | { ok: false; errors: RowError[] }>;
}

export const fileJsonAdapter: ExchangeAdapter = {
	name: 'file-json-v1',
	async deliver(bundle) {
		return { filename: `anxun-exchange-${bundle.region.code}-${bundle.period.from}-${bundle.period.to}.json`, body: JSON.stringify(bundle, null, 2) };
	},
	async readCertificates(input) {
		return parseCertificateImport(input);
	}
};
