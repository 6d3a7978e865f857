import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { AccountDraft } from '../../shared/account.js';
import { codeOnce } from '../otp/index.js';
import { createVault } from './create-vault.js';
import { encodeRowTuples } from './manifest.js';
import { randomBytes } from './random.js';
import { rowAssociatedData, rowAssociatedDataWriter, seal } from './sealing.js';
import { loadSodium } from './sodium.js';
import { memoisedKdf, tempVaultPath, testRuntime } from './test-support/test-runtime.js';
import { unlockVault } from './unlock-vault.js';

const PASSWORD = 'listing test password';
const AT = 1_700_000_000_000;
const kdf = memoisedKdf();

const drafts: AccountDraft[] = [
  { type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer: 'sha1', label: 'a', secret: randomBytes(20) },
  { type: 'totp', algorithm: 'SHA256', digits: 8, period: 60, issuer: 'sha256', label: 'b', secret: randomBytes(32) },
  { type: 'totp', algorithm: 'SHA512', digits: 10, period: 30, issuer: 'sha512', label: 'c', secret: randomBytes(64) },
  { type: 'steam', algorithm: 'SHA1', digits: 5, period: 30, issuer: 'steam', label: 'd', secret: randomBytes(20) },
  { type: 'hotp', algorithm: 'SHA1', digits: 6, counter: 5n, issuer: 'hotp', label: 'e', secret: randomBytes(20) },
];

function draftAt(i: number): AccountDraft {
  const draft = drafts[i];
  if (draft === undefined) throw new Error(`no draft ${String(i)}`);
  return { ...draft, secret: randomBytes(20) };
}

async function vaultWith(accounts: readonly AccountDraft[]) {
  const runtime = await testRuntime({ deriveKey: kdf });
  const path = tempVaultPath();
  await createVault(path, PASSWORD, runtime);
  const session = await unlockVault(path, { password: PASSWORD }, runtime);
  session.addMany(accounts);
  return { path, runtime, session };
}

