import { describe, expect, it } from 'vitest';
import { createEmulatedNitrokey3Backend } from '../keys/emulators/nitrokey3.js';
import { openEmulatedYubiKeyOath } from '../keys/emulators/yubikey-oath.js';
import { createEmulatedPcscBackend } from '../keys/emulators/yubikey-oath/pcsc.js';
import { createEmulatedYubiKeyOtpBackend } from '../keys/emulators/yubikey-otp.js';
import type { PcscBackend } from '../keys/pcsc/pcsc-backend.js';
import { LatchkeyError } from '../../shared/errors.js';
import { createDevices } from './devices.js';
import type { KeyPlugChange } from './key-plug-watch.js';

const noHid = { devices: () => Promise.resolve([]), open: () => Promise.reject(new Error('no HID keys')) };
const summary = (changes: KeyPlugChange[]) => changes.map((change) => `${change.via} ${change.kind}`);

describe('the devices watch covers every kind of key', () => {
  it("tells a Nitrokey 3's FIDO interface plugged in and out (HID, polled) next to a YubiKey's OTP interface", async () => {
    const nk3 = createEmulatedNitrokey3Backend({ serial: 0x01020304 });
    const otp = createEmulatedYubiKeyOtpBackend();
    const devices = createDevices({ backend: otp, fido: nk3, pcsc: createEmulatedPcscBackend([]) });
    const changes: KeyPlugChange[] = [];
    const stop = devices.watchKeys((change) => changes.push(change));
    // The first listing: both present.
    await expect.poll(() => summary(changes)).toEqual(['hid added', 'hid added']);
    nk3.unplug();
    await expect.poll(() => summary(changes).slice(2), { timeout: 3000 }).toEqual(['hid removed']);
    nk3.plugIn();
    await expect.poll(() => summary(changes).slice(3), { timeout: 3000 }).toEqual(['hid added']);
    stop();
    nk3.unplug();
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(changes).toHaveLength(4);
  });

  it("tells a CCID-only YubiKey's card pulled out and put back as PC/SC says it, with no HID key at all", async () => {
    const card = openEmulatedYubiKeyOath({ serial: 9_876_543 });
    const devices = createDevices({ backend: noHid, pcsc: createEmulatedPcscBackend([card]) });
    const changes: KeyPlugChange[] = [];
    const stop = devices.watchKeys((change) => changes.push(change));
    await expect.poll(() => summary(changes)).toEqual(['pcsc added', 'pcsc added']);
    card.unplug();
    expect(summary(changes).slice(2)).toEqual(['pcsc removed']);
    card.plugIn();
    expect(summary(changes).slice(3)).toEqual(['pcsc added']);
    expect((await devices.oathKeys()).keys.map((key) => key.kind)).toEqual(['yubikey-oath']);
    stop();
    await Promise.resolve();
    card.unplug();
    expect(changes).toHaveLength(4);
  });

  it('ignores readers that are not YubiKeys and the service’s own errors; PC/SC missing leaves the HID side watching', async () => {
    const nk3 = createEmulatedNitrokey3Backend({ serial: 0x01020305 });
    let stopped = 0;
    const pcsc: PcscBackend = {
      listReaders: () => Promise.resolve([]),
      watch: (listener) => {
        listener({ type: 'reader-added', reader: 'Generic Smart Card Reader 00 00' });
        listener({ type: 'error', error: new LatchkeyError('KEY_SERVICE_UNAVAILABLE', 'pcscd went away') });
        return Promise.resolve({
          stop: () => {
            stopped++;
            return Promise.resolve();
          },
        });
      },
      connect: () => Promise.reject(new Error('no readers')),
    };
    const changes: KeyPlugChange[] = [];
    const stop = createDevices({ backend: noHid, fido: nk3, pcsc }).watchKeys((change) => changes.push(change));
    await expect.poll(() => summary(changes)).toEqual(['hid added']);
    stop();
    await expect.poll(() => stopped).toBe(1);

    const missing: PcscBackend = { ...pcsc, watch: () => Promise.reject(new LatchkeyError('KEY_SERVICE_UNAVAILABLE', 'no pcscd')) };
    const seen: KeyPlugChange[] = [];
    const stopAgain = createDevices({ backend: noHid, fido: nk3, pcsc: missing }).watchKeys((change) => seen.push(change));
    await expect.poll(() => summary(seen)).toEqual(['hid added']);
    stopAgain();
  });

  it("survives a PC/SC backend whose stop() throws or rejects: stopped before or after the service answered, nothing escapes", async () => {
    const escaped: unknown[] = [];
    const onUnhandled = (reason: unknown) => escaped.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const failures = [
        () => {
          throw new Error('stop threw');
        },
        () => Promise.reject(new Error('stop rejected')),
      ];
      let stops = 0;
      for (const fail of failures) {
        for (const stopEarly of [true, false]) {
          let answer: (() => void) | undefined;
          const pcsc: PcscBackend = {
            listReaders: () => Promise.resolve([]),
            watch: () =>
              new Promise((resolve) => {
                answer = () => {
                  resolve({
                    stop: () => {
                      stops++;
                      return fail();
                    },
                  });
                };
              }),
            connect: () => Promise.reject(new Error('no readers')),
          };
          const stop = createDevices({ backend: noHid, pcsc }).watchKeys(() => undefined);
          await expect.poll(() => answer).toBeDefined();
          if (stopEarly) {
            stop();
            answer?.();
          } else {
            answer?.();
            await new Promise((resolve) => setImmediate(resolve));
            expect(stop).not.toThrow();
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      // Each watch was asked to stop once, and its failure went nowhere.
      expect(stops).toBe(4);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(escaped).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
