import { createEmulatedNitrokey3Backend } from '../main/keys/emulators/nitrokey3.js';
import { createEmulatedYubiKeyOtpBackend } from '../main/keys/emulators/yubikey-otp.js';
import type { PcscBackend } from '../main/keys/pcsc/pcsc-backend.js';
import { createDevices, type Devices } from '../main/service/devices.js';

/** Fixed bytes for the emulated keys' serials and factory secrets, so every run shows the same keys. */
const seededBytes = (length: number) => new Uint8Array(length).map((_, i) => (i * 29 + 3) & 0xff);

/** No smart card readers, rather than this machine's PC/SC (which would make what is listed depend on the machine). */
const NO_READERS: PcscBackend = {
  listReaders: () => Promise.resolve([]),
  watch: () => Promise.reject(new Error('no smart card readers here')),
  connect: () => Promise.reject(new Error('no smart card readers here')),
};

/** A YubiKey 5 (its OTP slots) and a Nitrokey 3 plugged in, the same on every run: `npm run screenshots`' keys. */
export function sampleKeys(): Devices {
  return createDevices({
    backend: createEmulatedYubiKeyOtpBackend({ random: seededBytes }),
    fido: createEmulatedNitrokey3Backend({ random: seededBytes, serial: 0x1a2b3c4d }),
    pcsc: NO_READERS,
  });
}
