import type { InvalidEntry } from '../../shared/enroll-api.js';
import { LatchkeyError } from '../../shared/errors.js';
import { parseMigrationUri, parseOtpauthUri } from '../enroll/index.js';
import type { ImportedAccount, ImportResult } from './types.js';

/** The meaningful lines of a URI list: trimmed, without blanks and `#` comments. */
export function uriLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * Reads `otpauth://` and `otpauth-migration://` lines; a line that fails is collected with its
 * line number, the rest go on.
 */
export function parseUriLines(text: string): ImportResult {
  const accounts: ImportedAccount[] = [];
  const invalid: InvalidEntry[] = [];
  const warnings: string[] = [];
  uriLines(text).forEach((line, index) => {
    try {
      if (line.toLowerCase().startsWith('otpauth-migration://')) {
        const migration = parseMigrationUri(line);
        accounts.push(...migration.accounts);
        invalid.push(...migration.invalid.map((entry) => ({ ...entry, reason: `line ${String(index + 1)}, entry ${String(entry.index)}: ${entry.reason}`, index })));
        warnings.push(...migration.warnings.map((warning) => `line ${String(index + 1)}: ${warning}`));
        if (migration.batch.size > 1) warnings.push(`line ${String(index + 1)}: part ${String(migration.batch.index + 1)} of a ${String(migration.batch.size)}-part Google export`);
      } else {
        const parsed = parseOtpauthUri(line);
        accounts.push(parsed.draft);
        warnings.push(...parsed.warnings.map((warning) => `line ${String(index + 1)}: ${warning}`));
      }
    } catch (error) {
      if (!(error instanceof LatchkeyError)) throw error;
      invalid.push({ index, field: error.code, reason: `line ${String(index + 1)}: ${error.message}` });
    }
  });
  return { accounts, invalid, warnings };
}

/** How much of a text is URI lines of the given schemes, 0 to 1. */
export function uriShare(bytes: Uint8Array, schemes: readonly string[]): number {
  if (bytes.length === 0 || bytes.length > 10 * 1024 * 1024) return 0;
  const lines = uriLines(new TextDecoder().decode(bytes.subarray(0, 256 * 1024)));
  if (lines.length === 0) return 0;
  return lines.filter((line) => schemes.some((scheme) => line.toLowerCase().startsWith(scheme))).length / lines.length;
}
