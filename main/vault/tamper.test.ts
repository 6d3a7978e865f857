import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountDraft } from '../../shared/account.js';
import { LatchkeyError } from '../../shared/errors.js';
import { createVault } from './create-vault.js';
import { deriveNewPasswordKey } from './derive-password-key.js';
import { FORMAT_VERSION, INSERT_SLOT_SQL } from './format.js';
import { computeHeaderSum, type SlotRow } from './header.js';
import { rewriteHeaderSum } from './test-support/slot-rows.js';
import { memoisedKdf, tempVaultPath, testRuntime } from './test-support/test-runtime.js';
import { unlockVault } from './unlock-vault.js';
import { testInternals } from './vault-session.js';
import { rekeyVault } from './rekey.js';
import { wrapMasterKey } from './slots.js';
import { inspectVaultFile } from './vault-file.js';
import type { VaultSession } from './vault-session.js';

/** SECURITY-NOTES §9.1: every byte of header and slots, a sample of row bytes, moved and rolled-back rows. */
const PASSWORD = 'tamper matrix password';
const secret = (n: number) => new Uint8Array(20).fill(n);
const draft = (n: number): AccountDraft => ({ type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer: `Issuer ${String(n)}`, label: `user${String(n)}`, secret: secret(n) });

let original: string;
let runtime: Awaited<ReturnType<typeof testRuntime>>;
let kdf: ReturnType<typeof memoisedKdf>;
let ids: string[];
let workDir: string;
let caseCounter = 0;
let recoveryKey: string;
/** The original's master key wrapped under a second password (for the extra-slot case). */
let extraSlot: SlotRow;

beforeAll(async () => {
  kdf = memoisedKdf();
  runtime = await testRuntime({ deriveKey: kdf });
  original = tempVaultPath();
  ({ recoveryKey } = await createVault(original, PASSWORD, runtime));
  const session = await unlockVault(original, { password: PASSWORD }, runtime);
  ids = [1, 2, 3].map((n) => session.add({ ...draft(n), ...(n === 1 ? { note: 'in the safe' } : {}) }).id);
  const second = await deriveNewPasswordKey(runtime, 'a second password');
  extraSlot = wrapMasterKey(runtime.sodium, inspectVaultFile(runtime.sodium, original).meta.vaultId, testInternals(session).keys.master, second.kek, {
    kind: 'password',
    kdf: { params: second.params, salt: second.salt },
  });
  session.lock();
  workDir = mkdtempSync(join(tmpdir(), 'latchkey-tamper-'));
});

/** A fresh copy of the vault, changed by `edit` through SQL on a plain connection. */
function tampered(edit: (db: Database.Database) => void): string {
  const path = join(workDir, `case-${String(caseCounter++)}.sqlite`);
  copyFileSync(original, path);
  const db = new Database(path);
  db.pragma('journal_mode = DELETE');
  edit(db);
  db.close();
  return path;
}

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

