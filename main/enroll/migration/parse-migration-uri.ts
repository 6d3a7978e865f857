import { checkAccountDraft, cleanDisplayText, firstProblem, IN_WORDS, type AccountDraft, type DraftField, type DraftProblem } from '../../../shared/account.js';
import type { InvalidEntry } from '../../../shared/enroll-api.js';
import { UriError } from '../uri/uri-error.js';
import { decodeMigrationPayload, type RawMigrationPayload, type RawOtpParameters } from './migration-proto.js';

export interface MigrationBatch {
  readonly id: number;
  readonly index: number;
  readonly size: number;
}

export interface ParsedMigration {
  readonly accounts: readonly AccountDraft[];
  readonly invalid: readonly InvalidEntry[];
  readonly warnings: readonly string[];
  readonly batch: MigrationBatch;
}

const SCHEME = 'otpauth-migration://';
// Google's enums by name; whether a name is one we generate with is the account schema's call.
const ALGORITHM_NAMES: Record<number, string> = { 0: 'SHA1', 1: 'SHA1', 2: 'SHA256', 3: 'SHA512', 4: 'MD5' };
const DIGIT_COUNTS: Record<number, number> = { 0: 6, 1: 6, 2: 8 };
// The order this parser has always named an entry's problem in.
const ORDER: readonly DraftField[] = ['secret', 'algorithm', 'digits', 'issuer', 'label', 'type', 'counter', 'period'];
const MAX_PAYLOAD_TEXT = 64 * 1024;

/**
 * Reads a Google Authenticator export QR (shared/formats/google-migration.md). The `data` value is
 * percent-decoded but never form-decoded: a `+` in the Base64 stays a `+`.
 */
export function parseMigrationUri(input: string): ParsedMigration {
  const uri = input.trim();
  if (!uri.toLowerCase().startsWith(SCHEME)) throw new UriError('URI_BAD_SCHEME', 'not an otpauth-migration:// URI');
  if (uri.length > MAX_PAYLOAD_TEXT) throw new UriError('URI_TOO_LONG', 'the export payload is longer than 64 KiB');
  const rest = uri.slice(SCHEME.length);
  const queryAt = rest.indexOf('?');
  if (rest.slice(0, queryAt === -1 ? undefined : queryAt).toLowerCase() !== 'offline') {
    throw malformed('the export URI should start with otpauth-migration://offline');
  }
  const raw = (queryAt === -1 ? '' : rest.slice(queryAt + 1))
    .split('&')
    .find((pair) => pair.startsWith('data='))
    ?.slice('data='.length);
  if (raw === undefined || raw === '') throw malformed('the export URI has no data');
  const payload = decodePayload(base64Bytes(percentDecode(raw)));
  return toAccounts(payload);
}

function percentDecode(raw: string): string {
  try {
    // Defensive: a scanner or a copy that turned '+' into a space gets it back.
    return decodeURIComponent(raw).replace(/ /g, '+');
  } catch {
    throw malformed('the export data has malformed percent-encoding');
  }
}

function base64Bytes(text: string): Uint8Array {
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard) || standard.replace(/=+$/, '').length % 4 === 1) {
    throw malformed('the export data is not Base64');
  }
  return new Uint8Array(Buffer.from(standard, 'base64'));
}

function decodePayload(bytes: Uint8Array): RawMigrationPayload {
  try {
    return decodeMigrationPayload(bytes);
  } catch {
    throw malformed('the export data is damaged or truncated (not a valid payload)');
  }
}

function toAccounts(payload: RawMigrationPayload): ParsedMigration {
  const size = payload.batch_size ?? 1;
  const index = payload.batch_index ?? 0;
  if (!(size >= 1 && size <= 1000 && index >= 0 && index < size)) {
    throw malformed(`the export's batch fields are out of range (QR ${String(index + 1)} of ${String(size)})`);
  }
  const accounts: AccountDraft[] = [];
  const invalid: InvalidEntry[] = [];
  const warnings: string[] = [];
  (payload.otp_parameters ?? []).forEach((raw, entry) => {
    const result = toDraft(raw, entry, warnings);
    if ('field' in result) invalid.push(result);
    else accounts.push(result);
  });
  if (accounts.length === 0 && invalid.length === 0) throw malformed('the export holds no accounts');
  return { accounts, invalid, warnings, batch: { id: payload.batch_id ?? 0, index, size } };
}

