import { parseJson, readText, sniff } from '../safe-input.js';
import { asyncParse, type ImportFormat, type ImportResult, type Sniff } from '../types.js';
import { readBackup } from './freeotp-plus-schema.js';
import { convertTokens } from './freeotp-plus-tokens.js';

/**
 * FreeOTP+'s JSON export (`freeotp-backup.json`): `{ tokenOrder, tokens }`, secrets as signed Java
 * bytes. Never encrypted. Facts: shared/formats/freeotp-plus.md.
 */
export const freeOtpPlusFormat: ImportFormat = {
  name: 'FreeOTP+',
  mayBeEncrypted: false,
  detect: detectFreeOtpPlus,
  parse: asyncParse(parseFreeOtpPlus),
};

function detectFreeOtpPlus(bytes: Uint8Array, sniffed: Sniff = sniff(bytes)): number {
  try {
    const root = sniffed.json();
    if (!isRecord(root) || !Array.isArray(root['tokens'])) return 0;
    if (Array.isArray(root['tokenOrder'])) return 0.95;
    // No order list: still FreeOTP-shaped if a token carries its secret as a byte list.
    return root['tokens'].some((token) => isRecord(token) && Array.isArray(token['secret'])) ? 0.7 : 0;
  } catch {
    return 0;
  }
}

function parseFreeOtpPlus(bytes: Uint8Array): ImportResult {
  const backup = readBackup(parseJson(readText(bytes)));
  const warnings: string[] = [];
  const result = convertTokens(backup.tokens, backup.tokenOrder ?? [], warnings);
  if (backup.tokens.length === 0) warnings.push('the FreeOTP+ export holds no tokens');
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
