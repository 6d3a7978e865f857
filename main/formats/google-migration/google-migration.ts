import { LatchkeyError } from '../../../shared/errors.js';
import { checkImage, decodeQrImage } from '../../enroll/index.js';
import { ImportError } from '../import-error.js';
import { readText } from '../safe-input.js';
import type { ImportFormat, ImportResult } from '../types.js';
import { parseUriLines, uriShare } from '../uri-lines.js';

/**
 * Google Authenticator's "Transfer accounts" export: QR images (decoded through enrollment), or
 * `otpauth-migration://` lines in a text file (what QR-reading apps save).
 */
export const googleMigrationFormat: ImportFormat = {
  name: 'Google Authenticator export',
  mayBeEncrypted: false,
  detect: (bytes) => {
    if (isImage(bytes)) return 0.6;
    return 0.95 * uriShare(bytes, ['otpauth-migration://']);
  },
  parse: async (bytes) => {
    const text = isImage(bytes) ? (await decodeQrImage(bytes)).join('\n') : readText(bytes);
    const result: ImportResult = parseUriLines(text);
    if (result.accounts.length === 0 && result.invalid.length === 0) {
      throw new ImportError('IMPORT_MALFORMED', 'no otpauth-migration:// export was found', { path: 'line 1' });
    }
    return result;
  },
};

function isImage(bytes: Uint8Array): boolean {
  try {
    checkImage(bytes);
    return true;
  } catch (error) {
    // Too large is still an image: parse will say so with its own code.
    return error instanceof LatchkeyError && error.code === 'QR_IMAGE_TOO_LARGE';
  }
}
