/**
 * The OS keyring as the desktop offers it through Electron's `safeStorage` (SECURITY-NOTES §1): the
 * `keyring` member of the one `desktop` interface (desktop.ts). main/electron/keyring.ts implements
 * it; e2e and tests pass a fake. Without it (the CLI, the Chromium fallback) the keyring slot is
 * UNSUPPORTED, said in words.
 */
export interface DesktopKeyring {
  report(): Promise<KeyringReport>;
  /** `safeStorage.encryptStringAsync`: ciphertext only this user's keyring opens. */
  encrypt(text: string): Promise<Uint8Array>;
  /** `safeStorage.decryptStringAsync`; rejects when the keyring can no longer open it. */
  decrypt(ciphertext: Uint8Array): Promise<string>;
}

/** What the platform says about its keyring, as `safeStorage` reports it. */
export interface KeyringReport {
  /** `safeStorage.isAsyncEncryptionAvailable()`. */
  readonly encryptionAvailable: boolean;
  /** `process.platform`. */
  readonly platform: string;
  /** Linux only: `safeStorage.getSelectedStorageBackend()` ('basic_text', 'gnome_libsecret', 'kwallet5', …). */
  readonly backend?: string;
}

export type KeyringVerdict = { readonly usable: true } | { readonly usable: false; readonly reason: string };

/**
 * Whether the keyring may hold a device key: only when encryption is available and, on Linux, the
 * backend is a real keyring: `basic_text` encrypts with a password built into Chromium, i.e. protects
 * nothing, and an unknown one is not trusted either.
 */
export function judgeKeyring(report: KeyringReport): KeyringVerdict {
  if (!report.encryptionAvailable) return { usable: false, reason: 'this system offers the app no keyring (encryption through the keyring is not available)' };
  if (report.platform === 'linux' && (report.backend === undefined || report.backend === 'basic_text' || report.backend === 'unknown')) {
    return {
      usable: false,
      reason: `the keyring backend here is ${report.backend ?? 'unknown'}, which protects nothing (it encrypts with a password built into the browser engine); run the app in a desktop session with GNOME Keyring or KWallet`,
    };
  }
  return { usable: true };
}
