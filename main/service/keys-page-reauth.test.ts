import { describe, expect, it } from 'vitest';
import { createClient, type LatchkeyClient } from '../../shared/client.js';
import { createEmulatedYubiKeyOtpBackend, type EmulatedYubiKeyOtpBackend } from '../keys/emulators/yubikey-otp.js';
import { openEmulatedYubiKeyOath } from '../keys/emulators/yubikey-oath.js';
import { createEmulatedPcscBackend } from '../keys/emulators/yubikey-oath/pcsc.js';
import type { HidBackend } from '../keys/hid/hid-device.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService, type Service } from './create-service.js';
import { createDevices, type Devices } from './devices.js';
import { rendererDoor } from './renderer-door.js';

/**
 * The keys panel's irreversible writes (a reset, a credential deleted, a programmed slot deleted or
 * overwritten) need the vault password typed again when the page asks: the renderer door refuses them
 * without it, main checks it before the key is touched, and a wrong one counts with unlock's. The CLI,
 * which reaches the service without that door, still does them without it.
 */
const PASSWORD = 'vault password for the page’s key writes';
const NO_HID: HidBackend = { devices: () => Promise.resolve([]), open: () => Promise.reject(new Error('none')) };
const HMAC_KEY = '0a0b0c0d0e0f101112131415161718191a1b1c1d';

interface Doors {
  readonly service: Service;
  /** Through the renderer door, as the keys panel calls. */
  readonly page: LatchkeyClient;
  /** Straight to the service, as the CLI calls. */
  readonly cli: LatchkeyClient;
}

async function doors(devices: Devices): Promise<Doors> {
  const service = createService({ clock: testClock(), vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf(), keys: { devices } });
  const cli = createClient((channel, payload) => service.dispatch(channel, payload));
  const page = createClient(rendererDoor((channel, payload) => service.dispatch(channel, payload)));
  await cli.call('vault.create', { password: PASSWORD });
  await cli.call('vault.unlock', { password: PASSWORD });
  return { service, page, cli };
}

async function oathSetup() {
  const card = openEmulatedYubiKeyOath({});
  const s = await doors(createDevices({ backend: NO_HID, fido: NO_HID, pcsc: createEmulatedPcscBackend([card]) }));
  const mail = await s.cli.call('accounts.add', { uri: 'otpauth://totp/Mail:me?secret=JBSWY3DPEHPK3PXP&issuer=Mail' });
  const bank = await s.cli.call('accounts.add', { uri: 'otpauth://totp/Bank:me?secret=KRSXG5CTMVRXEZLU&issuer=Bank' });
  await s.cli.call('keys.put', { accountIds: [mail.account.id, bank.account.id], vaultPassword: PASSWORD });
  const onCard = () => card.snapshot().credentials.map((credential) => Buffer.from(credential.idHex, 'hex').toString()).sort();
  return { ...s, onCard };
}

async function otpSetup() {
  const key: EmulatedYubiKeyOtpBackend = createEmulatedYubiKeyOtpBackend({ touchPolicy: { kind: 'auto' } });
  const s = await doors(createDevices({ backend: key }));
  await s.cli.call('keys.program', { slot: 2, credential: { kind: 'challenge-response', keyHex: HMAC_KEY } });
  const slots = async () => (await s.cli.call('keys.status', {})).slots.map((slot) => [slot.configured, slot.written?.kind ?? null, slot.written?.touch ?? null]);
  return { ...s, slots };
}

const needsPassword = { code: 'INVALID_REQUEST', message: expect.stringContaining('needs the vault password typed again') as unknown };

