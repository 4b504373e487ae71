import { defineConfig, devices } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const PORT = Number(process.env.E2E_PORT ?? 4173);
// A fresh embedded database per run, seeded with the demo data.
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'anxun-e2e-'));
process.env.E2E_DATA_DIR = dataDir;
// 直播培训: tests/e2e/live.e2e.ts starts the streaming server (nginx-rtmp) with these values; the app
// is told where it is. Other journeys never touch it.
const liveDir = process.env.E2E_LIVE_DIR ?? mkdtempSync(join(tmpdir(), 'anxun-e2e-live-'));
process.env.E2E_LIVE_DIR = liveDir;
process.env.E2E_LIVE_SECRET ??= randomBytes(18).toString('base64url');
process.env.E2E_LIVE_RTMP_PORT ??= '19350';
process.env.E2E_LIVE_HTTP_PORT ??= '18080';

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	reporter: [['list']],
	timeout: 60_000,
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
			args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run']
		}
	},
	projects: [
		{ name: 'mobile', use: { ...devices['Pixel 7'], browserName: 'chromium' } },
		{ name: 'desktop', use: { ...devices['Desktop Chrome'], browserName: 'chromium' } }
	],
	webServer: {
		command: 'node scripts/serve.mjs',
		url: `http://127.0.0.1:${PORT}/healthz`,
		reuseExistingServer: false,
		timeout: 120_000,
		// Study clock sped up so a journey sees credit and an attention check within seconds.
		env: {
			PORT: String(PORT),
			HOST: '127.0.0.1',
			ANXUN_DATA_DIR: dataDir,
			ANXUN_STUDY_INTERVAL_SECONDS: '2',
			ANXUN_STUDY_CHECK_MIN_SECONDS: '6',
			ANXUN_STUDY_CHECK_MAX_SECONDS: '6',
			ANXUN_STUDY_CHECK_WINDOW_SECONDS: '10',
			ANXUN_LIVE_RTMP_URL: `rtmp://127.0.0.1:${process.env.E2E_LIVE_RTMP_PORT}/live`,
			ANXUN_LIVE_PLAY_URL: `http://127.0.0.1:${process.env.E2E_LIVE_HTTP_PORT}`,
			ANXUN_LIVE_CALLBACK_SECRET: process.env.E2E_LIVE_SECRET,
			ANXUN_LIVE_RECORD_DIR: join(liveDir, 'rec'),
			ANXUN_LIVE_ROLLCALL_SECONDS: '30'
		}
	}
});