const hash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function unlockError(path: string): Promise<LatchkeyError> {
  const before = hash(path);
  try {
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    session.lock();
  } catch (error) {
    expect(hash(path), 'a failed unlock must leave the file unchanged').toBe(before);
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected the unlock to fail');
}

function slotsOf(path: string): SlotRow[] {
  return [...inspectVaultFile(runtime.sodium, path).slots];
}

describe('header and slots: every byte', () => {
  it('every flipped byte of the magic, vault id and header sum fails before any KDF runs', async () => {
    const calls = kdf.calls();
    const meta = new Database(original, { readonly: true }).prepare('SELECT magic, vault_id, header_sum FROM meta').get() as {
      magic: string;
      vault_id: Uint8Array;
      header_sum: Uint8Array;
    };
    for (let i = 0; i < meta.magic.length; i++) {
      const magic = meta.magic.slice(0, i) + String.fromCharCode(meta.magic.charCodeAt(i) ^ 1) + meta.magic.slice(i + 1);
      expect((await unlockError(tampered((db) => db.prepare('UPDATE meta SET magic = ?').run(magic)))).code).toBe('VAULT_NOT_A_VAULT');
    }
    for (const column of ['vault_id', 'header_sum'] as const) {
      for (let i = 0; i < meta[column].length; i++) {
        const error = await unlockError(tampered((db) => db.prepare(`UPDATE meta SET ${column} = ?`).run(flip(meta[column], i))));
        expect(error.code).toBe('VAULT_CORRUPT');
        expect(error.details).toMatchObject({ part: 'header' });
      }
    }
    expect(kdf.calls()).toBe(calls);
  });

  it('every flipped byte of every slot column fails as damage, before any KDF runs', async () => {
    const calls = kdf.calls();
    for (const slot of slotsOf(original)) {
      for (const [column, value] of [['salt', slot.salt], ['nonce', slot.nonce], ['wrapped_mk', slot.wrappedMk], ['slot_id', slot.slotId]] as const) {
        for (let i = 0; i < value.length; i++) {
          const path = tampered((db) => db.prepare(`UPDATE slots SET ${column} = ? WHERE slot_id = ?`).run(flip(value, i), slot.slotId));
          expect((await unlockError(path)).details).toMatchObject({ part: 'header' });
        }
      }
      for (const [column, value] of [['ops', slot.ops + 1], ['mem', slot.mem + 1024], ['kind', 'keyring'], ['kdf', 'argon2i13']] as const) {
        const path = tampered((db) => db.prepare(`UPDATE slots SET ${column} = ? WHERE slot_id = ?`).run(value, slot.slotId));
        expect((await unlockError(path)).code).toBe('VAULT_CORRUPT');
      }
    }
    expect(kdf.calls()).toBe(calls);
  });

  it('a newer format version is VAULT_TOO_NEW; a version below 1 is damage', async () => {
    const error = await unlockError(tampered((db) => db.prepare('UPDATE meta SET format_version = ?').run(FORMAT_VERSION + 1)));
    expect(error).toMatchObject({ code: 'VAULT_TOO_NEW', details: { found: FORMAT_VERSION + 1, supported: FORMAT_VERSION } });
    expect(await unlockError(tampered((db) => db.prepare('UPDATE meta SET format_version = 0').run()))).toMatchObject({ code: 'VAULT_CORRUPT', details: { part: 'header' } });
  });

  /** An attacker who also rewrites the unkeyed header sum: the slot AD still binds every parameter. */
  function consistentlyTampered(change: (slot: SlotRow) => SlotRow): string {
    return tampered((db) => {
      const meta = db.prepare('SELECT magic, format_version, vault_id FROM meta').get() as { magic: string; format_version: number; vault_id: Uint8Array };
      const slots = slotsOf(original).map((slot) => (slot.kind === 'password' ? change(slot) : slot));
      const password = slots.find((slot) => slot.kind === 'password');
      if (password === undefined) throw new Error('no password slot');
      db.prepare('UPDATE slots SET ops = ?, mem = ?, salt = ?, wrapped_mk = ? WHERE kind = ?').run(password.ops, password.mem, password.salt, password.wrappedMk, 'password');
      const sum = computeHeaderSum(runtime.sodium, { magic: meta.magic, formatVersion: meta.format_version, vaultId: meta.vault_id }, slots);
      db.prepare('UPDATE meta SET header_sum = ?').run(sum);
    });
  }

  it('with the sum rewritten too: changed parameters or key bytes fail the unwrap', async () => {
    expect((await unlockError(consistentlyTampered((s) => ({ ...s, ops: s.ops + 1 })))).code).toBe('VAULT_WRONG_PASSWORD');
    expect((await unlockError(consistentlyTampered((s) => ({ ...s, wrappedMk: flip(s.wrappedMk, 5) })))).code).toBe('VAULT_WRONG_PASSWORD');
  });

  it('with the sum rewritten too: parameters outside the box are refused without starting a KDF', async () => {
    const calls = kdf.calls();
    for (const change of [(s: SlotRow) => ({ ...s, mem: 4 * 1024 ** 3 }), (s: SlotRow) => ({ ...s, ops: 1 }), (s: SlotRow) => ({ ...s, ops: 1_000_000 })]) {
      expect((await unlockError(consistentlyTampered(change))).code).toBe('KDF_PARAMS_OUT_OF_RANGE');
    }
    expect(kdf.calls()).toBe(calls);
  });
});

/**
 * An attacker who edits the slots table AND rewrites the unkeyed header sum to match: the slots are in
 * the keyed manifest (format 2), so the change is caught after unlock as a manifest mismatch (writes
 * stop with VAULT_INTEGRITY{part:'manifest'}), or, where a slot's own AD is hit, as a failed unwrap.
 */
describe('slots, with the header sum rewritten to match', () => {
  const resum = (db: Database.Database) => {
    rewriteHeaderSum(runtime.sodium, db);
  };

  const slotTampered = (edit: (db: Database.Database) => void) =>
    tampered((db) => {
      edit(db);
      resum(db);
    });

  /** Unlocks with the password (the file must still unlock) and reports what the session saw. */
  async function manifestAfter(path: string): Promise<{ trusted: boolean; report: string; writeError: unknown }> {
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    try {
      const trusted = session.manifestTrusted;
      const report = session.verify().manifest;
      let writeError: unknown;
      try {
        session.update(ids[0] ?? '', { label: 'written anyway' });
      } catch (error) {
        writeError = error;
      }
      return { trusted, report, writeError };
    } finally {
      session.lock();
    }
  }

  /** The manifest row and every entry: what a write or a silent re-signing would change. */
  function signedState(path: string): unknown {
    const db = new Database(path, { readonly: true });
    try {
      return [db.prepare('SELECT revision, mac FROM manifest').all(), db.prepare('SELECT * FROM entries ORDER BY id').all()];
    } finally {
      db.close();
    }
  }

  const manifestError = expect.objectContaining({ code: 'VAULT_INTEGRITY', details: { part: 'manifest' } }) as unknown;

  async function expectCaught(path: string): Promise<void> {
    const before = signedState(path);
    expect(await manifestAfter(path)).toEqual({ trusted: false, report: 'mismatch', writeError: manifestError });
    expect(signedState(path), 'a mismatching vault is neither re-signed nor written to').toEqual(before);
  }

  it('the untouched copy is trusted (the control case)', async () => {
    const path = tampered(() => undefined);
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    expect(session.manifestTrusted).toBe(true);
    expect(session.verify().manifest).toBe('ok');
    session.lock();
  });

  it('a deleted recovery slot is caught', async () => {
    const path = slotTampered((db) => db.prepare("DELETE FROM slots WHERE kind = 'recovery'").run());
    expect(inspectVaultFile(runtime.sodium, path).slots.map((slot) => slot.kind)).toEqual(['password']);
    await expectCaught(path);
  });

  it('a deleted extra password slot is caught', async () => {
    // A vault with two password slots: the second wraps the same master key under another password.
    const path = tampered((db) => {
      const key = extraSlot;
      db.prepare(INSERT_SLOT_SQL).run(key);
      resum(db);
    });
    // Made by hand, so not signed: accept it as the user would, then delete the extra slot.
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    session.acceptCurrentRows();
    expect(session.slots().filter((slot) => slot.kind === 'password')).toHaveLength(2);
    session.lock();
    const edited = new Database(path);
    edited.pragma('journal_mode = DELETE');
    edited.prepare('DELETE FROM slots WHERE slot_id = ?').run(extraSlot.slotId);
    resum(edited);
    edited.close();
    await expectCaught(path);
  });

  it('a forged slot (a password slot of its own, or a copied slot under a new id) is caught', async () => {
    const forged = await deriveNewPasswordKey(runtime, 'the attacker password');
    const vaultId = inspectVaultFile(runtime.sodium, original).meta.vaultId;
    const slot = wrapMasterKey(runtime.sodium, vaultId, new Uint8Array(32).fill(3), forged.kek, { kind: 'password', kdf: { params: forged.params, salt: forged.salt } });
    await expectCaught(
      slotTampered((db) => db.prepare(INSERT_SLOT_SQL).run(slot)),
    );
    await expectCaught(
      slotTampered((db) =>
        db.prepare(`INSERT INTO slots SELECT ?, 'keyring', kdf, ops, mem, salt, challenge, nonce, wrapped_mk FROM slots WHERE kind = 'recovery'`).run(Buffer.alloc(16, 0xee)),
      ),
    );
  });

  it('an altered column of the recovery slot is caught; that slot no longer opens', async () => {
    const recovery = slotsOf(original).find((slot) => slot.kind === 'recovery');
    if (recovery === undefined) throw new Error('no recovery slot');
    for (const [column, value] of [
      ['nonce', flip(recovery.nonce, 0)],
      ['wrapped_mk', flip(recovery.wrappedMk, 47)],
      ['challenge', Uint8Array.of(1, 2, 3)],
      ['salt', new Uint8Array(16)],
      ['kind', 'keyring'],
      ['kdf', 'argon2id13'],
      ['slot_id', new Uint8Array(16).fill(0xab)],
    ] as const) {
      const path = slotTampered((db) => db.prepare(`UPDATE slots SET ${column} = ? WHERE kind = 'recovery'`).run(value));
      await expectCaught(path);
      if (column !== 'kind') {
        const error = await unlockRecoveryError(path);
        expect(error.code).toBe('VAULT_WRONG_PASSWORD');
      }
    }
  });

  it('an altered column of the password slot fails the unwrap (VAULT_WRONG_PASSWORD), or is refused before any KDF', async () => {
    const password = slotsOf(original).find((slot) => slot.kind === 'password');
    if (password === undefined) throw new Error('no password slot');
    for (const [column, value] of [['salt', flip(password.salt, 3)], ['nonce', flip(password.nonce, 0)], ['challenge', Uint8Array.of(9)], ['slot_id', new Uint8Array(16)]] as const) {
      expect((await unlockError(slotTampered((db) => db.prepare(`UPDATE slots SET ${column} = ? WHERE kind = 'password'`).run(value)))).code).toBe('VAULT_WRONG_PASSWORD');
    }
    expect((await unlockError(slotTampered((db) => db.prepare(`UPDATE slots SET mem = ? WHERE kind = 'password'`).run(8 * 1024 ** 3)))).code).toBe('KDF_PARAMS_OUT_OF_RANGE');
    // Its kind changed: no password slot is left to try.
    expect((await unlockError(slotTampered((db) => db.prepare(`UPDATE slots SET kind = 'keyring' WHERE kind = 'password'`).run()))).code).toBe('VAULT_NO_MATCHING_SLOT');
  });

  it('a downgrade to format 1 with a slot deleted stays a mismatch; a bare downgrade is harmless', async () => {
    const downgradedAndDeleted = slotTampered((db) => {
      db.prepare('UPDATE meta SET format_version = 1').run();
      db.prepare("DELETE FROM slots WHERE kind = 'recovery'").run();
    });
    await expectCaught(downgradedAndDeleted);
    expect(inspectVaultFile(runtime.sodium, downgradedAndDeleted).meta.formatVersion).toBe(FORMAT_VERSION);
    const downgraded = slotTampered((db) => db.prepare('UPDATE meta SET format_version = 1').run());
    const session = await unlockVault(downgraded, { password: PASSWORD }, runtime);
    expect(session.manifestTrusted).toBe(true);
    session.lock();
  });

  it('an open session sees a slot deleted by another process (no silent re-signing), and an acceptance made elsewhere', async () => {
    const path = tampered(() => undefined);
    const app = await unlockVault(path, { password: PASSWORD }, runtime);
    try {
      expect(app.manifestTrusted).toBe(true);
      const other = new Database(path);
      other.prepare("DELETE FROM slots WHERE kind = 'recovery'").run();
      resum(other);
      other.close();
      expect(() => app.update(ids[0] ?? '', { label: 'written over the change' })).toThrow(manifestError);
      expect(app.manifestTrusted).toBe(false);
      const cli = await unlockVault(path, { password: PASSWORD }, runtime);
      expect(cli.manifestTrusted).toBe(false);
      cli.acceptCurrentRows();
      cli.lock();
      expect(app.manifestTrusted).toBe(true);
      expect(app.update(ids[0] ?? '', { label: 'after acceptance' }).label).toBe('after acceptance');
    } finally {
      app.lock();
    }
  });

  it('password change, new recovery key and rekey re-sign the manifest over the new slots', async () => {
    const path = tampered(() => undefined);
    const reopen = async (password: string, check: (session: VaultSession) => Promise<void> | void) => {
      const session = await unlockVault(path, { password }, runtime);
      try {
        expect(session.manifestTrusted).toBe(true);
        await check(session);
      } finally {
        session.lock();
      }
    };
    await reopen(PASSWORD, async (session) => {
      await session.changePassword('a changed password');
    });
    await reopen('a changed password', (session) => {
      session.issueRecoveryKey();
    });
    await reopen('a changed password', async (session) => {
      await rekeyVault(session, 'a changed password');
    });
    await reopen('a changed password', (session) => {
      expect(session.verify()).toMatchObject({ damaged: [], manifest: 'ok' });
    });
  });
});

async function unlockRecoveryError(path: string): Promise<LatchkeyError> {
  try {
    (await unlockVault(path, { recoveryKey }, runtime)).lock();
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected the recovery unlock to fail');
}

describe('rows', () => {
  async function openTampered(edit: (db: Database.Database) => void) {
    const session = await unlockVault(tampered(edit), { password: PASSWORD }, runtime);
    try {
      return { listing: session.list(), verify: session.verify() };
    } finally {
      session.lock();
    }
  }

  const rowOf = (id: string) =>
    new Database(original, { readonly: true }).prepare('SELECT * FROM entries WHERE id = ?').get(Buffer.from(id, 'hex')) as Record<string, Uint8Array | number>;

  it('a flipped byte in a sealed field reports that row and opens the rest (sampled bytes)', async () => {
    const id = ids[0] ?? '';
    const row = rowOf(id);
    for (const column of ['meta_nonce', 'meta_ct', 'seed_nonce', 'seed_ct', 'extra_nonce', 'extra_ct']) {
      const value = row[column] as Uint8Array;
      const sample = [0, 1, Math.floor(value.length / 2), value.length - 2, value.length - 1];
      for (const i of sample) {
        const { listing, verify } = await openTampered((db) => db.prepare(`UPDATE entries SET ${column} = ? WHERE id = ?`).run(flip(value, i), row['id']));
        const field = column.split('_')[0];
        expect(verify.damaged).toEqual([{ table: 'entries', id, field }]);
        expect(listing.accounts.map((a) => a.id).sort()).toEqual(field === 'meta' ? ids.slice(1).sort() : [...ids].sort());
        expect(verify.manifest).toBe('ok');
      }
    }
  });

  it('a row moved to another id fails to open and breaks the manifest', async () => {
    const { verify } = await openTampered((db) => db.prepare('UPDATE entries SET id = ? WHERE id = ?').run(Buffer.alloc(16, 7), Buffer.from(ids[1] ?? '', 'hex')));
    expect(verify.damaged.map((d) => d.id)).toContain('07'.repeat(16));
    expect(verify.manifest).toBe('mismatch');
  });

  it('a field swapped between rows or moved to another field fails to open', async () => {
    const a = rowOf(ids[0] ?? '');
    const b = rowOf(ids[1] ?? '');
    const swapped = await openTampered((db) =>
      db.prepare('UPDATE entries SET meta_nonce = ?, meta_ct = ? WHERE id = ?').run(b['meta_nonce'], b['meta_ct'], a['id']),
    );
    expect(swapped.verify.damaged).toContainEqual({ table: 'entries', id: ids[0], field: 'meta' });
    const moved = await openTampered((db) => db.prepare('UPDATE entries SET meta_nonce = seed_nonce, meta_ct = seed_ct WHERE id = ?').run(a['id']));
    expect(moved.verify.damaged).toContainEqual({ table: 'entries', id: ids[0], field: 'meta' });
  });

  it('deleted, duplicated and repositioned rows break the manifest', async () => {
    for (const edit of [
      (db: Database.Database) => db.prepare('DELETE FROM entries WHERE id = ?').run(Buffer.from(ids[2] ?? '', 'hex')),
      (db: Database.Database) => db.prepare('INSERT INTO entries SELECT ?, rev, position, meta_nonce, meta_ct, seed_nonce, seed_ct, extra_nonce, extra_ct FROM entries WHERE id = ?').run(Buffer.alloc(16, 9), Buffer.from(ids[2] ?? '', 'hex')),
      (db: Database.Database) => db.prepare('UPDATE entries SET position = 99 WHERE id = ?').run(Buffer.from(ids[0] ?? '', 'hex')),
    ]) {
      expect((await openTampered(edit)).verify.manifest).toBe('mismatch');
    }
  });

  it('a row rolled back to an older revision opens, but the manifest says so and writes stop', async () => {
    const id = ids[1] ?? '';
    const old = rowOf(id);
    const path = join(workDir, 'rollback.sqlite');
    copyFileSync(original, path);
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    session.update(id, { label: 'renamed' });
    session.lock();
    const db = new Database(path);
    db.prepare('UPDATE entries SET rev = ?, meta_nonce = ?, meta_ct = ?, seed_nonce = ?, seed_ct = ? WHERE id = ?').run(old['rev'], old['meta_nonce'], old['meta_ct'], old['seed_nonce'], old['seed_ct'], old['id']);
    db.close();
    const reopened = await unlockVault(path, { password: PASSWORD }, runtime);
    expect(reopened.account(id).label).toBe('user2');
    expect(reopened.manifestTrusted).toBe(false);
    expect(reopened.verify()).toMatchObject({ damaged: [], manifest: 'mismatch' });
    expect(() => reopened.add(draft(4))).toThrow(expect.objectContaining({ code: 'VAULT_INTEGRITY', details: { part: 'manifest' } }) as Error);
    reopened.acceptCurrentRows();
    expect(reopened.add(draft(4)).label).toBe('user4');
    reopened.lock();
  });
});

describe('the file itself', () => {
  it('zero-length, truncated and garbage files are VAULT_CORRUPT{file}, left as they were', async () => {
    const size = readFileSync(original).length;
    const empty = join(workDir, 'empty.sqlite');
    writeFileSync(empty, '');
    expect((await unlockError(empty)).details).toMatchObject({ part: 'file' });
    for (const length of [100, 4096, Math.floor(size / 2), size - 4096]) {
      const path = join(workDir, `truncated-${String(length)}.sqlite`);
      copyFileSync(original, path);
      truncateSync(path, length);
      const error = await unlockError(path);
      expect(error.code).toBe('VAULT_CORRUPT');
    }
    // A vault whose first page was overwritten is still a damaged vault: its meta row is further in.
    const overwritten = join(workDir, 'overwritten.sqlite');
    const bytes = readFileSync(original);
    bytes.fill(0x5a, 0, 4096);
    writeFileSync(overwritten, bytes);
    expect(await unlockError(overwritten)).toMatchObject({ code: 'VAULT_CORRUPT', details: { part: 'file' } });
  });

  it('a file that is not SQLite at all (text, random bytes) is VAULT_NOT_A_VAULT, left as it was', async () => {
    for (const [name, content] of [
      ['notes.txt', Buffer.from('otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP\n'.repeat(200))],
      ['garbage.sqlite', Buffer.alloc(8192, 0x5a)],
    ] as const) {
      const path = join(workDir, name);
      writeFileSync(path, content);
      expect(await unlockError(path)).toMatchObject({ code: 'VAULT_NOT_A_VAULT', message: `${path} is not a Latchkey vault (not a SQLite database file at all): give the vault file's path` });
      expect(readFileSync(path).equals(content)).toBe(true);
    }
  });

  it('a SQLite database that is not ours is VAULT_NOT_A_VAULT', async () => {
    const path = join(workDir, 'other.sqlite');
    const db = new Database(path);
    db.exec('CREATE TABLE notes (text TEXT)');
    db.close();
    expect((await unlockError(path)).code).toBe('VAULT_NOT_A_VAULT');
  });

  it('an injected trigger or view is VAULT_CORRUPT{schema}', async () => {
    const withTrigger = tampered((db) => db.exec('CREATE TRIGGER leak AFTER INSERT ON entries BEGIN DELETE FROM slots; END'));
    expect((await unlockError(withTrigger)).details).toMatchObject({ part: 'schema' });
    const withView = tampered((db) => db.exec('CREATE VIEW peek AS SELECT * FROM slots'));
    expect((await unlockError(withView)).details).toMatchObject({ part: 'schema' });
  });

  it('a vault held by another writer is VAULT_IN_USE, and nothing is written', async () => {
    const path = join(workDir, 'busy.sqlite');
    copyFileSync(original, path);
    const session = await unlockVault(path, { password: PASSWORD }, { ...runtime, busyTimeoutMs: 50 });
    const holder = spawn(process.execPath, [
      '--input-type=module',
      '-e',
      `import Database from 'better-sqlite3'; const db = new Database(${JSON.stringify(path)}); db.prepare('BEGIN IMMEDIATE').run(); console.log('held'); setTimeout(() => {}, 60000);`,
    ], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout.once('data', () => { resolve(); }));
    try {
      expect(() => session.add(draft(5))).toThrow(expect.objectContaining({ code: 'VAULT_IN_USE' }) as Error);
    } finally {
      holder.kill('SIGKILL');
    }
    expect(session.list().accounts).toHaveLength(3);
    session.lock();
  });
});
