import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import { LatchkeyError } from '../../shared/errors.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';
import { rendererDoor } from './renderer-door.js';

/** Issue 13, items 3, 4, 8 and 14 at the service's door: codes at a moment, damaged seeds, add's checks, schema words. */
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const PASSWORD = 'service test password';

async function setup() {
  const clock = testClock(59_000);
  const vaultPath = tempVaultPath();
  const service = createService({ clock, vaultPath, kdf: KDF_FLOOR, deriveKey: memoisedKdf() });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  return { client, service, vaultPath };
}

async function failure(promise: Promise<unknown>): Promise<LatchkeyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected a LatchkeyError');
}

describe('accounts.list at a moment', () => {
  it('gives the codes of `at` (RFC 6238 vector), and the page may not ask for it', async () => {
    const { client, service } = await setup();
    await client.call('accounts.add', { account: { secretBase32: SECRET, issuer: 'RFC', label: 'sha1', digits: 8 } });
    const { accounts } = await client.call('accounts.list', { at: 1_111_111_109 });
    expect(accounts[0]).toMatchObject({ code: '07081804', validFrom: 1_111_111_080, validUntil: 1_111_111_110 });
    const page = rendererDoor((channel, payload) => service.dispatch(channel, payload));
    expect(await page('accounts.list', { at: 1_111_111_109 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await page('accounts.list', {})).toMatchObject({ ok: true });
  });
});

describe('a damaged seed', () => {
  it('is named in `damaged` with its id and field, its account listed without a code', async () => {
    const { client, service, vaultPath } = await setup();
    const { account } = await client.call('accounts.add', { account: { secretBase32: SECRET, issuer: 'Bad', label: 'seed' } });
    const hotp = (await client.call('accounts.add', { account: { type: 'hotp', secretBase32: 'JBSWY3DPEHPK3PXP', issuer: 'Bank', label: 'me' } })).account;
    await client.call('accounts.add', { account: { secretBase32: 'KRSXG5CTMVRXEZLU', issuer: 'Good', label: 'one' } });
    service.lock();
    const db = new Database(vaultPath);
    for (const id of [account.id, hotp.id]) {
      const row = db.prepare('SELECT seed_ct FROM entries WHERE id = ?').get(Buffer.from(id, 'hex')) as { seed_ct: Uint8Array };
      const flipped = Buffer.from(row.seed_ct);
      flipped[0] = (flipped[0] ?? 0) ^ 1;
      db.prepare('UPDATE entries SET seed_ct = ? WHERE id = ?').run(flipped, Buffer.from(id, 'hex'));
    }
    db.close();
    await client.call('vault.unlock', { password: PASSWORD });
    const listed = await client.call('accounts.list', {});
    expect(listed.damaged).toEqual(
      expect.arrayContaining([
        { table: 'entries', id: account.id, field: 'seed' },
        { table: 'entries', id: hotp.id, field: 'seed' },
      ]),
    );
    expect(listed.accounts.find((a) => a.id === account.id)).toMatchObject({ code: null });
    expect(listed.accounts.find((a) => a.issuer === 'Good')?.code).toMatch(/^\d{6}$/);
    const error = await failure(client.call('accounts.nextHotp', { id: hotp.id, peek: true }));
    expect(error.code).toBe('VAULT_INTEGRITY');
    expect(error.details).toMatchObject({ table: 'entries', id: hotp.id });
    expect(error.message).not.toContain('Bank');
  });
});

describe('accounts.add', () => {
  it('takes issuer and label beside a URI in place of the URI’s', async () => {
    const { client } = await setup();
    const { account } = await client.call('accounts.add', { uri: `otpauth://totp/Old:who?secret=${SECRET}&issuer=Old`, issuer: 'New', label: 'me' });
    expect(account).toMatchObject({ issuer: 'New', label: 'me' });
  });

  it('refuses a duplicate (same secret and type) when asked to, and adds it otherwise', async () => {
    const { client } = await setup();
    await client.call('accounts.add', { account: { secretBase32: SECRET, issuer: 'A', label: 'one' } });
    const error = await failure(client.call('accounts.add', { account: { secretBase32: SECRET, issuer: 'B', label: 'two' }, onDuplicate: 'refuse' }));
    expect(error.code).toBe('ACCOUNT_DUPLICATE');
    // Another type with the same secret is another account.
    await client.call('accounts.add', { account: { type: 'hotp', secretBase32: SECRET, issuer: 'C', label: 'three' }, onDuplicate: 'refuse' });
    await client.call('accounts.add', { account: { secretBase32: SECRET, issuer: 'B', label: 'two' } });
    expect((await client.call('accounts.list', {})).accounts).toHaveLength(3);
  });

  it('refuses an account with neither issuer nor label', async () => {
    const { client } = await setup();
    const error = await failure(client.call('accounts.add', { account: { secretBase32: SECRET } }));
    expect(error).toMatchObject({ code: 'ACCOUNT_INVALID', details: { field: 'label' } });
    const fromUri = await failure(client.call('accounts.add', { uri: `otpauth://totp/?secret=${SECRET}` }));
    expect(fromUri).toMatchObject({ code: 'ACCOUNT_INVALID', details: { field: 'label' } });
  });
});

describe('schema failures in the user’s words', () => {
  it('a label over 256 characters is ACCOUNT_INVALID{label}, the same limit for a form, a URI override and an edit', async () => {
    const { client } = await setup();
    const long = 'x'.repeat(3000);
    for (const request of [
      client.call('accounts.add', { account: { secretBase32: SECRET, issuer: 'A', label: long } }),
      client.call('accounts.add', { uri: `otpauth://totp/A:b?secret=${SECRET}`, label: long }),
    ]) {
      const error = await failure(request);
      expect(error).toMatchObject({ code: 'ACCOUNT_INVALID', details: { field: 'label' }, message: 'label must be at most 256 characters' });
    }
    const at256 = await client.call('accounts.add', { account: { secretBase32: SECRET, issuer: 'A', label: 'y'.repeat(256) } });
    const edit = await failure(client.call('accounts.update', { id: at256.account.id, patch: { tags: ['t'.repeat(300)] } }));
    expect(edit).toMatchObject({ code: 'ACCOUNT_INVALID', details: { field: 'tags' }, message: 'a tag must be at most 256 characters' });
  });

  it('sizes are the size errors of their kind; an empty password is USAGE; a bad id stays INVALID_REQUEST', async () => {
    const { client } = await setup();
    const image = await failure(client.call('enroll.decodeImage', { imageBase64: 'A'.repeat(70 * 1024 * 1024) }));
    expect(image).toMatchObject({ code: 'QR_IMAGE_TOO_LARGE', message: 'the image is over 50 MiB' });
    const file = await failure(client.call('import.preview', { fileBase64: 'A'.repeat(14 * 1024 * 1024 + 8) }));
    expect(file).toMatchObject({ code: 'IMPORT_TOO_LARGE' });
    expect(file.message).not.toMatch(/fileBase64|Too big/);
    await client.call('vault.lock', {});
    const empty = await failure(client.call('vault.unlock', { password: '' }));
    expect(empty).toMatchObject({ code: 'USAGE', message: 'the password is empty' });
    await client.call('vault.unlock', { password: PASSWORD });
    expect((await failure(client.call('accounts.remove', { id: 'nope' }))).code).toBe('INVALID_REQUEST');
  });
});
