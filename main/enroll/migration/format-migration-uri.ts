import type { AccountDraft } from '../../../shared/account.js';
import { encodeMigrationPayload, type RawOtpParameters } from './migration-proto.js';

/** Google's app puts about ten accounts in each QR code; more makes the code too dense to scan. */
export const ACCOUNTS_PER_QR = 10;

const ALGORITHM_CODE = { SHA1: 1, SHA256: 2, SHA512: 3 } as const;

/** Accounts Google Authenticator can hold: TOTP at 30 s or HOTP, with 6 or 8 digits. */
export function fitsGoogleAuthenticator(account: AccountDraft): boolean {
  return (account.type === 'hotp' || (account.type === 'totp' && account.period === 30)) && (account.digits === 6 || account.digits === 8);
}

/**
 * Writes Google Authenticator export URIs: batches of at most ten accounts sharing one batch id.
 * Accounts that don't fit are the caller's to filter (and to warn about) first.
 */
export function formatMigrationUris(accounts: readonly AccountDraft[], batchId: number): string[] {
  const batches: AccountDraft[][] = [];
  for (let i = 0; i < accounts.length; i += ACCOUNTS_PER_QR) batches.push(accounts.slice(i, i + ACCOUNTS_PER_QR));
  return batches.map((batch, index) => {
    const payload = encodeMigrationPayload({
      otp_parameters: batch.map(toRaw),
      version: 1,
      batch_size: batches.length,
      batch_index: index,
      batch_id: batchId,
    });
    return `otpauth-migration://offline?data=${encodeURIComponent(Buffer.from(payload).toString('base64'))}`;
  });
}

function toRaw(account: AccountDraft): RawOtpParameters {
  return {
    secret: account.secret,
    name: account.issuer === '' ? account.label : `${account.issuer}:${account.label}`,
    issuer: account.issuer,
    algorithm: ALGORITHM_CODE[account.algorithm],
    digits: account.digits === 8 ? 2 : 1,
    type: account.type === 'hotp' ? 1 : 2,
    ...(account.type === 'hotp' ? { counter: account.counter.toString() } : {}),
  };
}
