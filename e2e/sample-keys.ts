import { createEmulatedNitrokey3Backend, type EmulatedNitrokey3Backend } from '../main/keys/emulators/nitrokey3.js';
import { openEmulatedYubiKeyOath, type EmulatedYubiKeyOath } from '../main/keys/emulators/yubikey-oath.js';
import { createEmulatedPcscBackend } from '../main/keys/emulators/yubikey-oath/pcsc.js';
import { createEmulatedYubiKeyOtpBackend } from '../main/keys/emulators/yubikey-otp.js';
import type { PcscBackend } from '../main/keys/pcsc/pcsc-backend.js';
import { createDevices, type Devices } from '../main/service/devices.js';

/** Fixed bytes for the emulated keys' serials and factory secrets, so every run shows the same keys. */
const seededBytes = (length: number) => new Uint8Array(length).map((_, i) => (i * 29 + 3) & 0xff);


/** The serial the seeded OTP interface reports: its OATH card is given the same, so they list as one YubiKey. */
export const SAMPLE_YUBIKEY_SERIAL = 22_444_506;

/** The sample keys and the emulators behind them, for a test that unplugs one or looks inside. */
export interface SampleKeys {
  readonly devices: Devices;
  /** The YubiKey's OATH card (its serial is SAMPLE_YUBIKEY_SERIAL). */
  readonly yubikey: EmulatedYubiKeyOath;
  /** The Nitrokey 3 (serial SAMPLE_NITROKEY_SERIAL): `unplug()` and `plugIn()` as a user would. */
  readonly nitrokey: EmulatedNitrokey3Backend;
}

/** The serial of the sample Nitrokey 3. */
export const SAMPLE_NITROKEY_SERIAL = 0x1a2b3c4d;

/**
 * A YubiKey 5 (its OTP slots and its OATH card, one key by their shared serial) and a Nitrokey 3,
 * the same on every run: `npm run screenshots`' keys. Emulated readers only, never this machine's PC/SC.
 */
export function sampleKeyHandles(): SampleKeys {
  const yubikey = openEmulatedYubiKeyOath({ random: seededBytes, serial: SAMPLE_YUBIKEY_SERIAL });
  const nitrokey = createEmulatedNitrokey3Backend({ random: seededBytes, serial: SAMPLE_NITROKEY_SERIAL });
  const pcsc: PcscBackend = createEmulatedPcscBackend([yubikey]);
  const devices = createDevices({ backend: createEmulatedYubiKeyOtpBackend({ random: seededBytes }), fido: nitrokey, pcsc });
  return { devices, yubikey, nitrokey };
}

export function sampleKeys(): Devices {
  return sampleKeyHandles().devices;
}

/** Devices whose OATH keys stop answering while held: a long operation caught part-way, for a click or a screenshot. */
export interface HeldDevices {
  readonly devices: Devices;
  /** From the next exchange on, each waits until `release()`, or until its operation is cancelled (then it goes on and fails so). */
  hold(): void;
  release(): void;
  /** Exchanges waiting now. */
  readonly waiting: () => number;
}

export function holdableDevices(devices: Devices): HeldDevices {
  let holding = false;
  let waiting = 0;
  const releases = new Set<() => void>();
  const release = () => {
    holding = false;
    for (const go of [...releases]) go();
  };
  const held = (signal: AbortSignal | undefined) =>
    new Promise<void>((resolve) => {
      waiting++;
      const go = () => {
        releases.delete(go);
        waiting--;
        resolve();
      };
      releases.add(go);
      signal?.addEventListener('abort', go, { once: true });
    });
  return {
    devices: {
      ...devices,
      oathKeys: async () => {
        const found = await devices.oathKeys();
        return {
          unavailable: found.unavailable,
          keys: found.keys.map((candidate) => ({
          ...candidate,
          use: (work, trace) =>
            candidate.use(
              (transport) =>
                work({
                  transmit: async (apdu, options) => {
                    if (holding && options?.signal?.aborted !== true) await held(options?.signal);
                    return transport.transmit(apdu, options);
                  },
                }),
              trace,
            ),
        })),
        };
      },
    },
    hold: () => {
      holding = true;
    },
    release,
    waiting: () => waiting,
  };
}
