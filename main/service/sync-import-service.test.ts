import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createClient, type LatchkeyClient } from '../../shared/client.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { REPO_ROOT } from '../test-support/facts.js';
import { createService } from './create-service.js';
import { createDevices } from './devices.js';

/**
 * `keys.syncImport` (issue 17, item 6) through the service: a Google export, an Aegis file and a QR
 * image put straight onto an emulated key through the sync plan, into the vault first, or with
 * `keyOnly` never into the vault file (its rows counted before and after); the inventory then says
 * the vault can't rebuild those, and a later sync leaves them as key-only.
 */
const PASSWORD = 'vault password for imports onto keys';
const fixture = (path: string) => readFileSync(join(REPO_ROOT, path)).toString('base64');
const AEGIS = 'main/formats/aegis/fixtures/plain-v3.json';
const GOOGLE = 'main/formats/google-migration/fixtures/golden.txt';
const QR = 'main/enroll/qr/fixtures/plain.png';

async function setup(): Promise<{ client: LatchkeyClient; vaultPath: string; yubikey: number; nitrokey: number }> {
  const vaultPath = tempVaultPath();
  const service = createService({ clock: testClock(), vaultPath, kdf: KDF_FLOOR, deriveKey: memoisedKdf(), keys: { devices: createDevices({ emulators: ['yubikey-oath', 'nitrokey3'] }) } });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  await client.call('accounts.add', { uri: 'otpauth://totp/Own:account?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Own' });
  const { keys } = await client.call('keys.list', {});
  const serialOf = (kind: string) => keys.find((key) => key.kind === kind)?.serial ?? -1;
  return { client, vaultPath, yubikey: serialOf('yubikey-oath'), nitrokey: serialOf('nitrokey3') };
}

