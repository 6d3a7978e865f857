import { looksLikeJson, parseJson, readText, sniff } from '../safe-input.js';
import type { ImportFormat, Sniff } from '../types.js';
import { uriLines, uriShare } from '../uri-lines.js';
import { hasCodeDisplay } from './code-display.js';
import { looksLikeEncryptedExport, parseEnteEncrypted } from './encrypted-export.js';
import { parseEntePlain } from './plain-export.js';

/**
 * Ente Auth's two exports (shared/formats/ente.md): the plain `.txt` (otpauth:// lines with Ente's
 * `codeDisplay` parameter) and the encrypted `.json` (Argon2id + secretstream around the same text).
 */
export const enteFormat: ImportFormat = {
  name: 'Ente Auth',
  mayBeEncrypted: true,
  detect: (bytes, sniffed = sniff(bytes)) => {
    try {
      return detectEnte(bytes, sniffed);
    } catch {
      return 0;
    }
  },
  parse: async (bytes, options) => {
    const text = readText(bytes);
    // A URI list never starts like JSON; any JSON is judged as the encrypted export.
    if (/^\s*[{[]/.test(text)) return parseEnteEncrypted(parseJson(text, { longStrings: ['$.encryptedData'] }), options);
    return parseEntePlain(text);
  },
};

function detectEnte(bytes: Uint8Array, sniffed: Sniff): number {
  if (looksLikeJson(bytes)) {
    const json = sniffed.json();
    if (json !== undefined) return looksLikeEncryptedExport(json) ? 0.95 : 0;
    // A damaged export still names its fields: let Ente's parser say what is wrong with it.
    const head = new TextDecoder().decode(bytes.subarray(0, 4096));
    return head.includes('"kdfParams"') && head.includes('"encryptedData"') ? 0.5 : 0;
  }
  // Ente's own parameter outranks the generic URI list (0.9 × share).
  const share = uriShare(bytes, ['otpauth://']);
  if (share === 0) return 0;
  const lines = uriLines(new TextDecoder().decode(bytes.subarray(0, 256 * 1024)));
  return lines.some(hasCodeDisplay) ? 0.92 * share : 0;
}
