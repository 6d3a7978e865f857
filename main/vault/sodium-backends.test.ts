import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountDraft } from '../../shared/account.js';
import { createClient } from '../../shared/client.js';
import { backupBytes, backupPreludeOf, newBackupHeader, readBackupBytes, type SeededEntry } from '../formats/latchkey-backup/index.js';
import { createService } from '../service/create-service.js';
import { createVault } from './create-vault.js';
import { KDF_FLOOR } from './kdf-params.js';
import { randomBytes } from './random.js';
import { loadSodium, SODIUM_BACKEND_ENV, type Sodium, type SodiumBackend } from './sodium.js';
import { memoisedKdf, tempVaultPath, testClock, testRuntime } from './test-support/test-runtime.js';
import { unlockVault } from './unlock-vault.js';
import { testInternals } from './vault-session.js';

/**
 * The two libsodium backends (SECURITY-NOTES §0) write the same format: a vault or a backup made by one
 * opens with the other, and a vault from before native libsodium (wave 1, libsodium.js) opens with both.
 */
const PASSWORD = 'backends test password';
const AT = 1_700_000_000_000;
const kdf = memoisedKdf();

const draft = (issuer: string): AccountDraft => ({ type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer, label: 'me@example.com', secret: randomBytes(20) });

async function runtimeFor(backend: SodiumBackend) {
  const runtime = await testRuntime({ deriveKey: kdf, backend });
  expect(runtime.sodium.backend).toBe(backend);
  return runtime;
}

async function codesOf(path: string, backend: SodiumBackend): Promise<Record<string, string>> {
  const session = await unlockVault(path, { password: PASSWORD }, await runtimeFor(backend));
  try {
    const { accounts } = session.list();
    const { codes } = session.codesAt(AT);
    expect(session.verify()).toMatchObject({ damaged: [], manifest: 'ok' });
    return Object.fromEntries(accounts.map((account) => [account.issuer, codes.get(account.id)?.code ?? '']));
  } finally {
    session.lock();
  }
}

describe.each<[SodiumBackend, SodiumBackend]>([
  ['native', 'wasm'],
  ['wasm', 'native'],
])('a vault written with %s libsodium', (writer, reader) => {
  it(`opens with ${reader}, gives the same codes, takes writes, and opens with ${writer} again`, async () => {
    const path = tempVaultPath();
    const { recoveryKey } = await createVault(path, PASSWORD, await runtimeFor(writer));
    const session = await unlockVault(path, { password: PASSWORD }, await runtimeFor(writer));
    session.addMany([draft('first'), draft('second')]);
    session.transaction((tx) => {
      tx.records.put('settings', { autoLockMinutes: 5, clipboardClearSeconds: 30, theme: 'dark' });
    });
    session.lock();
    const written = await codesOf(path, writer);

    const other = await unlockVault(path, { password: PASSWORD }, await runtimeFor(reader));
    expect(other.records.get('settings')).toMatchObject({ theme: 'dark' });
    other.add(draft('third'));
    other.lock();
    const read = await codesOf(path, reader);
    expect(read).toMatchObject(written);
    expect(Object.keys(read)).toHaveLength(3);
    expect(await codesOf(path, writer)).toEqual(read);

    // The recovery key's 3-byte check and its slot's key are BLAKE2b: the same with either backend.
    (await unlockVault(path, { recoveryKey }, await runtimeFor(reader))).lock();
  });

  it(`writes backups that ${reader} reads (secretstream, key check)`, async () => {
    const [w, r] = [await loadSodium({ prefer: writer }), await loadSodium({ prefer: reader })];
    const key = randomBytes(32);
    const entries: SeededEntry[] = Array.from({ length: 300 }, (_, i) => ({
      type: 'totp',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      issuer: `site ${String(i)}`,
      label: 'me@example.com',
      secret: randomBytes(20),
      tags: [],
      note: 'n'.repeat(200),
      createdAt: AT,
      updatedAt: AT,
    }));
    const bytes = backupBytes(w, key, newBackupHeader(w, key, { ...KDF_FLOOR, salt: randomBytes(16) }, 'test'), entries);
    const read = readBackupBytes(r, key, bytes, backupPreludeOf(bytes));
    expect(read.map((entry) => entry.issuer)).toEqual(entries.map((entry) => entry.issuer));
    // A flipped byte in the last chunk is BACKUP_INTEGRITY with either reader.
    const damaged = new Uint8Array(bytes);
    damaged[damaged.length - 3] = (damaged[damaged.length - 3] ?? 0) ^ 1;
    expect(() => readBackupBytes(r, key, damaged, backupPreludeOf(damaged))).toThrow(expect.objectContaining({ code: 'BACKUP_INTEGRITY' }) as Error);
    expect(() => readBackupBytes(r, randomBytes(32), bytes, backupPreludeOf(bytes))).toThrow(expect.objectContaining({ code: 'BACKUP_WRONG_PASSWORD' }) as Error);
  });
});