/** The vault file's rows of accounts, read past the service. */
function entryRows(vaultPath: string): number {
  const db = new Database(vaultPath, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM entries').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('keys.syncImport', () => {
  it('an Aegis file onto a YubiKey: imported into the vault, then written and checked; what no key holds is said', async () => {
    const { client, yubikey } = await setup();
    const dry = await client.call('keys.syncImport', { source: { kind: 'file', fileBase64: fixture(AEGIS) }, key: yubikey, dryRun: true });
    expect((await client.call('accounts.list', {})).accounts).toHaveLength(1);
    expect(dry.addedToVault).toEqual([]);
    expect(dry.invalid.length).toBeGreaterThan(0);
    const written = await client.call('keys.syncImport', { source: { kind: 'file', fileBase64: fixture(AEGIS) }, key: yubikey, vaultPassword: PASSWORD });
    const { accounts } = await client.call('accounts.list', {});
    expect(accounts).toHaveLength(1 + written.addedToVault.length);
    expect(written.actions.map((action) => [action.name, action.action])).toEqual(dry.actions.map((action) => [action.name, action.action]));
    const adds = written.actions.filter((action) => action.action === 'add').map((action) => action.name);
    expect(written.applied.map((cell) => cell.name)).toEqual(adds);
    expect(adds).toContain('GitHub:user0@example.com');
    const inventory = await client.call('keys.inventory', {});
    const onKey = inventory.keys.find((key) => key.serial === yubikey)?.credentials ?? [];
    expect(onKey.map((credential) => credential.name).sort()).toEqual([...adds].sort());
    expect(onKey.every((credential) => credential.keyOnly === undefined && !credential.accountGone)).toBe(true);
    // Run again: every account is the vault's already, and all of them identical on the key.
    const again = await client.call('keys.syncImport', { source: { kind: 'file', fileBase64: fixture(AEGIS) }, key: yubikey, vaultPassword: PASSWORD });
    expect(again.addedToVault).toEqual([]);
    expect(again.applied).toEqual([]);
  });

  it('a Google export with keyOnly: on the key, checked against its own codes, never in the vault file; the inventory says the vault cannot rebuild it', async () => {
    const { client, vaultPath, nitrokey, yubikey } = await setup();
    const rows = entryRows(vaultPath);
    const before = await client.call('accounts.list', {});
    const source = { kind: 'file' as const, fileBase64: fixture(GOOGLE), format: 'google-migration' };
    const written = await client.call('keys.syncImport', { source, key: nitrokey, keyOnly: true, vaultPassword: PASSWORD });
    expect(written.addedToVault).toEqual([]);
    const adds = written.actions.filter((action) => action.action === 'add');
    expect(adds.length).toBeGreaterThan(5);
    // SHA512 is refused by a Nitrokey 3: said, not written.
    expect(written.actions.some((action) => action.action === 'unsupported' && action.reason?.includes('SHA512') === true)).toBe(true);
    expect(written.applied.map((cell) => cell.name)).toEqual(adds.map((action) => action.name));
    expect(written.applied.filter((cell) => cell.check === 'code-match').length).toBeGreaterThan(0);
    expect(await client.call('accounts.list', {})).toEqual(before);
    expect(entryRows(vaultPath)).toBe(rows);

    const inventory = await client.call('keys.inventory', {});
    const onKey = inventory.keys.find((key) => key.serial === nitrokey)?.credentials ?? [];
    expect(onKey).toHaveLength(adds.length);
    expect(onKey.every((credential) => credential.keyOnly === true && !credential.accountGone)).toBe(true);
    expect(inventory.accounts.map((account) => account.label)).toEqual(['account']);
    expect(inventory.drift).toEqual([]);

    // A later sync of the vault's accounts leaves them as key-only, never proposes removing them.
    const plan = await client.call('keys.syncPlan', { keys: [nitrokey] });
    expect(plan.actions.filter((action) => action.action !== 'add').map((action) => action.action)).toEqual(adds.map(() => 'key-only'));
    // And a rebuild of that key onto another names each as impossible.
    const rebuild = await client.call('keys.rebuild', { from: nitrokey, to: yubikey, dryRun: true });
    expect(rebuild.actions).toEqual([]);
    expect(rebuild.impossible.map((entry) => entry.name).sort()).toEqual(adds.map((action) => action.name).sort());
    expect(rebuild.impossible.every((entry) => entry.reason.includes('--key-only'))).toBe(true);
  });

  it('a QR image onto a key, key-only and then into the vault: the second finds it identical and adds it to the vault', async () => {
    const { client, vaultPath, yubikey } = await setup();
    const rows = entryRows(vaultPath);
    const source = { kind: 'images' as const, imagesBase64: [fixture(QR)] };
    const keyOnly = await client.call('keys.syncImport', { source, key: yubikey, keyOnly: true, vaultPassword: PASSWORD });
    expect(keyOnly.applied.map((cell) => [cell.name, cell.check])).toEqual([['Mailbox:user1@example.com', 'code-match']]);
    expect(entryRows(vaultPath)).toBe(rows);
    // The same QR again, key-only: known as what Latchkey wrote (the same id), identical, nothing written.
    const twice = await client.call('keys.syncImport', { source, key: yubikey, keyOnly: true, vaultPassword: PASSWORD });
    expect(twice.actions.map((action) => [action.action, action.accountId])).toEqual([['identical', keyOnly.actions[0]?.accountId]]);
    expect(twice.applied).toEqual([]);
    expect((await client.call('keys.inventory', {})).keys.find((key) => key.serial === yubikey)?.credentials.map((credential) => credential.keyOnly)).toEqual([true]);
    const kept = await client.call('keys.syncImport', { source, key: yubikey, vaultPassword: PASSWORD });
    expect(kept.addedToVault).toHaveLength(1);
    expect(entryRows(vaultPath)).toBe(rows + 1);
    expect(kept.actions.map((action) => [action.name, action.action, action.compared])).toEqual([['Mailbox:user1@example.com', 'identical', 'code']]);
    // Found identical by its code, the entry is the vault account's now: rebuildable.
    const entry = (await client.call('keys.inventory', {})).keys.find((key) => key.serial === yubikey)?.credentials[0];
    expect([entry?.accountId, entry?.keyOnly]).toEqual([kept.addedToVault[0], undefined]);
  });

  it('a file that does not fit on the key: KEY_FULL before anything is imported into the vault or written', async () => {
    const { client, yubikey } = await setup();
    for (let n = 0; n < 28; n += 1) await client.call('accounts.add', { uri: `otpauth://totp/Fill:n${String(n)}?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQ${String.fromCharCode(65 + (n % 26))}${String.fromCharCode(65 + Math.floor(n / 26))}&issuer=Fill` });
    await client.call('keys.syncApply', { keys: [yubikey], vaultPassword: PASSWORD });
    const before = await client.call('accounts.list', {});
    const inventory = await client.call('keys.inventory', {});
    const refused = client.call('keys.syncImport', { source: { kind: 'file', fileBase64: fixture(AEGIS) }, key: yubikey, vaultPassword: PASSWORD });
    await expect(refused).rejects.toMatchObject({ code: 'KEY_FULL' });
    expect(await client.call('accounts.list', {})).toEqual(before);
    expect(await client.call('keys.inventory', {})).toEqual(inventory);
  });
});
