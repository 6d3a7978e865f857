import { utf8 } from './bytes.js';
import { VaultError } from './vault-error.js';

export const MIN_PASSWORD_LENGTH = 8;

/** Password bytes as the KDF sees them: NFKD, so the same password typed on any keyboard matches. */
export function passwordBytes(password: string): Uint8Array {
  return utf8(password.normalize('NFKD'));
}

/** Rules for a password being set (never applied at unlock, so old vaults keep opening). */
export function assertAcceptablePassword(password: string): void {
  if (password.trim() !== password) {
    throw new VaultError('PASSWORD_REJECTED', 'the password must not start or end with a space');
  }
  if (Array.from(password).length < MIN_PASSWORD_LENGTH) {
    throw new VaultError('PASSWORD_REJECTED', `the password must have at least ${String(MIN_PASSWORD_LENGTH)} characters`);
  }
}
