import { describe, expect, it } from 'vitest';
import { createClient, type LatchkeyClient } from '../../shared/client.js';
import type { EventOf } from '../../shared/events.js';
import { createEmulatedYubiKeyOtpBackend, type EmulatedYubiKeyOtpBackend } from '../keys/emulators/yubikey-otp.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService, type Service } from './create-service.js';
import { createDevices, type Devices } from './devices.js';

/**
 * Issue 15, item 5, at the service: password+YubiKey slots over the emulated key and the real
 * driver. Unlock, re-authentication and a password change ask the key (a touch each is one
 * `op.progress {needsTouch}`), and a missing key is KEY_NOT_FOUND, never a counted wrong password.
 */
const PASSWORD = 'vault password for the yubikey slot';

interface Setup {
  readonly service: Service;
  readonly client: LatchkeyClient;
  readonly key: EmulatedYubiKeyOtpBackend;
  readonly serial: number;
  readonly progress: EventOf<'op.progress'>[];
}

/** Both keys' interfaces, as one machine with two keys plugged in. */
function bothKeys(...keys: EmulatedYubiKeyOtpBackend[]): Devices {
  const each = keys.map((backend) => createDevices({ backend }));
  return {
    yubiKeyOtp: async () => (await Promise.all(each.map((devices) => devices.yubiKeyOtp()))).flat(),
    oathKeys: () => Promise.resolve({ keys: [], unavailable: [] }),
    watchKeys: () => () => undefined,
  };
}

async function setup(options: { touch?: boolean; keys?: EmulatedYubiKeyOtpBackend[] } = {}): Promise<Setup> {
  const key = createEmulatedYubiKeyOtpBackend({ touchPolicy: { kind: 'auto' } });
  const devices = bothKeys(key, ...(options.keys ?? []));
  const service = createService({ clock: testClock(), vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf(), keys: { devices } });
  const progress: EventOf<'op.progress'>[] = [];
  service.onEvent((name, payload) => {
    if (name === 'op.progress') progress.push(payload as EventOf<'op.progress'>);
  });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  const serials = (await client.call('keys.list', {})).keys.map((listed) => listed.serial ?? undefined);
  for (const serial of serials) await programChallengeResponse(client, options.touch ?? true, serial);
  const [serial] = serials;
  if (serial === undefined) throw new Error('the emulated key has a serial');
  return { service, client, key, serial, progress };
}

/** An HMAC-SHA1 slot 2 on a key, as `latchkey keys program 2 --challenge-response --generate` does it. */
async function programChallengeResponse(client: LatchkeyClient, touch: boolean, serial: number | undefined): Promise<number> {
  const programmed = await client.call('keys.program', { slot: 2, ...(serial === undefined ? {} : { serial }), credential: { kind: 'challenge-response', touch } });
  if (programmed.key.serial === null) throw new Error('the emulated key has a serial');
  return programmed.key.serial;
}

const kinds = (slots: readonly { kind: string }[]) => slots.map((slot) => slot.kind).sort();