describe('a vault from before native libsodium (format 1, written with libsodium.js)', () => {
  it.each<SodiumBackend>(['native', 'wasm'])('opens with %s libsodium and gives its recorded codes', async (backend) => {
    const path = join(mkdtempSync(join(tmpdir(), 'latchkey-backends-')), 'vault.sqlite');
    copyFileSync(join(import.meta.dirname, 'fixtures', 'format-1.sqlite'), path);
    const session = await unlockVault(path, { password: 'fixture format-1 password' }, await runtimeFor(backend));
    try {
      // The codes fixtures/README.md recorded when the fixture was made.
      expect(session.codesAt(AT).codes.get('6a1c6d35497b91718a4da63180f598fa')?.code).toBe('659102');
      expect(session.verify()).toMatchObject({ damaged: [], manifest: 'ok' });
    } finally {
      session.lock();
    }
  });
});

describe("what a lock leaves in libsodium.js's wasm heap (SECURITY-NOTES §0)", () => {
  it('with native libsodium, no copy of the row key or of a seed; with the wasm backend, copies (its free does not wipe)', async () => {
    const { default: wrappers } = await import('libsodium-wrappers-sumo');
    await wrappers.ready;
    const heap = () => Buffer.from((wrappers as unknown as { libsodium: { HEAPU8: Uint8Array } }).libsodium.HEAPU8.buffer);
    const copiesOf = (needle: Uint8Array): number => {
      let count = 0;
      for (let at = heap().indexOf(needle); at !== -1; at = heap().indexOf(needle, at + 1)) count++;
      return count;
    };
    const left: Record<string, { rowKey: number; seed: number }> = {};
    for (const backend of ['native', 'wasm'] as const) {
      const path = tempVaultPath();
      await createVault(path, PASSWORD, await runtimeFor(backend));
      const session = await unlockVault(path, { password: PASSWORD }, await runtimeFor(backend));
      const account = draft('canary');
      const seed = new Uint8Array(account.secret);
      session.add(account);
      expect(session.codesAt(AT).codes.size).toBe(1);
      const rowKey = new Uint8Array(testInternals(session).keys.rows); // a JS copy, outside the wasm heap
      session.lock();
      left[backend] = { rowKey: copiesOf(rowKey), seed: copiesOf(seed) };
    }
    expect(left['native']).toEqual({ rowKey: 0, seed: 0 });
    console.info(`left in libsodium.js's heap after lock: native ${JSON.stringify(left['native'])}, wasm ${JSON.stringify(left['wasm'])}`);
  });
});

describe('choosing the backend', () => {
  const saved = process.env['LATCHKEY_SODIUM'];
  afterEach(() => {
    if (saved === undefined) delete process.env['LATCHKEY_SODIUM'];
    else process.env['LATCHKEY_SODIUM'] = saved;
  });

  it('is native by default, where sodium-native loads', async () => {
    delete process.env['LATCHKEY_SODIUM'];
    expect((await loadSodium()).backend).toBe('native');
  });

  it(`falls back to wasm when the native addon cannot load, or when ${SODIUM_BACKEND_ENV}=wasm`, async () => {
    const missing = (): Promise<Sodium> => Promise.reject(new Error('No native build was found for platform=plan9 arch=mips'));
    expect((await loadSodium({ loadNative: missing })).backend).toBe('wasm');
    process.env[SODIUM_BACKEND_ENV] = 'wasm';
    expect((await loadSodium()).backend).toBe('wasm');
  });

  it('vault.status names the backend, locked or not', async () => {
    for (const backend of ['wasm', 'native'] as const) {
      process.env[SODIUM_BACKEND_ENV] = backend;
      const service = createService({ clock: testClock(), vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: kdf });
      const client = createClient((channel, payload) => service.dispatch(channel, payload));
      expect(await client.call('vault.status', {})).toMatchObject({ locked: true, backend });
      await client.call('vault.create', { password: 'a much longer passphrase 93' });
      expect(await client.call('vault.unlock', { password: 'a much longer passphrase 93' })).toMatchObject({ locked: false, backend });
    }
  });
});
