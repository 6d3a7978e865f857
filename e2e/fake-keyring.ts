import { randomBytes } from 'node:crypto';
import { fakeDesktop } from '../main/service/desktop/desktop-fake.js';
import type { DesktopKeyring, KeyringReport, ServiceDeps } from '../main/service/index.js';

export interface FakeKeyring extends DesktopKeyring {
  /** Every ciphertext handed out, and how many times one was opened. */
  readonly encrypted: Uint8Array[];
  decrypts: number;
}

/**
 * The OS keyring as safeStorage shows it, for e2e: a platform and backend chosen by the test, and a
 * reversible "encryption" under a key of this fake only (not a real cipher: what matters here is that
 * the service keeps only what the keyring gave it, and gets the device key back through it).
 */
export function fakeKeyring(report: KeyringReport = { encryptionAvailable: true, platform: 'linux', backend: 'gnome_libsecret' }): FakeKeyring {
  const pad = randomBytes(64);
  const mask = (bytes: Uint8Array) => Uint8Array.from(bytes, (byte, i) => byte ^ (pad[i % pad.length] ?? 0));
  const keyring: FakeKeyring = {
    encrypted: [],
    decrypts: 0,
    report: () => Promise.resolve(report),
    encrypt: (text) => {
      const sealed = mask(new TextEncoder().encode(text));
      keyring.encrypted.push(sealed);
      return Promise.resolve(sealed);
    },
    decrypt: (ciphertext) => {
      keyring.decrypts++;
      return Promise.resolve(new TextDecoder().decode(mask(ciphertext)));
    },
  };
  return keyring;
}

/** The faked desktop (desktop-fake.ts) with this keyring in it. */
export function desktopWithKeyring(keyring: DesktopKeyring): NonNullable<ServiceDeps['desktop']> {
  return { ...fakeDesktop(), keyring };
}
