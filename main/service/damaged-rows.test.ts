import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';

const PASSWORD = 'damaged rows service passphrase';

describe('accounts.removeDamaged (issue 13 item 7)', () => {
  it('needs the vault password again, removes only an account that fails its check, and never one that opens', async () => {
    const vaultPath = tempVaultPath();
    const service = createService({ clock: testClock(), vaultPath, kdf: KDF_FLOOR, deriveKey: memoisedKdf() });
    const client = createClient((channel, payload) => service.dispatch(channel, payload));
    await client.call('vault.create', { password: PASSWORD });
    await client.call('vault.unlock', { password: PASSWORD });
    const ids: string[] = [];
    for (const secretBase32 of ['JBSWY3DPEHPK3PXP', 'GEZDGNBVGY3TQOJQ']) ids.push((await client.call('accounts.add', { account: { secretBase32, issuer: 'Site', label: secretBase32 } })).account.id);
    const [damaged = '', intact = ''] = ids;
    service.lock();
    const db = new Database(vaultPath);
    const row = db.prepare('SELECT meta_ct FROM entries WHERE id = ?').get(Buffer.from(damaged, 'hex')) as { meta_ct: Buffer };
    const flipped = Buffer.from(row.meta_ct);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    db.prepare('UPDATE entries SET meta_ct = ? WHERE id = ?').run(flipped, Buffer.from(damaged, 'hex'));
    db.close();
    await client.call('vault.unlock', { password: PASSWORD });

    // Before: the ordinary remove can't name it (no listing shows it), the CLI's NOT_FOUND of the issue.
    expect((await client.call('accounts.list', {})).damaged).toEqual([{ table: 'entries', id: damaged, field: 'meta' }]);
    // @ts-expect-error: the vault password left out, as a page could.
    await expect(client.call('accounts.removeDamaged', { id: damaged })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(client.call('accounts.removeDamaged', { id: damaged, vaultPassword: 'not the vault password' })).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    await expect(client.call('accounts.removeDamaged', { id: intact, vaultPassword: PASSWORD })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await client.call('accounts.removeDamaged', { id: damaged, vaultPassword: PASSWORD })).toEqual({ removed: damaged, fields: ['meta'] });
    expect(await client.call('vault.verify', {})).toMatchObject({ rows: 1, damaged: [], manifest: 'ok' });
    expect((await client.call('accounts.list', {})).accounts.map((account) => account.id)).toEqual([intact]);
  });
});
