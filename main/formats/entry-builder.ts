import { checkAccountDraft, cleanDisplayText, DEFAULTS, firstProblem, IN_WORDS, LIMITS, type DraftField, type DraftProblem } from '../../shared/account.js';
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

// The order an entry's problem has always been named in; what is in range is the account schema's call.
const ORDER: readonly DraftField[] = ['type', 'secret', 'issuer', 'label', 'algorithm', 'digits', 'counter', 'period'];

/**
 * The one validation every importer shares (SECURITY-NOTES §8, per entry): the entry is read
 * leniently into a candidate, which the account schema in shared/ judges. A bad entry becomes an
 * InvalidEntry with its field and reason; the import goes on with the others.
 */
export function buildAccount(index: number, entry: LooseEntry, warnings: string[]): ImportedAccount | InvalidEntry {
  const type = (entry.type ?? 'totp').toLowerCase();
  if (type !== 'totp' && type !== 'hotp' && type !== 'steam') return { index, field: 'type', reason: `"${type.slice(0, 16)}" accounts are not supported` };

  const secret = readSecret(entry.secret);
  if (typeof secret === 'string') return { index, field: 'secret', reason: secret };

  const issuer = cleanDisplayText(entry.issuer ?? '', 'issuer');
  const label = cleanDisplayText(entry.label ?? '', 'label');
  const digits = wholeNumber(entry.digits ?? DEFAULTS.digits);
  const period = wholeNumber(entry.period ?? DEFAULTS.period);
  const params =
    type === 'steam'
      ? { type, algorithm: 'SHA1', digits: LIMITS.steamDigits, period }
      : { type, algorithm: algorithmName(entry.algorithm), digits, ...(type === 'hotp' ? { counter: counterOf(entry.counter ?? 0) } : { period }) };
  const checked = checkAccountDraft({ ...params, issuer: issuer.text, label: label.text, secret });

  // Warnings are told for the steps an entry got through, as they always were.
  const tellWarnings = (problem?: DraftProblem): void => {
    const passed = (field: DraftField) => problem === undefined || ORDER.indexOf(problem.field) > ORDER.indexOf(field);
    if (passed('secret')) for (const text of [issuer, label]) if (text.warning !== undefined) warnings.push(`entry ${String(index)}: ${text.warning}`);
    if (type !== 'steam' && passed('digits') && typeof digits === 'number' && digits < 6) warnings.push(`entry ${String(index)}: ${String(digits)} digits is unusually short`);
  };
  if (!checked.ok) {
    const problem = firstProblem(checked.problems, ORDER);
    tellWarnings(problem);
    return { index, field: problem.field, reason: reasonFor(problem, entry) };
  }
  tellWarnings();
  return {
    ...checked.value,
    ...(entry.tags === undefined ? {} : { tags: entry.tags.filter((tag) => tag.trim() !== '').map((tag) => tag.trim().slice(0, LIMITS.textMax)).slice(0, LIMITS.tagsMax) }),
    ...(entry.note === undefined || entry.note === '' ? {} : { note: entry.note.slice(0, 65_536) }),
  };
}

/** The importers' words for each field the schema refuses. */
function reasonFor(problem: DraftProblem, entry: LooseEntry): string {
  switch (problem.field) {
    case 'type':
      return problem.message;
    case 'secret':
      return problem.kind === 'tooBig' ? `the secret is longer than ${IN_WORDS.secretBytesMax}` : 'the secret is empty';
    case 'issuer':
      return `the issuer is longer than ${IN_WORDS.textMax}`;
    case 'label':
      return `the name is longer than ${IN_WORDS.textMax}`;
    case 'algorithm':
      return `algorithm "${String(entry.algorithm).slice(0, 16)}" is not supported`;
    case 'digits':
      return `digits must be ${IN_WORDS.digits}`;
    case 'counter':
      return `the counter must be a whole number from ${IN_WORDS.counter}`;
    case 'period':
      return `the period must be ${IN_WORDS.period} seconds`;
  }
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
  return bytes;
}

/** The name as the schema spells it (`hmac-sha-256` → `SHA256`); the schema says whether it is one. */
function algorithmName(value: string | undefined): string {
  if (value === undefined || value === '') return DEFAULTS.algorithm;
  return value.toUpperCase().replace(/[-_]/g, '').replace(/^HMAC/, '');
}

/** A whole number as a number; anything else is passed on for the schema to refuse. */
function wholeNumber(value: number | string): number | string {
  if (typeof value === 'number') return value;
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
}

/** A counter as an exact bigint where it is one; anything else is passed on for the schema to refuse. */
function counterOf(value: number | string | bigint): bigint | number | string {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  return /^\d+$/.test(value.trim()) ? BigInt(value.trim()) : value;
}