describe('password+YubiKey slots through the service and the emulated key', () => {
  it('adds a slot (a touch), then unlock needs the password and a touch; no key is KEY_NOT_FOUND and not counted', async () => {
    const { client, key, serial, progress } = await setup();
    const added = await client.call('vault.addKeySlot', { password: PASSWORD, removePasswordSlot: true, opId: 'add' });
    expect(added).toMatchObject({ slot: { kind: 'password+yubikey', key: { serial, slot: 2 } }, passwordSlotRemoved: true, recoverySlot: true });
    expect(kinds(added.slots)).toEqual(['password+yubikey', 'recovery']);
    expect(progress).toEqual([{ opId: 'add', stage: 'Touch your YubiKey…', needsTouch: true, key: String(serial) }]);

    await client.call('vault.lock', {});
    progress.length = 0;
    await client.call('vault.unlock', { password: PASSWORD, opId: 'unlock' });
    expect(progress).toEqual([{ opId: 'unlock', stage: 'Touch your YubiKey…', needsTouch: true, key: String(serial) }]);

    await client.call('vault.lock', {});
    key.unplug();
    await expect(client.call('vault.unlock', { password: PASSWORD })).rejects.toMatchObject({
      code: 'KEY_NOT_FOUND',
      message: 'this vault needs its YubiKey; plug it in or use the recovery key',
    });
    key.plugIn();
    // The missing key was not counted: the first wrong password is failure 1.
    await expect(client.call('vault.unlock', { password: 'not the vault password' })).rejects.toMatchObject({
      code: 'VAULT_WRONG_PASSWORD',
      message: 'wrong password or wrong key',
      details: { failures: 1 },
    });
  });

  it('re-authentication asks for the touch too; a password change re-challenges the slot on its key', async () => {
    const { client, key, progress } = await setup({ touch: false });
    await client.call('vault.addKeySlot', { password: PASSWORD, removePasswordSlot: true });
    // A slot without the touch flag answers at once: no wait, no event.
    expect(progress).toEqual([]);
    await client.call('vault.recoveryKey', { password: PASSWORD });

    const before = (await client.call('vault.slots', {})).slots.find((slot) => slot.kind === 'password+yubikey');
    const changed = await client.call('vault.changePassword', { current: PASSWORD, next: 'the new vault password, longer' });
    expect(changed).toMatchObject({ rechallenged: 1, droppedKeySlots: [] });
    const after = (await client.call('vault.slots', {})).slots;
    expect(kinds(after)).toEqual(['password+yubikey', 'recovery']);
    expect(after.find((slot) => slot.kind === 'password+yubikey')?.id).not.toBe(before?.id);

    await client.call('vault.lock', {});
    await client.call('vault.unlock', { password: 'the new vault password, longer' });
    key.unplug();
    await expect(client.call('vault.changePassword', { current: 'the new vault password, longer', next: 'a third vault password here' })).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
  });

  it('a password change with the key away names the slot, and drops it only when asked', async () => {
    const { client, key } = await setup({ touch: false });
    await client.call('vault.addKeySlot', { password: PASSWORD });
    const keySlot = (await client.call('vault.slots', {})).slots.find((slot) => slot.kind === 'password+yubikey');
    key.unplug();
    await expect(client.call('vault.changePassword', { current: PASSWORD, next: 'the new vault password, longer' })).rejects.toMatchObject({
      code: 'KEY_NOT_FOUND',
      details: { slots: keySlot?.id },
    });
    const changed = await client.call('vault.changePassword', { current: PASSWORD, next: 'the new vault password, longer', dropMissingKeySlots: true });
    expect(changed).toMatchObject({ rechallenged: 0, droppedKeySlots: [keySlot?.id] });
    expect(kinds((await client.call('vault.slots', {})).slots)).toEqual(['password', 'recovery']);
  });

  it('a backup key: two keys plugged in need --key; either key opens; the last way in stays', async () => {
    const backup = createEmulatedYubiKeyOtpBackend({ touchPolicy: { kind: 'auto' } });
    const { client, key, serial } = await setup({ touch: false, keys: [backup] });
    const backupSerial = (await client.call('keys.list', {})).keys.find((listed) => listed.serial !== serial)?.serial ?? undefined;
    await expect(client.call('vault.addKeySlot', { password: PASSWORD })).rejects.toMatchObject({ code: 'AMBIGUOUS' });
    await client.call('vault.addKeySlot', { password: PASSWORD, serial, removePasswordSlot: true });
    // Now the password check needs an enrolled key: the backup key alone can't give it.
    key.unplug();
    await expect(client.call('vault.addKeySlot', { password: PASSWORD, serial: backupSerial })).rejects.toMatchObject({
      code: 'VAULT_WRONG_PASSWORD',
      message: 'wrong password or wrong key; this vault opens only with its password and an enrolled key, so plug one in beside the new key',
    });
    key.plugIn();
    const second = await client.call('vault.addKeySlot', { password: PASSWORD, serial: backupSerial });
    expect(second.slots.filter((slot) => slot.kind === 'password+yubikey').map((slot) => slot.key?.serial).sort()).toEqual([serial, backupSerial].sort());

    await client.call('vault.lock', {});
    key.unplug();
    await client.call('vault.unlock', { password: PASSWORD });
    const recovery = second.slots.find((slot) => slot.kind === 'recovery');
    await expect(client.call('vault.removeSlot', { password: PASSWORD, slotId: recovery?.id ?? '' })).rejects.toMatchObject({ code: 'USAGE' });
    const mainKeySlot = second.slots.find((slot) => slot.key?.serial === serial);
    const removed = await client.call('vault.removeSlot', { password: PASSWORD, slotId: mainKeySlot?.id ?? '' });
    expect(removed.removed).toMatchObject({ id: mainKeySlot?.id, kind: 'password+yubikey' });
    expect(kinds(removed.slots)).toEqual(['password+yubikey', 'recovery']);
  });
});
