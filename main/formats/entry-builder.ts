import { DEFAULTS, LIMITS, type Algorithm } from '../../shared/account.js';
import type { InvalidEntry } from '../../shared/enroll-api.js';
import { decodeBase32 } from '../otp/index.js';
import type { ImportedAccount } from './types.js';

export type LooseSecret = { readonly base32: string } | { readonly hex: string } | { readonly bytes: Uint8Array };

/** One entry as a format found it, before validation: everything may be missing or wrong. */
export interface LooseEntry {
  readonly type?: string;
  readonly secret?: LooseSecret;
  readonly issuer?: string;
  readonly label?: string;
  readonly algorithm?: string;
  readonly digits?: number | string;
  readonly period?: number | string;
  readonly counter?: number | string | bigint;
  readonly tags?: readonly string[];
  readonly note?: string;
}

const UNSAFE_TEXT = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

/**
 * The one validation every importer shares (SECURITY-NOTES §8, per entry). A bad entry becomes an
 * InvalidEntry with its field and reason; the import goes on with the others.
 */
export function buildAccount(index: number, entry: LooseEntry, warnings: string[]): ImportedAccount | InvalidEntry {
  const bad = (field: string, reason: string): InvalidEntry => ({ index, field, reason });
  const type = (entry.type ?? 'totp').toLowerCase();
  if (type !== 'totp' && type !== 'hotp' && type !== 'steam') return bad('type', `"${type.slice(0, 16)}" accounts are not supported`);

  const secret = readSecret(entry.secret);
  if (typeof secret === 'string') return bad('secret', secret);

  const issuer = cleanText(entry.issuer ?? '', index, 'issuer', warnings);
  const label = cleanText(entry.label ?? '', index, 'label', warnings);
  if (issuer.length > LIMITS.textMax) return bad('issuer', 'the issuer is longer than 256 characters');
  if (label.length > LIMITS.textMax) return bad('label', 'the name is longer than 256 characters');
  const extras = {
    ...(entry.tags === undefined ? {} : { tags: entry.tags.filter((tag) => tag.trim() !== '').map((tag) => tag.trim().slice(0, LIMITS.textMax)).slice(0, LIMITS.tagsMax) }),
    ...(entry.note === undefined || entry.note === '' ? {} : { note: entry.note.slice(0, 65_536) }),
  };

  if (type === 'steam') {
    const period = wholeNumber(entry.period ?? DEFAULTS.period);
    if (period === undefined || period < LIMITS.periodMin || period > LIMITS.periodMax) return bad('period', 'the period must be 1 to 86400 seconds');
    return { type: 'steam', algorithm: 'SHA1', digits: LIMITS.steamDigits, period, issuer, label, secret, ...extras };
  }
  const algorithm = readAlgorithm(entry.algorithm);
  if (algorithm === undefined) return bad('algorithm', `algorithm "${String(entry.algorithm).slice(0, 16)}" is not supported`);
  const digits = wholeNumber(entry.digits ?? DEFAULTS.digits);
  if (digits === undefined || digits < LIMITS.digitsMin || digits > LIMITS.digitsMax) return bad('digits', 'digits must be 1 to 10');
  if (digits < 6) warnings.push(`entry ${String(index)}: ${String(digits)} digits is unusually short`);

  if (type === 'hotp') {
    const counter = readCounter(entry.counter ?? 0);
    if (counter === undefined) return bad('counter', 'the counter must be a whole number from 0 to 2^64-1');
    return { type: 'hotp', algorithm, digits, counter, issuer, label, secret, ...extras };
  }
  const period = wholeNumber(entry.period ?? DEFAULTS.period);
  if (period === undefined || period < LIMITS.periodMin || period > LIMITS.periodMax) return bad('period', 'the period must be 1 to 86400 seconds');
  return { type: 'totp', algorithm, digits, period, issuer, label, secret, ...extras };
}

/** Splits built entries into accounts and invalid entries. */
export function partition(results: readonly (ImportedAccount | InvalidEntry)[]): { accounts: ImportedAccount[]; invalid: InvalidEntry[] } {
  const accounts: ImportedAccount[] = [];
  const invalid: InvalidEntry[] = [];
  for (const result of results) {
    if ('secret' in result) accounts.push(result);
    else invalid.push(result);
  }
  return { accounts, invalid };
}

function readSecret(secret: LooseSecret | undefined): Uint8Array | string {
  if (secret === undefined) return 'the secret is missing';
  let bytes: Uint8Array;
  if ('bytes' in secret) bytes = secret.bytes;
  else if ('hex' in secret) {
    if (!/^([0-9a-fA-F]{2})*$/.test(secret.hex)) return 'the secret is not hex';
    bytes = new Uint8Array(Buffer.from(secret.hex, 'hex'));
  } else {
    const decoded = decodeBase32(secret.base32);
    if (!decoded.ok) return decoded.problem === 'empty' ? 'the secret is empty' : 'the secret is not Base32';
    bytes = decoded.bytes;
  }
  if (bytes.length === 0) return 'the secret is empty';
  if (bytes.length > LIMITS.secretBytesMax) return 'the secret is longer than 1 KiB';
  return bytes;
}

function readAlgorithm(value: string | undefined): Algorithm | undefined {
  if (value === undefined || value === '') return DEFAULTS.algorithm;
  const normalized = value.toUpperCase().replace(/[-_]/g, '').replace(/^HMAC/, '');
  return normalized === 'SHA1' || normalized === 'SHA256' || normalized === 'SHA512' ? normalized : undefined;
}

function wholeNumber(value: number | string): number | undefined {
  const number = typeof value === 'string' ? (/^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : NaN) : value;
  return Number.isSafeInteger(number) ? number : undefined;
}

function readCounter(value: number | string | bigint): bigint | undefined {
  let counter: bigint;
  if (typeof value === 'bigint') counter = value;
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return undefined;
    counter = BigInt(value);
  } else if (/^\d{1,20}$/.test(value.trim())) counter = BigInt(value.trim());
  else return undefined;
  return counter >= 0n && counter <= LIMITS.counterMax ? counter : undefined;
}

function cleanText(raw: string, index: number, field: string, warnings: string[]): string {
  const stripped = raw.replace(UNSAFE_TEXT, '');
  if (stripped !== raw) warnings.push(`entry ${String(index)}: ${field}: control or text-direction characters were removed`);
  return stripped.trim();
}
