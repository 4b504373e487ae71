// Virtual modules made by plugins in vite.config.ts.
declare module 'virtual:anxun-cert-verify' {
	/** The source of anxun-cert-verify.mjs, the offline certificate verifier (scripts/build-verifier.mjs). */
	const source: string;
	export default source;
}
