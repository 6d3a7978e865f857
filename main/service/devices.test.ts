import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HidBackend, HidDescriptor, HidDevice } from '../keys/hid/hid-device.js';
import { YubiOtpSession } from '../keys/yubikey-otp/index.js';
import { createDevices, parseEmulatorSpec } from './devices.js';

const otp: HidDescriptor = {
  vendorId: 0x1050,
  productId: 0x0407,
  serialNumber: undefined,
  interfaceNumber: 0,
  usagePage: 1,
  usage: 6,
  path: '/dev/hidraw3',
  product: 'YubiKey',
  manufacturer: 'Yubico',
};
const fido: HidDescriptor = { ...otp, path: '/dev/hidraw4', interfaceNumber: 1, usagePage: 0xf1d0, usage: 1 };

function onlyKey<T>(candidates: readonly T[]): T {
  const [candidate] = candidates;
  if (candidate === undefined || candidates.length !== 1) throw new Error(`expected one key, found ${String(candidates.length)}`);
  return candidate;
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('devices', () => {
  it('parses --emulator values and refuses unknown kinds', () => {
    expect(parseEmulatorSpec('yubikey-otp')).toEqual({ kind: 'yubikey-otp' });
    expect(parseEmulatorSpec('yubikey-otp:/tmp/k.json')).toEqual({ kind: 'yubikey-otp', stateFile: '/tmp/k.json' });
    expect(() => parseEmulatorSpec('solokey')).toThrow(/unknown key kind/);
    expect(() => parseEmulatorSpec('yubikey-otp:')).toThrow(/empty/);
  });

  it('real keys: only YubiKey OTP interfaces, opened through the backend', async () => {
    const opened: string[] = [];
    const backend: HidBackend = {
      devices: () => Promise.resolve([otp, fido]),
      open: (descriptor) => {
        opened.push(descriptor.path);
        return Promise.resolve({ descriptor } as unknown as HidDevice);
      },
    };
    const candidates = await createDevices({ backend }).yubiKeyOtp();
    expect(candidates.map((c) => [c.descriptor.path, c.emulated])).toEqual([['/dev/hidraw3', false]]);
    await candidates[0]?.open();
    expect(opened).toEqual(['/dev/hidraw3']);
  });

  it('--emulator yubikey-otp:STATE: our driver programs the emulated key, and a later run with the same state file answers the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-devices-'));
    dirs.push(dir);
    const spec = `yubikey-otp:${join(dir, 'key.json')}`;
    const key = Uint8Array.from(Buffer.from('303132333435363738393a3b3c3d3e3f40414243', 'hex'));
    const challenge = Buffer.from('4c6174636821', 'hex');
    const expected = createHmac('sha1', key).update(challenge).digest('hex');

    const first = await createDevices({ emulators: [spec] }).yubiKeyOtp();
    expect(first).toHaveLength(1);
    expect(first[0]?.emulated).toBe(true);
    const device = await onlyKey(first).open();
    const session = await YubiOtpSession.open(device);
    const serial = await session.serial();
    await session.programChallengeResponse(2, { key }, { overwrite: true });
    expect(Buffer.from(await session.calculateHmacSha1(2, challenge)).toString('hex')).toBe(expected);
    await device.close();

    const again = await createDevices({ emulators: [spec] }).yubiKeyOtp();
    const later = await YubiOtpSession.open(await onlyKey(again).open());
    expect(await later.serial()).toBe(serial);
    expect((await later.status()).slots[1].configured).toBe(true);
    expect(Buffer.from(await later.calculateHmacSha1(2, challenge)).toString('hex')).toBe(expected);
  });

  it('a closed connection to an emulated key fails, while the key itself stays for the next open', async () => {
    const devices = createDevices({ emulators: ['yubikey-otp'] });
    const [candidate] = await devices.yubiKeyOtp();
    if (candidate === undefined) throw new Error('no emulated key');
    const handle = await candidate.open();
    await handle.close();
    await expect(handle.getFeatureReport(8)).rejects.toBeInstanceOf(Error);
    const session = await YubiOtpSession.open(await candidate.open());
    expect((await session.status()).firmware.major).toBeGreaterThanOrEqual(5);
  });
});
