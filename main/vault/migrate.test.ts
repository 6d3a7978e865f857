import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SlotRow } from './header.js';
import { FORMAT_VERSION } from './format.js';
import { readSlotRows, rewriteHeaderSum } from './test-support/slot-rows.js';
import { memoisedKdf, testRuntime } from './test-support/test-runtime.js';
import { unlockVault } from './unlock-vault.js';
import { testInternals } from './vault-session.js';
import { inspectVaultFile } from './vault-file.js';

/**
 * The fixture is only ever copied (opening it, even read-only, would leave -shm/-wal files beside it).
 * A vault written by the code before format 2 (main/vault/fixtures/README.md says how it was made):
 * it unlocks, is migrated once (copy first), gives the same codes, and from then on a deleted slot shows.
 */
const FIXTURE = join(import.meta.dirname, 'fixtures', 'format-1.sqlite');
const PASSWORD = 'fixture format-1 password';
const RECOVERY_KEY = 'Y6G4-QSSL-NAQH-PZZJ-C7FY-DPPR-BFIW-PDG3-A3GN-Q7CJ-ZVI4-M2NQ-ZROA-WC74';
const AT = 1_700_000_000_000;
/** The codes the fixture gave when it was made, by the format-1 code (README table). */
const CODES: Record<string, string> = {
  '6a1c6d35497b91718a4da63180f598fa': '659102',
  a0d4c8da65b46ae5b00ff4ee11a61140: '33225759',
  a82b50ad204762f2669df031b8cfc8a3: '9V3R4',
};
const HOTP_ID = 'dcd2a0965bf6f765114b9c3ec336f1c2';

let runtime: Awaited<ReturnType<typeof testRuntime>>;

beforeAll(async () => {
  runtime = await testRuntime({ deriveKey: memoisedKdf() });
});

function freshCopy(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'latchkey-migrate-')), 'vault.sqlite');
  copyFileSync(FIXTURE, path);
  return path;
}

const formatOf = (path: string) => inspectVaultFile(runtime.sodium, path).meta.formatVersion;

/** Deletes the recovery slot and rewrites the unkeyed header sum, as an attacker can. */
function deleteRecoverySlotAndResum(path: string): void {
  const db = new Database(path);
  try {
    db.prepare("DELETE FROM slots WHERE kind = 'recovery'").run();
    rewriteHeaderSum(runtime.sodium, db);
  } finally {
    db.close();
  }
}

function slotsIn(path: string): SlotRow[] {
  const db = new Database(path, { readonly: true });
  try {
    return readSlotRows(db);
  } finally {
    db.close();
  }
}

describe('a format-1 vault (made before the manifest covered slots)', () => {
  it('is format 1 on disk', () => {
    expect(FORMAT_VERSION).toBe(2);
    expect(formatOf(freshCopy())).toBe(1);
  });

  it('unlocks, is migrated after a .pre-migration copy, and gives the same codes and records', async () => {
    const path = freshCopy();
    const original = readFileSync(path);
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    try {
      expect(session.manifestTrusted).toBe(true);
      for (const [id, code] of Object.entries(CODES)) expect(session.code(id, AT).code).toBe(code);
      expect(session.nextHotp(HOTP_ID, { peek: true }).code).toBe('379099');
      expect(session.extra('6a1c6d35497b91718a4da63180f598fa')).toMatchObject({ note: 'fixture note' });
      expect(testInternals(session).recordJson('fixture')).toEqual({ made: 'format 1' });
      expect(session.verify()).toEqual({ rows: 4, damaged: [], manifest: 'ok' });
      expect(session.slots().map((slot) => slot.kind).sort()).toEqual(['password', 'recovery']);
      // Writes work, and are signed by the new rule.
      session.update(HOTP_ID, { label: 'after migration' });
    } finally {
      session.lock();
    }
    expect(formatOf(path)).toBe(FORMAT_VERSION);

    const copy = `${path}.pre-migration`;
    expect(existsSync(copy)).toBe(true);
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    expect(formatOf(copy)).toBe(1);
    expect(slotsIn(copy)).toEqual(slotsIn(freshCopy()));
    expect(readFileSync(copy).length).toBeGreaterThan(0);
    expect(original.equals(readFileSync(path))).toBe(false);

    // The next unlock finds nothing to migrate and makes no second copy; the recovery slot still opens.
    const again = await unlockVault(path, { recoveryKey: RECOVERY_KEY }, runtime);
    expect(again.manifestTrusted).toBe(true);
    expect(again.account(HOTP_ID).label).toBe('after migration');
    again.lock();
    expect(existsSync(`${path}.pre-migration-2`)).toBe(false);
  });

  it('once migrated, a deleted slot with the header sum rewritten is a manifest mismatch', async () => {
    const path = freshCopy();
    (await unlockVault(path, { password: PASSWORD }, runtime)).lock();
    deleteRecoverySlotAndResum(path);
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    try {
      expect(session.manifestTrusted).toBe(false);
      expect(session.verify()).toMatchObject({ damaged: [], manifest: 'mismatch' });
      expect(() => session.update(HOTP_ID, { label: 'x' })).toThrow(expect.objectContaining({ code: 'VAULT_INTEGRITY', details: { part: 'manifest' } }) as Error);
    } finally {
      session.lock();
    }
  });

  it('a format-1 vault whose old manifest mismatches is migrated but stays a mismatch until accepted', async () => {
    const path = freshCopy();
    const db = new Database(path);
    db.prepare('DELETE FROM entries WHERE id = ?').run(Buffer.from(HOTP_ID, 'hex'));
    const macBefore = (db.prepare('SELECT mac FROM manifest').get() as { mac: Uint8Array }).mac;
    db.close();
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    try {
      expect(formatOf(path)).toBe(FORMAT_VERSION);
      expect(session.manifestTrusted).toBe(false);
      expect(session.verify().manifest).toBe('mismatch');
      const reader = new Database(path, { readonly: true });
      expect((reader.prepare('SELECT mac FROM manifest').get() as { mac: Uint8Array }).mac).toEqual(macBefore);
      reader.close();
      session.acceptCurrentRows();
      expect(session.verify().manifest).toBe('ok');
    } finally {
      session.lock();
    }
    const reopened = await unlockVault(path, { password: PASSWORD }, runtime);
    expect(reopened.manifestTrusted).toBe(true);
    reopened.lock();
  });

  it('an earlier .pre-migration file is never overwritten', async () => {
    const path = freshCopy();
    writeFileSync(`${path}.pre-migration`, 'something the user kept');
    (await unlockVault(path, { password: PASSWORD }, runtime)).lock();
    expect(readFileSync(`${path}.pre-migration`, 'utf8')).toBe('something the user kept');
    expect(formatOf(`${path}.pre-migration-2`)).toBe(1);
  });

  it('a wrong password leaves it unmigrated and untouched', async () => {
    const path = freshCopy();
    await expect(unlockVault(path, { password: 'not the fixture password' }, runtime)).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    expect(readFileSync(path).equals(readFileSync(FIXTURE))).toBe(true);
    expect(existsSync(`${path}.pre-migration`)).toBe(false);
  });
});
