import type { AccountDraft } from '../../shared/account.js';
import type { InvalidEntry } from '../../shared/enroll-api.js';
import { LatchkeyError } from '../../shared/errors.js';
import { parseMigrationUri, type MigrationBatch } from './migration/parse-migration-uri.js';
import { QrError } from './qr/qr-error.js';
import { parseOtpauthUri } from './uri/parse-otpauth-uri.js';

export interface FoundAccounts {
  readonly accounts: readonly AccountDraft[];
  readonly invalid: readonly InvalidEntry[];
  readonly warnings: readonly string[];
  readonly batches: readonly MigrationBatch[];
}

/**
 * Turns scanned or pasted texts into accounts: each text is one `otpauth://` URI, one Google export
 * URI, or (pasted) several of them a line each, with `#` comments and blank lines allowed. A text
 * that fails is collected with its reason; when nothing at all is usable, the one specific error is
 * thrown (or QR_NOT_OTP when no text was an OTP link).
 */
export function readEnrollmentTexts(texts: readonly string[]): FoundAccounts {
  const lines = texts.flatMap((text) => text.split(/\r?\n/)).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const accounts: AccountDraft[] = [];
  const invalid: InvalidEntry[] = [];
  const warnings: string[] = [];
  const batches: MigrationBatch[] = [];
  const errors: LatchkeyError[] = [];
  let otpLike = 0;

  lines.forEach((line, index) => {
    const lower = line.toLowerCase();
    try {
      if (lower.startsWith('otpauth-migration://')) {
        otpLike++;
        const migration = parseMigrationUri(line);
        accounts.push(...migration.accounts);
        invalid.push(...migration.invalid.map((entry) => ({ ...entry, index: entry.index + index * 1000 })));
        warnings.push(...migration.warnings);
        batches.push(migration.batch);
      } else if (lower.startsWith('otpauth://')) {
        otpLike++;
        const parsed = parseOtpauthUri(line);
        accounts.push(parsed.draft);
        warnings.push(...parsed.warnings);
      } else {
        invalid.push({ index, field: 'uri', reason: 'not an otpauth:// or otpauth-migration:// link' });
      }
    } catch (error) {
      if (!(error instanceof LatchkeyError)) throw error;
      errors.push(error);
      invalid.push({ index, field: error.code, reason: error.message });
    }
  });

  if (accounts.length === 0) {
    if (otpLike === 0) throw new QrError('QR_NOT_OTP', 'no otpauth:// or otpauth-migration:// link was found (a QR code with other content?)');
    const [only] = errors;
    if (errors.length === 1 && only !== undefined) throw only;
    if (invalid.length === 0) throw new QrError('QR_NOT_OTP', 'the links hold no accounts');
  }
  return { accounts, invalid, warnings, batches };
}
