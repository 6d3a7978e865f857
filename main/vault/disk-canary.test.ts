import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeBase32 } from '../otp/index.js';
import { createVault } from './create-vault.js';
import { tempVaultPath, testRuntime } from './test-support/test-runtime.js';
import { unlockVault } from './unlock-vault.js';

/** SECURITY-NOTES §9.5: no label, secret or note ever reaches the disk in any common encoding. */
const LABEL = 'CanaryLabel-q7Zx';
const ISSUER = 'CanaryIssuer-W3vp';
const NOTE = 'CanaryNote-kT9m';
const SECRET = new Uint8Array(Buffer.from('LKcanarySeedBytes-42', 'utf8'));

/** Every form in which a plaintext might leak. */
function encodings(value: string | Uint8Array): Buffer[] {
  const bytes = Buffer.from(typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
  const forms = [bytes, Buffer.from(bytes.toString('hex')), Buffer.from(bytes.toString('hex').toUpperCase()), Buffer.from(encodeBase32(bytes))];
  if (typeof value === 'string') forms.push(Buffer.from(value, 'utf16le'));
  return forms;
}

function vaultFiles(path: string): Buffer[] {
  return [path, `${path}-wal`, `${path}-shm`, `${path}.attempts`].filter((file) => existsSync(file)).map((file) => readFileSync(file));
}

function leaks(files: readonly Buffer[], values: readonly (string | Uint8Array)[]): string[] {
  const found: string[] = [];
  for (const value of values) {
    for (const form of encodings(value)) {
      if (files.some((file) => file.includes(form))) found.push(`${typeof value === 'string' ? value : 'secret'} as ${form.subarray(0, 12).toString('hex')}…`);
    }
  }
  return found;
}

describe('disk canary', () => {
  it('the search finds a planted string in every encoding (positive control)', () => {
    for (const value of [LABEL, SECRET]) {
      for (const form of encodings(value)) {
        expect(leaks([Buffer.concat([Buffer.alloc(100, 1), form, Buffer.alloc(100, 2)])], [value])).not.toEqual([]);
      }
    }
  });

  it('finds no label, issuer, note or secret in the database, WAL or SHM, open or closed', async () => {
    const runtime = await testRuntime();
    const path = tempVaultPath();
    await createVault(path, 'canary vault password', runtime);
    const session = await unlockVault(path, { password: 'canary vault password' }, runtime);
    const { id } = session.add({ type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer: ISSUER, label: LABEL, secret: SECRET, note: NOTE });
    session.update(id, { label: `${LABEL}-2` });
    session.add({ type: 'hotp', algorithm: 'SHA1', digits: 6, counter: 0n, issuer: ISSUER, label: LABEL, secret: SECRET });
    const canaries = [LABEL, ISSUER, NOTE, SECRET];

    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(leaks(vaultFiles(path), canaries)).toEqual([]);

    const oldWrappedKey = (new Database(path, { readonly: true }).prepare("SELECT wrapped_mk FROM slots WHERE kind = 'password'").get() as { wrapped_mk: Buffer }).wrapped_mk;
    await session.changePassword('another canary password');
    session.lock();

    const files = vaultFiles(path);
    expect(leaks(files, canaries)).toEqual([]);
    // After a password change the old wrapped master key is overwritten, not left in a free page.
    expect(files.some((file) => file.includes(oldWrappedKey))).toBe(false);
  });
});