function toDraft(raw: RawOtpParameters, index: number, warnings: string[]): AccountDraft | InvalidEntry {
  const algorithm = ALGORITHM_NAMES[raw.algorithm ?? 0] ?? String(raw.algorithm);
  // Negative enum values were always read as "unspecified".
  const digits = raw.digits === undefined || raw.digits < 0 ? 6 : (DIGIT_COUNTS[raw.digits] ?? Number.NaN);
  const knownType = raw.type === undefined || raw.type === 0 || raw.type === 1 || raw.type === 2;
  const nameWarnings: string[] = [];
  const { issuer, label } = names(raw, index, nameWarnings);
  const candidate = {
    ...(raw.type === 1 ? { type: 'hotp', counter: BigInt(raw.counter ?? '0') } : { type: 'totp', period: 30 }),
    algorithm,
    digits,
    issuer,
    label,
    secret: raw.secret ?? new Uint8Array(0),
  };
  const checked = checkAccountDraft(candidate);
  if (checked.ok && knownType) {
    warnings.push(...nameWarnings);
    return checked.value;
  }
  const unknownType: DraftProblem = { field: 'type', kind: 'invalid', message: 'unknown OTP type' };
  const problem = checked.ok ? unknownType : firstProblem(knownType ? checked.problems : [...checked.problems, unknownType], ORDER);
  // Name warnings are told once an entry got past its secret, algorithm and digits, as they always were.
  if (ORDER.indexOf(problem.field) > ORDER.indexOf('digits')) warnings.push(...nameWarnings);
  return { index, field: problem.field === 'issuer' ? 'label' : problem.field, reason: reasonFor(problem, algorithm) };
}

/** This parser's words for each field the schema (or the type enum) refuses. */
function reasonFor(problem: DraftProblem, algorithm: string): string {
  switch (problem.field) {
    case 'secret':
      return problem.kind === 'tooBig' ? `the secret is longer than ${IN_WORDS.secretBytesMax}` : 'the secret is empty';
    case 'algorithm':
      return `algorithm ${algorithm} is not supported`;
    case 'digits':
      return 'unknown digit count';
    case 'issuer':
    case 'label':
      return `a name is longer than ${IN_WORDS.textMax}`;
    case 'type':
      return 'unknown OTP type';
    case 'counter':
      return problem.kind === 'tooBig' ? `the counter is larger than ${IN_WORDS.counterMax}` : 'the counter is negative';
    case 'period':
      return problem.message;
  }
}

/**
 * Names as Google stores them: `Issuer:account` in `name` when `issuer` is empty. When `issuer` is
 * set and `name` repeats it as a prefix, we drop the repeat (upstream keeps it): "GitHub (alice)"
 * reads better than "GitHub (GitHub:alice)".
 */
function names(raw: RawOtpParameters, index: number, warnings: string[]): { issuer: string; label: string } {
  let issuer = raw.issuer ?? '';
  let label = raw.name ?? '';
  const colon = label.indexOf(':');
  if (issuer === '' && colon !== -1) {
    issuer = label.slice(0, colon);
    label = label.slice(colon + 1);
  } else if (issuer !== '' && label.startsWith(`${issuer}:`)) {
    label = label.slice(issuer.length + 1);
  }
  const cleanIssuer = cleanDisplayText(issuer, 'issuer');
  const cleanLabel = cleanDisplayText(label, 'label');
  for (const text of [cleanIssuer, cleanLabel]) if (text.warning !== undefined) warnings.push(`entry ${String(index)}: ${text.warning}`);
  return { issuer: cleanIssuer.text, label: cleanLabel.text };
}

function malformed(message: string): UriError {
  return new UriError('MIGRATION_MALFORMED', message);
}
