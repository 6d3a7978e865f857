import { ImportError } from '../import-error.js';
import { LIMITS, looksLikeJson, parseJson, readText, sniff } from '../safe-input.js';
import type { ImportFormat, ImportResult, ParseOptions } from '../types.js';
import { ANDOTP_ITERATIONS, decryptAndOtp, NEW_MIN_BYTES, newLayoutCost, OLD_MIN_BYTES, openNewLayout, openOldLayout } from './andotp-crypto.js';
import { readEntries } from './andotp-entries.js';

/** Keys only andOTP writes, beside the secret and type every format has. */
const ANDOTP_KEYS = ['thumbnail', 'last_used', 'used_frequency', 'tags'];

/** File types that are never an andOTP backup, by their first bytes (PNG, JPEG, GIF, RIFF, zip, gzip, PDF, SQLite). */
const OTHER_MAGIC = ['89504e47', 'ffd8ff', '47494638', '52494646', '504b0304', '1f8b08', '25504446', '53514c69746520666f726d6174'];

/**
 * andOTP backups: a plain JSON list (`.json`), or that list encrypted with AES-GCM (`.json.aes`) in
 * one of two layouts without any header (andotp-crypto.ts). A file that is not text is taken to be
 * encrypted (Aegis: one that is not a JSON list); text is read as JSON.
 */
export const andOtpFormat: ImportFormat = {
  name: 'andOTP',
  mayBeEncrypted: true,
  detect: (bytes, sniffed = sniff(bytes)) => {
    try {
      const json = looksLikeJson(bytes) ? sniffed.json() : undefined;
      return json === undefined ? scoreBinary(bytes) : scoreJson(json);
    } catch {
      return 0;
    }
  },
  parse: async (bytes: Uint8Array, options: ParseOptions): Promise<ImportResult> => {
    const text = plainText(bytes) ?? readText(await decryptAndOtp(bytes, options));
    return readEntries(parseJson(text));
  },
  // The new layout in andOTP's own iteration range is detected above; out of it, and the old layout
  // (no header at all), only the password can tell.
  decryptionTrials: [
    {
      cost: (bytes) => (mayBeCiphertext(bytes) ? 1 : undefined),
      open: (bytes, options) => Promise.resolve().then(() => entriesOf(openOldLayout(bytes, options.password))),
    },
    {
      cost: (bytes) => (mayBeCiphertext(bytes) ? newLayoutCost(bytes) : undefined),
      open: async (bytes, options) => {
        const iterations = newLayoutCost(bytes);
        return iterations === undefined ? undefined : entriesOf(await openNewLayout(bytes, iterations, options));
      },
    },
  ],
};

function entriesOf(plain: Uint8Array | undefined): ImportResult | undefined {
  return plain === undefined ? undefined : readEntries(parseJson(readText(plain)));
}

/** Binary of a size an encrypted backup can have, and not another file type we know by its magic. */
function mayBeCiphertext(bytes: Uint8Array): boolean {
  return scoreBinary(bytes) > 0;
}

/**
 * The file as text, or undefined when it is binary (so, encrypted). Text that is not JSON (a backup
 * pasted as Base64, say) is then refused as malformed JSON rather than tried as ciphertext: random
 * nonce and ciphertext bytes are never valid UTF-8 text over a backup's length.
 */
function plainText(bytes: Uint8Array): string | undefined {
  try {
    return readText(bytes);
  } catch (error) {
    if (error instanceof ImportError && error.code === 'IMPORT_UNREADABLE') return undefined;
    throw error;
  }
}

function scoreJson(json: unknown): number {
  if (!Array.isArray(json)) return 0;
  const first: unknown = json[0];
  if (first === undefined) return 0.2;
  if (typeof first !== 'object' || first === null || !('secret' in first) || !('type' in first)) return 0;
  return ANDOTP_KEYS.some((key) => key in first) ? 0.95 : 0.7;
}

/** Encrypted backups have no magic: binary of a plausible size scores low, andOTP's own iteration range higher. */
function scoreBinary(bytes: Uint8Array): number {
  if (bytes.length < OLD_MIN_BYTES || bytes.length > LIMITS.textBytes) return 0;
  const head = Buffer.from(bytes.subarray(0, 16)).toString('hex');
  if (OTHER_MAGIC.some((magic) => head.startsWith(magic)) || isText(bytes)) return 0;
  if (bytes.length >= NEW_MIN_BYTES) {
    const iterations = Buffer.from(bytes.buffer, bytes.byteOffset, 4).readUInt32BE(0);
    if (iterations >= ANDOTP_ITERATIONS.min && iterations <= ANDOTP_ITERATIONS.max) return 0.6;
  }
  return 0.3;
}

/** Whether the first 4 KiB read as text (a URI list, a CSV): then it is no encrypted backup. */
function isText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, 4096), { stream: true });
  } catch {
    return false;
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) return false;
  }
  return true;
}
