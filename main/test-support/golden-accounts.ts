import type { AccountDraft } from '../../shared/account.js';

/**
 * The golden set every fixture exports (STYLE.md, after Aegis's importer tests): accounts made from
 * fixed numbers, so each imported entry can be checked by secret and by its code at a fixed time.
 */
export function goldenAccount(i: number): AccountDraft {
  const secret = Uint8Array.from({ length: 20 }, (_, k) => (i * 31 + k * 7) % 256);
  const algorithm = (['SHA1', 'SHA256', 'SHA512'] as const)[i % 3] ?? 'SHA1';
  const digits = i % 2 === 0 ? 6 : 8;
  const issuer = ['GitHub', 'Mailbox', 'Bank of Ünïcode', 'C++ Club', 'Cloud'][i % 5] ?? 'X';
  const label = `user${String(i)}@example.com`;
  return i % 7 === 3
    ? { type: 'hotp', algorithm, digits, counter: BigInt(i * 11), issuer, label, secret }
    : { type: 'totp', algorithm, digits, period: 30, issuer, label, secret };
}
