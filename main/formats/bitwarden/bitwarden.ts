import type { InvalidEntry } from '../../../shared/enroll-api.js';
import { partition } from '../entry-builder.js';
import { parseJson, readText, sniff } from '../safe-input.js';
import type { ImportedAccount, ImportFormat, ImportResult } from '../types.js';
import { asyncParse } from '../types.js';
import { csvItems, CSV_COLUMNS } from './bitwarden-csv.js';
import { jsonItems } from './bitwarden-json.js';
import { itemToAccount } from './totp-field.js';

/**
 * Bitwarden vault exports, JSON or CSV, of which only the TOTP fields are read (never passwords or
 * notes). Password-protected and account-key-encrypted JSON exports are recognised and refused.
 */
export const bitwardenFormat: ImportFormat = {
  name: 'Bitwarden',
  mayBeEncrypted: true,
  detect: (bytes, sniffed = sniff(bytes)) => {
    try {
      return startsLikeJson(bytes) ? scoreJson(sniffed.json()) : scoreCsvHeader(bytes);
    } catch {
      return 0;
    }
  },
  parse: asyncParse((bytes): ImportResult => {
    const text = readText(bytes);
    const items = /^\s*[[{]/.test(text) ? jsonItems(parseJson(text)) : csvItems(text);
    const warnings: string[] = [];
    const results = items.map((item): ImportedAccount | InvalidEntry => ('field' in item ? item : itemToAccount(item, warnings)));
    if (results.length === 0) warnings.push('no item in this export has a TOTP key (Bitwarden\'s "Authenticator key" field)');
    return { ...partition(results), warnings };
  }),
};

function startsLikeJson(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).replace(/^\uFEFF/, '').trimStart();
  return head.startsWith('{') || head.startsWith('[');
}

function scoreJson(json: unknown): number {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 0;
  const has = (key: string): unknown => (Object.hasOwn(json, key) ? (json as Record<string, unknown>)[key] : undefined);
  const encrypted = has('encrypted');
  if (encrypted === true && (typeof has('data') === 'string' || typeof has('encKeyValidation_DO_NOT_EDIT') === 'string')) return 0.95;
  if (!Array.isArray(has('items'))) return 0;
  return typeof encrypted === 'boolean' ? 0.95 : 0.4;
}

/** A CSV export names its columns in the first line. */
function scoreCsvHeader(bytes: Uint8Array): number {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, '');
  const names = (head.split(/\r?\n|\r/, 1)[0] ?? '').split(',').map((name) => name.trim().toLowerCase());
  if (CSV_COLUMNS.every((column) => names.includes(column))) return 0.95;
  return names.includes('login_totp') ? 0.6 : 0;
}
