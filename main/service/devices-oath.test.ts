import { describe, expect, it } from 'vitest';
import { createEmulatedNitrokey3Backend, nitrokey3Descriptor } from '../keys/emulators/nitrokey3.js';
import type { HidBackend, HidDescriptor } from '../keys/hid/hid-device.js';
import type { PcscBackend } from '../keys/pcsc/pcsc-backend.js';
import { pcscServiceUnavailable } from '../keys/pcsc/pcsc-errors.js';
import { LatchkeyError } from '../../shared/errors.js';
import { createDevices, parseEmulatorSpec } from './devices.js';

const NO_HID: HidBackend = { devices: () => Promise.resolve([]), open: () => Promise.reject(new Error('none')) };

/** A PC/SC service with these readers; connecting is not what these tests look at. */
function readers(list: readonly { name: string; cardPresent: boolean }[]): PcscBackend {
  return {
    listReaders: () => Promise.resolve(list.map((reader) => ({ ...reader, atr: undefined }))),
    watch: () => Promise.resolve({ stop: () => Promise.resolve() }),
    connect: () => Promise.reject(new Error('not in this test')),
  };
}

describe('devices: keys with an OATH application', () => {
  it('takes YubiKey CCID readers holding a card, and Nitrokey 3 FIDO interfaces; nothing else', async () => {
    const nk3 = nitrokey3Descriptor(0x1234);
    const otherFido: HidDescriptor = { ...nk3, vendorId: 0x1050, productId: 0x0407, path: 'yubikey-fido' };
    const nk3Keyboard: HidDescriptor = { ...nk3, usagePage: 0x0001, usage: 0x06, path: 'nk3-other' };
    const devices = createDevices({
      backend: NO_HID,
      fido: { devices: () => Promise.resolve([nk3, otherFido, nk3Keyboard]), open: () => Promise.reject(new Error('unused')) },
      pcsc: readers([
        { name: 'Yubico YubiKey OTP+FIDO+CCID 00 00', cardPresent: true },
        { name: 'Yubico YubiKey CCID 01 00', cardPresent: false },
        { name: 'Alcor Micro AU9540 00 00', cardPresent: true },
      ]),
    });
    expect((await devices.oathKeys()).keys.map((key) => key.kind)).toEqual(['yubikey-oath', 'nitrokey3']);
  });

  it('an emulated Nitrokey 3 is opened for one use and closed after it, whatever the work throws', async () => {
    const backend = createEmulatedNitrokey3Backend({});
    const devices = createDevices({ backend: NO_HID, fido: backend, pcsc: readers([]) });
    const [candidate] = (await devices.oathKeys()).keys;
    await expect(candidate?.use(() => Promise.reject(new Error('work failed')))).rejects.toThrow('work failed');
    // Closed: the connection no longer answers.
    await expect(backend.current?.write(new Uint8Array(64))).rejects.toThrow(/closed/);
  });

  it('without the PC/SC service, still finds a Nitrokey 3 over HID and keeps the PC/SC reason beside it', async () => {
    const stopped: PcscBackend = { ...readers([]), listReaders: () => Promise.reject(pcscServiceUnavailable('linux')) };
    const devices = createDevices({ backend: NO_HID, fido: createEmulatedNitrokey3Backend({}), pcsc: stopped });
    const found = await devices.oathKeys();
    expect(found.keys.map((key) => key.kind)).toEqual(['nitrokey3']);
    expect(found.unavailable.map((error) => [error.code, error.message])).toEqual([['KEY_SERVICE_UNAVAILABLE', pcscServiceUnavailable('linux').message]]);
  });

  it('any other PC/SC failure still fails the listing as a whole', async () => {
    const broken: PcscBackend = { ...readers([]), listReaders: () => Promise.reject(new LatchkeyError('KEY_PROTOCOL', 'the reader answered nonsense')) };
    const devices = createDevices({ backend: NO_HID, fido: createEmulatedNitrokey3Backend({}), pcsc: broken });
    await expect(devices.oathKeys()).rejects.toThrow('the reader answered nonsense');
  });

  it('knows yubikey-oath as an emulator kind', () => {
    expect(parseEmulatorSpec('yubikey-oath:key.json')).toEqual({ kind: 'yubikey-oath', stateFile: 'key.json' });
    expect(() => parseEmulatorSpec('yubikey-piv')).toThrow(/known: yubikey-otp, yubikey-oath, nitrokey3/);
  });
});
