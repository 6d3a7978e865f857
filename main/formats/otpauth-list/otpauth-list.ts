import { ImportError } from '../import-error.js';
import { readText } from '../safe-input.js';
import { asyncParse, type ImportFormat } from '../types.js';
import { parseUriLines, uriShare } from '../uri-lines.js';

/**
 * A text file (or clipboard text) with one URI a line: what Authy-exit tools, WinAuth, Ente's plain
 * export and many others write. `#` comments and blank lines are allowed.
 */
export const otpauthListFormat: ImportFormat = {
  name: 'otpauth:// URI list',
  mayBeEncrypted: false,
  detect: (bytes) => 0.9 * uriShare(bytes, ['otpauth://', 'otpauth-migration://']),
  parse: asyncParse((bytes) => {
    const result = parseUriLines(readText(bytes));
    if (result.accounts.length === 0 && result.invalid.length === 0) {
      throw new ImportError('IMPORT_MALFORMED', 'the file holds no otpauth:// lines', { path: 'line 1' });
    }
    return result;
  }),
};
