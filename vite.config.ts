import { sveltekit } from '@sveltejs/kit/vite';
import adapter from '@sveltejs/adapter-node';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [
		sveltekit({
			adapter: adapter({ out: 'build' }),
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
		maxWorkers: 2
	}
});
