// Bundles the offline certificate verifier (scripts/cert-verify.ts) into ONE ES module that runs with
// plain Node.js >= 18: node built-ins stay imports, everything else (sm-crypto-v2 and its @noble
// dependencies, signature.ts, embedded-signed.ts) is inlined. Verifiers download it from
// /downloads/anxun-cert-verify.mjs (src/routes/downloads/anxun-cert-verify.mjs/+server.ts).
// Used two ways:
//   - `node scripts/build-verifier.mjs [out.mjs]` writes the file (default build/anxun-cert-verify.mjs);
//   - vite.config.ts imports buildVerifier() so every `vite build` (npm run build, npm start, npm test)
//     compiles the bundle into the server as the virtual module `virtual:anxun-cert-verify`.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const VERIFIER_ENTRY = resolve(root, 'scripts/cert-verify.ts');
export const VERIFIER_FILE_NAME = 'anxun-cert-verify.mjs';

/** The bundle's source text and the files it was built from (for watch mode). */
export async function buildVerifier() {
	const result = await build({
		entryPoints: [VERIFIER_ENTRY],
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node18',
		// prefer the packages' ES builds: a CommonJS build inside an ES module cannot require() node:crypto
		mainFields: ['module', 'main'],
		write: false,
		// readable output: verifiers may read what they run
		charset: 'utf8',
		legalComments: 'inline',
		metafile: true,
		logLevel: 'silent',
		// scripts/cert-verify.ts labels its developer-only statements (npm usage, localhost default) DEV
		dropLabels: ['DEV'],
		banner: {
			js: [
				'#!/usr/bin/env node',
				'// 安训证书离线核验程序 anxun-cert-verify.mjs —— 需要 Node.js 18 或更新版本，无需联网、无需安装其他软件。',
				'// 用法：node anxun-cert-verify.mjs 证书.pdf --keys anxun-keys.json --status anxun-status.json'
			].join('\n')
		}
	});
	const text = result.outputFiles[0].text;
	const inputs = Object.keys(result.metafile.inputs).map((p) => resolve(root, p));
	// a bare import left in the bundle would need node_modules on the verifier's machine
	const external = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external && !i.path.startsWith('node:') && !builtinModules.includes(i.path)).map((i) => i.path));
	if (external.length) throw new Error(`verifier bundle imports packages: ${external.join(', ')}`);
	return { text, inputs };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const out = resolve(process.argv[2] ?? resolve(root, 'build', VERIFIER_FILE_NAME));
	const { text } = await buildVerifier();
	mkdirSync(dirname(out), { recursive: true });
	writeFileSync(out, text);
	console.log(`${out} (${Math.round(text.length / 1024)} KB)`);
}
