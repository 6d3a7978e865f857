import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import { openEmulatedYubiKeyOath } from '../keys/emulators/yubikey-oath.js';
import { createEmulatedPcscBackend } from '../keys/emulators/yubikey-oath/pcsc.js';
import type { HidBackend } from '../keys/hid/hid-device.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';
import { createDevices } from './devices.js';

/**
 * Issue 16, item 5, at the service: a YubiKey's OATH access password is held while the vault is
 * unlocked (the app's case: one process, many requests) and forgotten when it locks; a touch wait is
 * one `op.progress {needsTouch, key}`.
 */
const PASSWORD = 'vault password for the OATH keys service';
const NO_HID: HidBackend = { devices: () => Promise.resolve([]), open: () => Promise.reject(new Error('none')) };

async function setup() {
  const card = openEmulatedYubiKeyOath({});
  const service = createService({
    clock: testClock(),
    vaultPath: tempVaultPath(),
    kdf: KDF_FLOOR,
    deriveKey: memoisedKdf(),
    keys: { devices: createDevices({ backend: NO_HID, fido: NO_HID, pcsc: createEmulatedPcscBackend([card]) }) },
  });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  return { card, service, client };
}

describe('keys service: OATH', () => {
  it('an access password that opened the key is held while the vault is unlocked, and forgotten when it locks', async () => {
    const { card, client } = await setup();
    expect((await client.call('keys.credentials', {})).hasPassword).toBe(false);
    await client.call('keys.password', { action: 'set', newPassword: 'key password' });
    expect(card.snapshot().access).not.toBeNull();
    expect((await client.call('keys.credentials', {})).hasPassword).toBe(true);
    // Set in this session: held already.
    expect((await client.call('keys.credentials', {})).credentials).toEqual([]);
    await client.call('vault.lock', {});
    await expect(client.call('keys.credentials', {})).rejects.toMatchObject({ code: 'KEY_PIN_REQUIRED', details: { kind: 'password' } });
    await client.call('vault.unlock', { password: PASSWORD });
    await expect(client.call('keys.credentials', {})).rejects.toMatchObject({ code: 'KEY_PIN_REQUIRED' });
    await client.call('keys.credentials', { auth: { password: 'key password' } });
    expect((await client.call('keys.credentials', {})).credentials).toEqual([]);
  });

  it('remembering needs an unlocked vault: VAULT_LOCKED before the key is changed', async () => {
    const { card, client } = await setup();
    await client.call('vault.lock', {});
    await expect(client.call('keys.password', { action: 'set', newPassword: 'key password', auth: { remember: true } })).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    expect(card.snapshot().access).toBeNull();
  });

  it('a touch credential: one op.progress {needsTouch, key: serial} per wait', async () => {
    const { card, client, service } = await setup();
    const { account } = await client.call('accounts.add', { uri: 'otpauth://totp/Mail:me?secret=JBSWY3DPEHPK3PXP&issuer=Mail' });
    await client.call('keys.put', { accountIds: [account.id], vaultPassword: PASSWORD, touch: true });
    card.setTouchPolicy({ kind: 'after', ms: 5 });
    const progress: unknown[] = [];
    service.onEvent((name, payload) => {
      if (name === 'op.progress') progress.push(payload);
    });
    const reply = await client.call('keys.calculate', { query: 'mail', opId: 'touch-test' });
    expect(reply.matches[0]?.code).toMatch(/^\d{6}$/);
    expect(progress).toEqual([expect.objectContaining({ opId: 'touch-test', needsTouch: true, key: String(card.snapshot().serial) })]);
  });

  it('a rename onto a name another credential has is KEY_CREDENTIAL_EXISTS, and the key is unchanged', async () => {
    const { client } = await setup();
    const mail = await client.call('accounts.add', { uri: 'otpauth://totp/Mail:me?secret=JBSWY3DPEHPK3PXP&issuer=Mail' });
    const bank = await client.call('accounts.add', { uri: 'otpauth://totp/Bank:me?secret=KRSXG5CTMVRXEZLU&issuer=Bank' });
    await client.call('keys.put', { accountIds: [mail.account.id, bank.account.id], vaultPassword: PASSWORD });
    const refused = client.call('keys.rename', { name: 'Mail:me', issuer: 'Bank', label: 'me' });
    await expect(refused).rejects.toMatchObject({ code: 'KEY_CREDENTIAL_EXISTS' });
    await expect(refused).rejects.toThrow('the key already holds "Bank:me"');
    expect((await client.call('keys.credentials', {})).credentials.map((credential) => credential.name).sort()).toEqual(['Bank:me', 'Mail:me']);
    // The same name again (nothing changes) and a free name are renamed.
    await client.call('keys.rename', { name: 'Mail:me', issuer: 'Mail', label: 'me' });
    expect((await client.call('keys.rename', { name: 'Mail:me', issuer: 'Post', label: 'me' })).credential.name).toBe('Post:me');
  });

  it('two chosen accounts that would share a name on the key are refused before the first PUT: nothing written', async () => {
    const { client } = await setup();
    // The same account enrolled twice (a new secret after a reset at the site): one name on the key.
    const old = await client.call('accounts.add', { uri: 'otpauth://totp/Mail:me?secret=JBSWY3DPEHPK3PXP&issuer=Mail' });
    const renewed = await client.call('accounts.add', { uri: 'otpauth://totp/Mail:me?secret=KRSXG5CTMVRXEZLU&issuer=Mail' });
    const put = client.call('keys.put', { accountIds: [old.account.id, renewed.account.id], vaultPassword: PASSWORD });
    await expect(put).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(put).rejects.toThrow('two of the chosen accounts would have the same name on the key ("Mail:me"); choose one, or rename one in the vault first; nothing was written');
    expect((await client.call('keys.credentials', {})).credentials).toEqual([]);
  });

  it('a rename gets the names rule every account gets: control and text-direction characters removed; nothing left is refused', async () => {
    const { client } = await setup();
    const mail = await client.call('accounts.add', { uri: 'otpauth://totp/Mail:me?secret=JBSWY3DPEHPK3PXP&issuer=Mail' });
    await client.call('keys.put', { accountIds: [mail.account.id], vaultPassword: PASSWORD });
    // U+202E would show "moc.live" as "evil.com" in every app that lists the key; a newline splits a line of `keys credentials`.
    const renamed = await client.call('keys.rename', { name: 'Mail:me', issuer: 'Pay\u202Epal', label: 'me\nyou\u2066' });
    expect(renamed.credential.name).toBe('Paypal:meyou');
    const empty = client.call('keys.rename', { name: 'Paypal:meyou', issuer: 'Post', label: '\u202E\u0007 ' });
    await expect(empty).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(empty).rejects.toThrow('the account name is empty once control and text-direction characters are removed');
    expect((await client.call('keys.credentials', {})).credentials.map((credential) => credential.name)).toEqual(['Paypal:meyou']);
  });
});
