import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import { KDF_FLOOR, type RemovedAccount } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';
import { RemovalUndo, UNDO_WINDOW_MS } from './removal-undo.js';
import { manualTimers } from './test-support/manual-timers.js';

const PASSWORD = 'undo test password';
const SECRETS = ['GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 'JBSWY3DPEHPK3PXP', 'MFRGGZDFMZTWQ2LK'];

async function setup() {
  const clock = testClock(1_700_000_000_000);
  const manual = manualTimers(clock);
  const vaultPath = tempVaultPath();
  const service = createService({ clock, timers: manual.timers, vaultPath, kdf: KDF_FLOOR, deriveKey: memoisedKdf(), dailyBackups: false });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  const accounts = [];
  for (const [i, secret] of SECRETS.entries()) {
    const { account } = await client.call('accounts.add', {
      uri: `otpauth://totp/Issuer${String(i)}:user?secret=${secret}&issuer=Issuer${String(i)}`,
      note: `note ${String(i)}`,
      recoveryCodes: [`code-${String(i)}`],
    });
    accounts.push(account);
  }
  const listing = async () => (await client.call('accounts.list', {})).accounts;
  return { clock, manual, client, accounts, listing, vaultPath };
}

describe('accounts.remove → accounts.undoRemove', () => {
  it('within the window puts the account back whole: same id, code, position, note and recovery codes', async () => {
    const { clock, client, accounts, listing } = await setup();
    const [, middle] = accounts;
    if (middle === undefined) throw new Error('setup');
    const removed = await client.call('accounts.remove', { id: middle.id });
    expect(removed).toEqual({ removed: middle.id, undoUntil: Math.floor((clock.now() + UNDO_WINDOW_MS) / 1000) });
    expect((await listing()).map((a) => a.id)).not.toContain(middle.id);

    const { account } = await client.call('accounts.undoRemove', { id: middle.id });
    expect(account).toEqual(middle);
    expect((await listing()).map((a) => a.id)).toEqual(accounts.map((a) => a.id));
    expect(await client.call('accounts.details', { id: middle.id })).toMatchObject({ note: 'note 1', recoveryCodes: { total: 1, unused: 1 } });
    expect(await client.call('accounts.recoveryCodes', { id: middle.id, action: 'list', vaultPassword: PASSWORD })).toEqual({ codes: [{ code: 'code-1', used: false }], total: 1, unused: 0 + 1 });
    expect(await client.call('vault.verify', {})).toEqual({ rows: 3, damaged: [], manifest: 'ok' });
    // Undone once: there is nothing left to undo.
    await expect(client.call('accounts.undoRemove', { id: middle.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps the position after the list was reordered meanwhile', async () => {
    const { client, accounts, listing } = await setup();
    const [first, second, third] = accounts.map((a) => a.id) as [string, string, string];
    await client.call('accounts.remove', { id: first });
    await client.call('accounts.reorder', { ids: [third, second] });
    await client.call('accounts.undoRemove', { id: first });
    expect((await listing()).map((a) => a.id)).toEqual([first, third, second]);
  });

  it('after the window: NOT_FOUND with a clear message, and the timer is gone', async () => {
    const { manual, client, accounts } = await setup();
    const id = accounts[0]?.id ?? '';
    await client.call('accounts.remove', { id });
    expect(manual.count()).toBe(2); // the idle lock's and the undo window's
    manual.advance(UNDO_WINDOW_MS);
    expect(manual.count()).toBe(1);
    await expect(client.call('accounts.undoRemove', { id })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('can no longer be undone') as unknown });
  });

  it('the clock closes the window even if the timer is late', async () => {
    const { clock, client, accounts } = await setup();
    const id = accounts[0]?.id ?? '';
    await client.call('accounts.remove', { id });
    clock.advance(UNDO_WINDOW_MS);
    await expect(client.call('accounts.undoRemove', { id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('after a lock: VAULT_LOCKED while locked, NOT_FOUND once unlocked again', async () => {
    const { client, accounts } = await setup();
    const id = accounts[0]?.id ?? '';
    await client.call('accounts.remove', { id });
    await client.call('vault.lock', {});
    await expect(client.call('accounts.undoRemove', { id })).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    await client.call('vault.unlock', { password: PASSWORD });
    await expect(client.call('accounts.undoRemove', { id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('only the most recent removal can be undone', async () => {
    const { client, accounts, listing } = await setup();
    const [first, second] = accounts.map((a) => a.id) as [string, string, string];
    await client.call('accounts.remove', { id: first });
    await client.call('accounts.remove', { id: second });
    await expect(client.call('accounts.undoRemove', { id: first })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await client.call('accounts.undoRemove', { id: second });
    expect((await listing()).map((a) => a.id)).toEqual(accounts.slice(1).map((a) => a.id));
  });

  it('a HOTP account comes back with its counter', async () => {
    const { client } = await setup();
    const { account } = await client.call('accounts.add', { account: { type: 'hotp', secretBase32: SECRETS[0] ?? '', issuer: 'Bank', label: 'me', counter: '0' } });
    await client.call('accounts.nextHotp', { id: account.id });
    await client.call('accounts.remove', { id: account.id });
    await client.call('accounts.undoRemove', { id: account.id });
    expect((await client.call('accounts.nextHotp', { id: account.id, peek: true })).account).toMatchObject({ code: '287082', counter: '1' });
  });

  it('a damaged account can still be removed, with nothing to undo', async () => {
    const { client, accounts, vaultPath } = await setup();
    const id = accounts[0]?.id ?? '';
    const db = new Database(vaultPath);
    const { seed_ct: sealed } = db.prepare('SELECT seed_ct FROM entries WHERE id = ?').get(Buffer.from(id, 'hex')) as { seed_ct: Buffer };
    sealed[0] = (sealed[0] ?? 0) ^ 1;
    db.prepare('UPDATE entries SET seed_ct = ? WHERE id = ?').run(sealed, Buffer.from(id, 'hex'));
    db.close();
    expect(await client.call('accounts.remove', { id })).toEqual({ removed: id, undoUntil: null });
    await expect(client.call('accounts.undoRemove', { id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('accounts.details', () => {
  it('gives the note, the recovery codes and the dates (unix seconds), never the secret', async () => {
    const { clock, client } = await setup();
    const { account } = await client.call('accounts.add', { account: { secretBase32: SECRETS[1] ?? '', issuer: 'Plain', label: 'me' } });
    const details = await client.call('accounts.details', { id: account.id });
    expect(details).toEqual({ note: '', recoveryCodes: { total: 0, unused: 0 }, createdAt: Math.floor(clock.now() / 1000), updatedAt: Math.floor(clock.now() / 1000) });
    clock.advance(5_000);
    await client.call('accounts.update', { id: account.id, patch: { note: 'desk drawer' } });
    expect(await client.call('accounts.details', { id: account.id })).toMatchObject({ note: 'desk drawer', updatedAt: Math.floor(clock.now() / 1000) });
    expect(JSON.stringify(details)).not.toContain(SECRETS[1]);
    await expect(client.call('accounts.details', { id: 'f'.repeat(32) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('counts the recovery codes but never sends them; the codes come only from accounts.recoveryCodes list', async () => {
    const { client } = await setup();
    const { account } = await client.call('accounts.add', {
      account: { secretBase32: SECRETS[2] ?? '', issuer: 'Codes', label: 'me' },
      recoveryCodes: ['first-1111', 'second-2222', 'third-3333'],
    });
    await client.call('accounts.recoveryCodes', { id: account.id, action: 'markUsed', code: 'second-2222' });
    const details = await client.call('accounts.details', { id: account.id });
    expect(details.recoveryCodes).toEqual({ total: 3, unused: 2 });
    const text = JSON.stringify(details);
    for (const code of ['first-1111', 'second-2222', 'third-3333']) expect(text).not.toContain(code);
    expect((await client.call('accounts.recoveryCodes', { id: account.id, action: 'list', vaultPassword: PASSWORD })).codes).toEqual([
      { code: 'first-1111', used: false },
      { code: 'second-2222', used: true },
      { code: 'third-3333', used: false },
    ]);
  });
});

describe('RemovalUndo', () => {
  const removedAccount = (id: string): RemovedAccount => ({
    account: { id, type: 'totp', issuer: 'I', label: 'l', algorithm: 'SHA1', digits: 6, period: 30, secret: Uint8Array.of(1, 2, 3), tags: [], createdAt: 0, updatedAt: 0 },
    position: 0,
    rev: 1,
  });

  it('zeroes the secret on expiry, when replaced, on wipe (lock), and once put back', () => {
    const clock = testClock();
    const manual = manualTimers(clock);
    const undo = new RemovalUndo(clock, manual.timers);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((x) => removedAccount(x.repeat(32))) as [RemovedAccount, RemovedAccount, RemovedAccount, RemovedAccount];
    undo.keep(a);
    manual.advance(UNDO_WINDOW_MS);
    expect([...a.account.secret]).toEqual([0, 0, 0]);
    undo.keep(b);
    undo.keep(c);
    expect([...b.account.secret]).toEqual([0, 0, 0]);
    expect(manual.count()).toBe(1);
    undo.wipe();
    expect([...c.account.secret]).toEqual([0, 0, 0]);
    expect(manual.count()).toBe(0);
    undo.keep(d);
    let seen: number[] = [];
    undo.restore(d.account.id, (removed) => {
      seen = [...removed.account.secret];
      return removed.account;
    });
    expect(seen).toEqual([1, 2, 3]);
    expect([...d.account.secret]).toEqual([0, 0, 0]);
    expect(manual.count()).toBe(0);
  });

  it('keeps the account for another try when putting it back fails', () => {
    const clock = testClock();
    const undo = new RemovalUndo(clock, manualTimers(clock).timers);
    const held = removedAccount('e'.repeat(32));
    undo.keep(held);
    expect(() =>
      undo.restore(held.account.id, () => {
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(undo.restore(held.account.id, (removed) => removed.account).id).toBe(held.account.id);
  });
});