describe('listing every account with its code in one pass', () => {
  it('gives the codes the per-account path gives, for every type, algorithm, digits and period', async () => {
    const { session } = await vaultWith(drafts);
    for (const at of [AT, AT + 29_999, AT + 30_000, 0, 2 ** 33 * 1000]) {
      const { accounts, codes, damaged } = session.listWithCodes(at);
      expect(damaged).toEqual([]);
      expect(accounts.map((account) => account.issuer)).toEqual(drafts.map((draft) => draft.issuer));
      for (const [i, account] of accounts.entries()) {
        const draft = drafts[i];
        if (draft === undefined) throw new Error('no draft');
        if (account.type === 'hotp') expect(codes.has(account.id)).toBe(false);
        else expect(codes.get(account.id)).toEqual(codeOnce(draft, draft.secret, at));
        if (account.type !== 'hotp') expect(codes.get(account.id)).toEqual(session.code(account.id, at));
      }
    }
    session.lock();
  });

  it('lists in position order, serves a changed account at its new rev, and drops removed ones', async () => {
    const { session } = await vaultWith(drafts);
    const first = session.listWithCodes(AT).accounts.map((account) => account.id);
    session.reorder([first[3] ?? '', first[1] ?? '']);
    session.update(first[0] ?? '', { label: 'renamed' });
    session.remove(first[2] ?? '');
    const again = session.listWithCodes(AT);
    expect(again.accounts.map((account) => account.id)).toEqual([first[3], first[1], first[0], first[4]]);
    expect(again.accounts.find((account) => account.id === first[0])?.label).toBe('renamed');
    expect(session.list().accounts.map((account) => account.id)).toEqual(again.accounts.map((account) => account.id));
    session.lock();
  });

  it('after a cached listing, an account added by another connection is read by id and listed with its code', async () => {
    const { path, runtime, session } = await vaultWith(drafts.slice(0, 2));
    expect(session.listWithCodes(AT).accounts).toHaveLength(2);
    const other = await unlockVault(path, { password: PASSWORD }, runtime);
    const added = other.add(draftAt(2));
    other.lock();
    const again = session.listWithCodes(AT);
    expect(again.accounts.map((account) => account.issuer)).toEqual(['sha1', 'sha256', 'sha512']);
    expect(again.codes.get(added.id)?.code).toMatch(/^\d{10}$/);
    expect(session.list().accounts).toHaveLength(3);
    expect(session.manifestTrusted).toBe(true);
    session.lock();
  });

  it('still opens every meta against its row AD: a meta swapped between rows is damaged, even after a cached listing', async () => {
    const { path, session } = await vaultWith(drafts.slice(0, 2));
    expect(session.listWithCodes(AT).accounts).toHaveLength(2);
    // Another process swaps the two rows' meta and bumps the revs as a write would.
    const db = new Database(path);
    const rows = db.prepare('SELECT id, rev, meta_nonce, meta_ct FROM entries').all() as { id: Buffer; rev: number; meta_nonce: Buffer; meta_ct: Buffer }[];
    const [x, y] = rows;
    if (x === undefined || y === undefined) throw new Error('two rows');
    const put = db.prepare('UPDATE entries SET meta_nonce = ?, meta_ct = ?, rev = rev + 1 WHERE id = ?');
    put.run(y.meta_nonce, y.meta_ct, x.id);
    put.run(x.meta_nonce, x.meta_ct, y.id);
    db.close();
    const listing = session.listWithCodes(AT);
    expect(listing.accounts).toEqual([]);
    expect(listing.damaged.map((row) => row.field)).toEqual(['meta', 'meta']);
    expect(session.manifestTrusted).toBe(false);
    session.lock();
  });

  it('checks the manifest from the listing’s own rows: a row deleted by another process before the first listing is caught, and writes are refused', async () => {
    const { path, runtime, session } = await vaultWith(drafts.slice(0, 3));
    session.lock();
    const reopened = await unlockVault(path, { password: PASSWORD }, runtime);
    const db = new Database(path);
    db.prepare('DELETE FROM entries WHERE rowid = (SELECT MIN(rowid) FROM entries)').run();
    db.close();
    expect(reopened.listWithCodes(AT).accounts).toHaveLength(2);
    expect(reopened.manifestTrusted).toBe(false);
    expect(() => reopened.add(draftAt(0))).toThrow(expect.objectContaining({ code: 'VAULT_INTEGRITY' }) as Error);
    reopened.lock();
  });

  it('a fresh session trusts an untouched vault after its first listing, and still after a write of its own', async () => {
    const { path, runtime, session } = await vaultWith(drafts.slice(0, 2));
    session.lock();
    const reopened = await unlockVault(path, { password: PASSWORD }, runtime);
    reopened.listWithCodes(AT);
    expect(reopened.manifestTrusted).toBe(true);
    reopened.add(draftAt(2));
    expect(reopened.listWithCodes(AT).accounts).toHaveLength(3);
    expect(reopened.manifestTrusted).toBe(true);
    reopened.lock();
  });

  it('names a seed that fails its check and lists the account without a code', async () => {
    const { path, session } = await vaultWith(drafts.slice(0, 2));
    const db = new Database(path);
    const victim = (db.prepare('SELECT id, seed_ct FROM entries ORDER BY position LIMIT 1').get() as { id: Buffer; seed_ct: Buffer });
    const flipped = Buffer.from(victim.seed_ct);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    db.prepare('UPDATE entries SET seed_ct = ? WHERE id = ?').run(flipped, victim.id);
    db.close();
    const { accounts, codes, damaged } = session.listWithCodes(AT);
    expect(accounts).toHaveLength(2);
    expect(damaged).toEqual([{ table: 'entries', id: victim.id.toString('hex'), field: 'seed' }]);
    expect(codes.has(victim.id.toString('hex'))).toBe(false);
    expect(codes.size).toBe(1);
    session.lock();
  });

  it('refuses to list after lock', async () => {
    const { session } = await vaultWith(drafts.slice(0, 1));
    session.listWithCodes(AT);
    session.lock();
    expect(() => session.listWithCodes(AT)).toThrow(expect.objectContaining({ code: 'VAULT_LOCKED' }) as Error);
  });
});

