import { sveltekit } from '@sveltejs/kit/vite';
import adapter from '@sveltejs/adapter-node';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { buildVerifier } from './scripts/build-verifier.mjs';

// The offline certificate verifier for download (/downloads/anxun-cert-verify.mjs): bundled with esbuild
// by scripts/build-verifier.mjs whenever the app is built, and compiled into the server as a string,
// so every build (npm run build, npm start, npm test) carries the verifier of its own sources.
function offlineVerifier(): Plugin {
	const id = 'virtual:anxun-cert-verify';
	return {
		name: 'anxun-offline-verifier',
		resolveId: (source) => (source === id ? `\0${id}` : null),
		async load(resolved) {
			if (resolved !== `\0${id}`) return null;
			const { text, inputs } = await buildVerifier();
			for (const file of inputs) this.addWatchFile(file);
			return `export default ${JSON.stringify(text)};`;
		}
	};
}

export default defineConfig({
	plugins: [
		offlineVerifier(),
		sveltekit({
			adapter: adapter({ out: 'build' }),
			// Content-Security-Policy on every page: SvelteKit adds a nonce to its own inline scripts.
			// Styles stay 'unsafe-inline' (Svelte style: directives and transitions write style attributes).
			// img data:/blob: for webcam snapshots and previews, media blob: for video, object/frame 'self'
			// for the lesson PDF (<object data="/files/…">); camera access is not governed by CSP.
			csp: {
				mode: 'auto',
				directives: {
					'default-src': ['self'],
					'script-src': ['self'],
					'style-src': ['self', 'unsafe-inline'],
					'img-src': ['self', 'data:', 'blob:'],
					'media-src': ['self', 'blob:'],
					'font-src': ['self', 'data:'],
					'connect-src': ['self'],
					'object-src': ['self'],
					'frame-src': ['self'],
					'worker-src': ['self', 'blob:'],
					'frame-ancestors': ['none'],
					'base-uri': ['self'],
					'form-action': ['self']
				}
			},
			// The cross-site form check runs in src/hooks.server.ts instead (same rule as SvelteKit's,
			// answered in Chinese); the framework's own check answers in English before any hook runs.
			csrf: { trustedOrigins: ['*'] },
			compilerOptions: { runes: true }
		})
	],
	server: { port: 5173 },
	test: {
		include: ['src/**/*.spec.ts', 'tests/integration/**/*.spec.ts'],
		environment: 'node',
		testTimeout: 60_000,
		hookTimeout: 120_000,
		fileParallelism: true,
		maxWorkers: 2,
		// a test that asserts nothing fails (a skipped branch or a forgotten await cannot pass silently)
		expect: { requireAssertions: true }
	}
});
