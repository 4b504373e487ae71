import { certificateConfigFromEnv, type CertificateConfig } from './rules.ts';

let cached: CertificateConfig | null = null;
/** ANXUN_TRAINING_CERT_MONTHS, ANXUN_VERIFY_LIMIT_PER_MINUTE, ANXUN_PUBLIC_URL (read once). */
export function certificateConfig(): CertificateConfig {
	cached ??= certificateConfigFromEnv(process.env);
	return cached;
}

/** Base of the URLs printed on certificates: ANXUN_PUBLIC_URL, else the request's origin. */
export function publicBaseUrl(origin: string): string {
	return certificateConfig().publicBaseUrl ?? origin;
}
