import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import { createEmulatedNitrokey3Backend, factoryNk3State, type Nk3Credential } from '../keys/emulators/nitrokey3.js';
import { createEmulatedPcscBackend } from '../keys/emulators/yubikey-oath/pcsc.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';
import { createDevices } from './devices.js';

/**
 * What the keys panel reads of a Nitrokey 3 (issue 18): its PIN state and whether the listing may
 * miss PIN-protected credentials (the room "at most"), from an emulated key behind CTAPHID.
 */
const SERIAL = 0x0c0ffee0;
const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');
const credential = (name: string, pinEncrypted: boolean): Nk3Credential => ({
  labelHex: hex(name),
  kind: 'TOTP',
  algorithm: 'SHA1',
  digits: 6,
  secretHex: '3132333435363738393031323334353637383930',
  touch: false,
  pinEncrypted,
  hasPasswordSafe: false,
  counter: 0,
});

function serviceWith(pin: string | null) {
  const state = {
    ...factoryNk3State((length) => new Uint8Array(length).fill(3), { serial: SERIAL }),
    pin: pin === null ? null : { pinHex: hex(pin), retriesLeft: 8 },
    credentials: [credential('Plain:one', false), ...(pin === null ? [] : [credential('Hidden:two', true)])],
  };
  const key = createEmulatedNitrokey3Backend({ initialState: state });
  const devices = createDevices({ backend: { devices: () => Promise.resolve([]), open: () => Promise.reject(new Error('none')) }, fido: key, pcsc: createEmulatedPcscBackend([]) });
  const service = createService({ clock: testClock(), vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf(), keys: { devices } });
  return { service, client: createClient((channel, payload) => service.dispatch(channel, payload)) };
}

describe('keys.credentials on a Nitrokey 3', () => {
  it('without a PIN: none set, nothing hidden, the room exact', async () => {
    const { client } = serviceWith(null);
    const reply = await client.call('keys.credentials', { serial: SERIAL });
    expect(reply.pin).toEqual({ set: false, attemptsRemaining: null });
    expect(reply.hiddenByPin).toBe(false);
    expect(reply.credentials.map((entry) => entry.name)).toEqual(['Plain:one']);
    expect(reply.capacity).toBe(50);
    expect(reply.hasPassword).toBeUndefined();
  });

  it('with a PIN, listed without it: the PIN-protected credential hidden and said so; with it, all, and the tries a wrong PIN cost given back', async () => {
    const { service, client } = serviceWith('314159');
    const without = await client.call('keys.credentials', { serial: SERIAL });
    expect(without.pin).toEqual({ set: true, attemptsRemaining: 8 });
    expect(without.hiddenByPin).toBe(true);
    expect(without.credentials.map((entry) => entry.name)).toEqual(['Plain:one']);

    const wrong = await service.dispatch('keys.pin', { serial: SERIAL, action: 'verify', pin: '000000' });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) {
      expect(wrong.error.code).toBe('KEY_PIN_WRONG');
      expect(wrong.error.details).toMatchObject({ attemptsRemaining: 7 });
      expect(wrong.error.message).not.toContain('000000');
    }
    expect((await client.call('keys.credentials', { serial: SERIAL })).pin).toEqual({ set: true, attemptsRemaining: 7 });

    const withPin = await client.call('keys.credentials', { serial: SERIAL, auth: { pin: '314159' } });
    expect(withPin.hiddenByPin).toBe(false);
    expect(withPin.credentials.map((entry) => [entry.name, entry.pinProtected])).toEqual([
      ['Plain:one', false],
      ['Hidden:two', true],
    ]);
    expect(withPin.pin).toEqual({ set: true, attemptsRemaining: 8 });
  });
});
