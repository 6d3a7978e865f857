import type { z } from 'zod';
import { MAX_URI_LENGTH } from '../../shared/api.js';
import { MAX_IMAGE_BYTES } from '../../shared/enroll-api.js';
import { AccountInvalidError, LatchkeyError, type ErrorCode } from '../../shared/errors.js';
import { MAX_IMPORT_BYTES } from '../../shared/import-api.js';

type Issue = z.core.$ZodIssue;
type SizeIssue = z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall;

/** Names where a request went wrong without echoing any of its values (they may be secrets). */
export function describeSchemaError(channel: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return `invalid request for ${channel}`;
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : 'request';
  return `invalid request for ${channel}: ${path}: ${issue.message}`;
}

/**
 * A request that fails its schema, as the user's mistake it most likely is: a field of an account
 * is ACCOUNT_INVALID{field}, a file or image too large is the size error of its kind, an empty or
 * over-long password is said as such. Only what no user could have typed stays INVALID_REQUEST (a
 * bug in a caller, or a hostile page). Words name the field and the limit, never a value.
 */
export function schemaError(channel: string, error: z.ZodError): LatchkeyError {
  const first = error.issues[0];
  const issue = first === undefined ? undefined : userIssue(first);
  const field = issue === undefined ? undefined : fieldOf(issue);
  if (issue === undefined || field === undefined) return new LatchkeyError('INVALID_REQUEST', describeSchemaError(channel, error));
  const size = SIZE_FIELDS[field];
  if (size !== undefined && issue.code === 'too_big') return new LatchkeyError(size.code, size.message);
  // Lengths and counts are what a person hits by typing; a wrong type or an unknown value is a caller's bug.
  if (issue.code !== 'too_big' && issue.code !== 'too_small') return new LatchkeyError('INVALID_REQUEST', describeSchemaError(channel, error));
  if (PASSWORD_FIELDS.has(field)) return passwordError(channel, field, issue);
  const accountField = ACCOUNT_FIELDS[field];
  if (accountField !== undefined && (channel.startsWith('accounts.') || channel === 'otp.code' || channel === 'uri.format')) {
    return new AccountInvalidError(accountField.field, wordsFor(accountField, issue));
  }
  return new LatchkeyError('INVALID_REQUEST', describeSchemaError(channel, error));
}

/**
 * Of a request no branch of a union takes, the branch that came closest (fewest issues): an add
 * with 300 recovery codes is about the codes, not about a missing `uri`.
 */
function userIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const closest = issue.errors.reduce((best, next) => (next.length < best.length ? next : best));
  const [inner] = closest;
  return inner === undefined ? issue : userIssue({ ...inner, path: [...issue.path, ...inner.path] });
}

/** The last named step of the issue's path: `account.label` → label, `patch.tags.3` → tags. */
function fieldOf(issue: Issue): string | undefined {
  return issue.path.filter((step): step is string => typeof step === 'string').at(-1);
}

const mib = (bytes: number) => `${String(Math.round(bytes / (1024 * 1024)))} MiB`;

const SIZE_FIELDS: Readonly<Record<string, { code: ErrorCode; message: string }>> = {
  fileBase64: { code: 'IMPORT_TOO_LARGE', message: `the file is over ${mib(MAX_IMPORT_BYTES)}: no export we read is that large` },
  imageBase64: { code: 'QR_IMAGE_TOO_LARGE', message: `the image is over ${mib(MAX_IMAGE_BYTES)}` },
  uri: { code: 'URI_TOO_LONG', message: `the URI is longer than ${String(MAX_URI_LENGTH)} characters` },
  text: { code: 'URI_TOO_LONG', message: 'the text is longer than 1 MiB: not a link we read' },
  query: { code: 'USAGE', message: 'the query is longer than 256 characters' },
  format: { code: 'IMPORT_UNKNOWN_FORMAT', message: 'unknown format (no format id is that long)' },
};

/** (`vaultPassword`, given again for re-authentication, names its own absence: wire.ts.) */
const PASSWORD_FIELDS: ReadonlySet<string> = new Set(['password', 'current', 'next', 'recoveryKey']);

function passwordError(channel: string, field: string, issue: SizeIssue): LatchkeyError {
  const what = field === 'recoveryKey' ? 'the recovery key' : field === 'next' ? 'the new password' : 'the password';
  const problem = issue.code === 'too_small' ? 'is empty' : `is longer than ${String(issue.maximum)} characters`;
  // A new password that can't be used is refused as such; any other is the caller's mistake.
  const isNew = channel === 'vault.create' || (channel === 'vault.changePassword' && field === 'next');
  return new LatchkeyError(isNew ? 'PASSWORD_REJECTED' : 'USAGE', `${what} ${problem}`);
}

interface AccountField {
  /** The name the account schema and the forms use (details.field). */
  readonly field: string;
  /** How a sentence names it. */
  readonly noun: string;
  /** How it is counted when too long. */
  readonly unit: string;
  /** How one item of it is named, when it is a list. */
  readonly item?: string;
}

const ACCOUNT_FIELDS: Readonly<Record<string, AccountField>> = {
  issuer: { field: 'issuer', noun: 'issuer', unit: 'characters' },
  label: { field: 'label', noun: 'label', unit: 'characters' },
  secretBase32: { field: 'secret', noun: 'secret', unit: 'Base32 characters' },
  type: { field: 'type', noun: 'type', unit: 'characters' },
  algorithm: { field: 'algorithm', noun: 'algorithm', unit: 'characters' },
  digits: { field: 'digits', noun: 'digits', unit: '' },
  period: { field: 'period', noun: 'period', unit: 'seconds' },
  counter: { field: 'counter', noun: 'counter', unit: 'digits' },
  tags: { field: 'tags', noun: 'tags', unit: 'tags', item: 'a tag' },
  icon: { field: 'icon', noun: 'icon', unit: 'characters' },
  note: { field: 'note', noun: 'note', unit: 'characters' },
  recoveryCodes: { field: 'recoveryCodes', noun: 'recovery codes', unit: 'codes', item: 'a recovery code' },
  codes: { field: 'recoveryCodes', noun: 'recovery codes', unit: 'codes', item: 'a recovery code' },
  code: { field: 'recoveryCodes', noun: 'a recovery code', unit: 'characters' },
};

/** zod's own messages ("Too big: expected string to have <=1024 characters") are replaced; ours are kept. */
function wordsFor(field: AccountField, issue: SizeIssue): string {
  if (!/^(Too big|Too small)/.test(issue.message)) return issue.message;
  const ofItem = typeof issue.path.at(-1) === 'number' && field.item !== undefined;
  const noun = ofItem ? (field.item ?? field.noun) : field.noun;
  if (issue.code === 'too_big' && issue.origin === 'string') return `${noun} must be at most ${String(issue.maximum)} characters`;
  if (issue.code === 'too_big') return `${noun}: at most ${String(issue.maximum)} ${field.unit}`.trimEnd();
  if (issue.origin === 'string') return `${noun} must not be empty`;
  return `${noun}: at least ${String(issue.minimum)} ${field.unit}`.trimEnd();
}