describe('the pieces the listing reuses', () => {
  it.each(['native', 'wasm'] as const)('decrypt_into (%s) fills the scratch with the plaintext, and says false (zeroed) for a wrong AD, key, length or tag', async (backend) => {
    const sodium = await loadSodium({ prefer: backend });
    expect(sodium.backend).toBe(backend);
    const key = randomBytes(32);
    const seed = randomBytes(20);
    const ad = randomBytes(59);
    const sealed = seal(sodium, key, seed, ad);
    const scratch = sodium.secureCopy(new Uint8Array(1024));
    try {
      const out = scratch.subarray(0, 20);
      expect(sodium.crypto_aead_xchacha20poly1305_ietf_decrypt_into(out, sealed.ct, ad, sealed.nonce, key)).toBe(true);
      expect(Array.from(out)).toEqual(Array.from(seed));
      const otherAd = new Uint8Array(ad);
      otherAd[0] = (otherAd[0] ?? 0) ^ 1;
      const flipped = new Uint8Array(sealed.ct);
      flipped[3] = (flipped[3] ?? 0) ^ 1;
      for (const [ct, withAd, withKey, into] of [
        [sealed.ct, otherAd, key, out],
        [sealed.ct, ad, randomBytes(32), out],
        [flipped, ad, key, out],
        [sealed.ct, ad, key, scratch.subarray(0, 21)],
      ] as const) {
        into.set(seed.subarray(0, Math.min(into.length, seed.length)));
        expect(sodium.crypto_aead_xchacha20poly1305_ietf_decrypt_into(into, ct, withAd, sealed.nonce, withKey)).toBe(false);
        expect(into.every((byte) => byte === 0)).toBe(true);
      }
    } finally {
      sodium.release(scratch);
    }
  });

  it('the reused AD buffer holds exactly rowAssociatedData’s bytes', () => {
    const vaultId = randomBytes(16);
    const adFor = rowAssociatedDataWriter(vaultId, 'entries');
    for (const [field, rev] of [['meta', 1], ['seed', 7], ['extra', 2 ** 32 - 1]] as const) {
      const id = randomBytes(16);
      expect(Array.from(adFor(field, id, rev))).toEqual(Array.from(rowAssociatedData(vaultId, 'entries', field, id, rev)));
    }
  });

  it('the manifest tuples are the bytes of the plain rule (sort by table then id, BigInt u64 position), large and negative positions too', () => {
    const ids = Array.from({ length: 300 }, () => randomBytes(16));
    // Ties on the first 6 bytes must fall back to the whole id.
    const twin = new Uint8Array(ids[0] ?? randomBytes(16));
    twin[15] = (twin[15] ?? 0) ^ 0xff;
    ids.push(twin);
    const rows = ids.map((id, i) => [1 + (i % 3), id, i * 7, [0, -5, 2 ** 40 + 3, 2 ** 53 - 1, -(2 ** 40)][i % 5] ?? i] as [number, Uint8Array, number, number]);
    const plain = [...rows].sort((a, b) => a[0] - b[0] || Buffer.compare(a[1], b[1]));
    const expected = Buffer.alloc(rows.length * 29);
    plain.forEach(([table, id, rev, position], i) => {
      expected[i * 29] = table;
      expected.set(id, i * 29 + 1);
      expected.writeUInt32BE(rev, i * 29 + 17);
      expected.writeBigUInt64BE(BigInt.asUintN(64, BigInt(position)), i * 29 + 21);
    });
    expect(Buffer.from(encodeRowTuples(rows)).toString('hex')).toBe(expected.toString('hex'));
  });
});
