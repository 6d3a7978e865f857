import { ImportError } from '../import-error.js';
import type { ImportedAccount, ImportResult } from '../types.js';
import { parseUriLines, uriLines } from '../uri-lines.js';
import { readCodeDisplay } from './code-display.js';

/**
 * Ente's plain export (also the plaintext of its encrypted one): one `otpauth://` URI a line, read
 * by the shared URI-list reader, which already takes Ente's quirks (lower-case algorithm, `period` on
 * HOTP, the `steam` host, `+` for spaces, a raw `#`). Ente's `codeDisplay` extras are added on top:
 * tags become tags, a note a note, and an entry in Ente's trash is imported with a warning.
 */
export function parseEntePlain(text: string): ImportResult {
  const result = parseUriLines(text);
  if (result.accounts.length === 0 && result.invalid.length === 0) {
    throw new ImportError('IMPORT_MALFORMED', 'the Ente export holds no otpauth:// lines', { path: 'line 1' });
  }
  const lines = uriLines(text);
  // One otpauth:// line gives one account or one invalid entry (indexed by line), so the lines that
  // did not fail pair up with the accounts in order. Migration lines (never written by Ente) give
  // several accounts each; then the extras are left out rather than guessed.
  if (lines.some((line) => line.toLowerCase().startsWith('otpauth-migration://'))) return result;
  const failed = new Set(result.invalid.map((entry) => entry.index));
  const parsedLines = lines.map((line, index) => ({ line, index })).filter(({ index }) => !failed.has(index));
  if (parsedLines.length !== result.accounts.length) return result;

  const warnings = [...result.warnings];
  const accounts = result.accounts.map((account, k): ImportedAccount => {
    const source = parsedLines[k];
    if (source === undefined) return account;
    const where = `line ${String(source.index + 1)}`;
    const display = readCodeDisplay(source.line);
    if (display === undefined) return account;
    if (display === 'unreadable') {
      warnings.push(`${where}: Ente's codeDisplay is not readable JSON; its tags and note were not imported`);
      return account;
    }
    if (display.trashed) warnings.push(`${where}: this entry is in Ente's trash; it was imported anyway`);
    return {
      ...account,
      ...(display.tags.length > 0 ? { tags: display.tags } : {}),
      ...(display.note !== '' ? { note: display.note } : {}),
    };
  });
  return { accounts, invalid: result.invalid, warnings };
}
