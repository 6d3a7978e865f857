import { formatOtpauthUri } from '../../enroll/index.js';
import type { ExportAccount, ExportResult } from './export-types.js';

/** One otpauth:// URI a line: what nearly every authenticator imports. */
export function exportOtpauthList(accounts: readonly ExportAccount[]): ExportResult {
  const text = `${accounts.map((account) => formatOtpauthUri(account)).join('\n')}\n`;
  return { files: [{ suffix: '.txt', mime: 'text/plain', bytes: new TextEncoder().encode(text) }], warnings: [], written: accounts.length };
}
