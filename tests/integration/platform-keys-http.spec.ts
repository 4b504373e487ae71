// The platform's keys through the built server on a fresh database: published before anything
// was signed, so an offline verifier that fetches the keys first accepts what is signed later.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, hasBuild } from '../support/server.ts';
import { checkStatusList, type PublishedKeys, type SignedStatusList } from '../../src/lib/server/certificates/signature.ts';

const built = hasBuild(import.meta.url);

describe.skipIf(!built)('platform keys from the first start (built server)', () => {
	let server: RunningServer;
	let dir: string;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'anxun-keys-'));
		server = await startServer({ ANXUN_DATA_DIR: dir, ANXUN_SEED: 'none', ANXUN_KEY_ENCRYPTION_KEY: 'd'.repeat(64) });
	});
	afterAll(async () => {
		await server?.stop();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('anxun-keys.json holds the status-list key before the status list was ever requested', async () => {
		const keys = (await (await fetch(`${server.url}/.well-known/anxun-keys.json`)).json()) as PublishedKeys;
		const platform = keys.keys.filter((k) => k.issuer.id === null && !k.retired && !k.revoked);
		expect(platform.map((k) => k.alg).sort()).toEqual(['Ed25519', 'SM2']);
		const status = (await (await fetch(`${server.url}/.well-known/anxun-status.json`)).json()) as SignedStatusList;
		// verified with the keys fetched first
		expect(checkStatusList(status, keys)).toBe('valid');
		const again = (await (await fetch(`${server.url}/.well-known/anxun-keys.json`)).json()) as PublishedKeys;
		expect(again.keys).toEqual(keys.keys);
	});

	it('publishes the audit checkpoints document', async () => {
		const r = await fetch(`${server.url}/.well-known/anxun-audit-head.json`);
		expect(r.status).toBe(200);
		expect(await r.json()).toMatchObject({ issuer: '安训平台', checkpoints: expect.any(Array) });
	});
});