describe('the page’s irreversible key writes: the vault password again', () => {
  it('an OATH credential deleted and a reset: refused without it, VAULT_WRONG_PASSWORD with a wrong one, the key unchanged', async () => {
    const { page, onCard } = await oathSetup();
    await expect(page.call('keys.deleteCredential', { name: 'Mail:me' })).rejects.toMatchObject(needsPassword);
    await expect(page.call('keys.deleteCredential', { name: 'Mail:me', vaultPassword: 'not it' })).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    await expect(page.call('keys.reset', { confirmed: true })).rejects.toMatchObject(needsPassword);
    await expect(page.call('keys.reset', { confirmed: true, vaultPassword: '' })).rejects.toMatchObject(needsPassword);
    expect(onCard()).toEqual(['Bank:me', 'Mail:me']);

    expect((await page.call('keys.deleteCredential', { name: 'Mail:me', vaultPassword: PASSWORD })).deleted.name).toBe('Mail:me');
    expect(onCard()).toEqual(['Bank:me']);
    expect(await page.call('keys.reset', { confirmed: true, vaultPassword: PASSWORD })).toMatchObject({ erased: 1 });
    expect(onCard()).toEqual([]);
  });

  it('the CLI deletes and resets without it; a password it gives is checked all the same', async () => {
    const { cli, onCard } = await oathSetup();
    await expect(cli.call('keys.reset', { confirmed: true, vaultPassword: 'not it' })).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    expect(onCard()).toEqual(['Bank:me', 'Mail:me']);
    await cli.call('keys.deleteCredential', { name: 'Bank:me' });
    expect(onCard()).toEqual(['Mail:me']);
    expect(await cli.call('keys.reset', { confirmed: true })).toMatchObject({ erased: 1 });
  });

  it('a programmed slot deleted or overwritten from the page: refused without it, nothing written with a wrong one', async () => {
    const { page, cli, slots } = await otpSetup();
    const before = await slots();
    expect(before[1]).toEqual([true, 'challenge-response', false]);
    await expect(page.call('keys.delete', { slot: 2, confirmed: true })).rejects.toMatchObject(needsPassword);
    await expect(page.call('keys.delete', { slot: 2, confirmed: true, vaultPassword: 'not it' })).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    await expect(page.call('keys.program', { slot: 2, overwrite: true, credential: { kind: 'challenge-response', touch: true } })).rejects.toMatchObject(needsPassword);
    expect(await slots()).toEqual(before);

    // The CLI empties slot 1 (Yubico's factory credential) without it; an empty slot is programmed from the page without it.
    await cli.call('keys.delete', { slot: 1, confirmed: true });
    expect(await page.call('keys.program', { slot: 1, credential: { kind: 'challenge-response', touch: false } })).toMatchObject({ slot: 1, generatedKeyHex: expect.stringMatching(/^[0-9a-f]{40}$/) as unknown });
    expect(await page.call('keys.program', { slot: 2, overwrite: true, vaultPassword: PASSWORD, credential: { kind: 'challenge-response', touch: true } })).toMatchObject({ slot: 2 });
    expect((await slots())[1]).toEqual([true, 'challenge-response', true]);
    await page.call('keys.delete', { slot: 2, confirmed: true, vaultPassword: PASSWORD });
    expect((await slots())[1]).toEqual([false, null, null]);
  });

  it('a HOTP account programmed over a slot: its own vault password is the one check; two different ones are refused', async () => {
    const { page, cli, slots } = await otpSetup();
    const { account } = await cli.call('accounts.add', { uri: 'otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank&counter=16' });
    const before = await slots();
    const hotp = (vaultPassword: string) => ({ kind: 'hotp' as const, accountId: account.id, vaultPassword });
    await expect(page.call('keys.program', { slot: 2, overwrite: true, vaultPassword: PASSWORD, credential: hotp('not it') })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(page.call('keys.program', { slot: 2, overwrite: true, credential: hotp('not it') })).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    expect(await slots()).toEqual(before);
    expect(await page.call('keys.program', { slot: 2, overwrite: true, credential: hotp(PASSWORD) })).toMatchObject({ kind: 'hotp', counter: '16' });
  });

  it('wrong passwords here count with unlock’s: after three, the right one waits too', async () => {
    const { page, onCard } = await oathSetup();
    await expect(page.call('keys.deleteCredential', { name: 'Mail:me', vaultPassword: 'wrong 1' })).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    await expect(page.call('keys.reset', { confirmed: true, vaultPassword: 'wrong 2' })).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    await expect(page.call('keys.deleteCredential', { name: 'Bank:me', vaultPassword: 'wrong 3' })).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    await expect(page.call('keys.reset', { confirmed: true, vaultPassword: PASSWORD })).rejects.toMatchObject({ code: 'VAULT_TOO_MANY_ATTEMPTS' });
    expect(onCard()).toEqual(['Bank:me', 'Mail:me']);
  });
});
