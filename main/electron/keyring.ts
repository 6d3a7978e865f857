import type { SafeStorage } from 'electron';
import type { DesktopKeyring } from '../service/index.js';

/** The `desktop.keyring` member over Electron's safeStorage (main/service/desktop/keyring.ts). */
export function electronKeyring(safeStorage: SafeStorage): DesktopKeyring {
  return {
    report: () => ({
      encryptionAvailable: safeStorage.isEncryptionAvailable(),
      platform: process.platform,
      ...(process.platform === 'linux' ? { backend: safeStorage.getSelectedStorageBackend() } : {}),
    }),
    encrypt: (text) => new Uint8Array(safeStorage.encryptString(text)),
    decrypt: (ciphertext) => safeStorage.decryptString(Buffer.from(ciphertext)),
  };
}
