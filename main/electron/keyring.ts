import type { SafeStorage } from 'electron';
import type { DesktopKeyring } from '../service/index.js';

/** The `desktop.keyring` member over Electron's safeStorage (main/service/desktop/keyring.ts). */
export function electronKeyring(safeStorage: SafeStorage): DesktopKeyring {
  return {
    report: async () => ({
      encryptionAvailable: await safeStorage.isAsyncEncryptionAvailable(),
      platform: process.platform,
      ...(process.platform === 'linux' ? { backend: safeStorage.getSelectedStorageBackend() } : {}),
    }),
    encrypt: async (text) => new Uint8Array(await safeStorage.encryptStringAsync(text)),
    // A rotated keyring key (`shouldReEncrypt`) still gives the device key; the next enable writes anew.
    decrypt: async (ciphertext) => (await safeStorage.decryptStringAsync(Buffer.from(ciphertext))).result,
  };
}
