import { ImportError } from '../import-error.js';
import { parseJson, readText, sniff } from '../safe-input.js';
import type { ImportFormat, Sniff } from '../types.js';
import { readContent } from './content.js';
import { decryptVault, type EncryptedVault } from './decrypt.js';
import { outerSchema, parseWith, versionedSchema } from './schema.js';

/**
 * Aegis Authenticator's vault export (`aegis-backup-*.json` / `aegis-export-*.json`), plain or
 * encrypted with password slots (scrypt + AES-256-GCM). Format facts: /work/shared/formats/aegis.md.
 */
export const aegisFormat: ImportFormat = {
  name: 'Aegis',
  mayBeEncrypted: true,
  detect,
  parse: async (bytes, options) => {
    const vault = readOuter(readText(bytes));
    const content = vault.kind === 'plain' ? vault.db : await decryptVault(vault, options);
    return readContent(content);
  },
};

function detect(bytes: Uint8Array, sniffed: Sniff = sniff(bytes)): number {
  const value = sniffed.json();
  if (!isRecord(value) || !('db' in value) || !isRecord(value['header'])) return 0;
  const header = value['header'];
  const full = typeof value['version'] === 'number' && 'slots' in header && 'params' in header;
  return full ? 0.95 : 0.5;
}

type Outer = { readonly kind: 'plain'; readonly db: Record<string, unknown> } | ({ readonly kind: 'encrypted' } & EncryptedVault);

function readOuter(text: string): Outer {
  // An encrypted `db` is the whole vault as one Base64 string: it alone may pass 64 KiB.
  const value = parseJson(text, { longStrings: ['$.db'] });
  const { version } = parseWith(versionedSchema, value, '$');
  if (version !== 1) {
    throw new ImportError('IMPORT_UNSUPPORTED_VERSION', `the Aegis file is version ${String(version)}; Latchkey reads version 1`, { found: version, supported: 1 });
  }
  const { header, db } = parseWith(outerSchema, value, '$');
  if (header.slots === null && header.params === null) {
    if (!isRecord(db)) throw new ImportError('IMPORT_MALFORMED', 'a plain Aegis vault holds its entries as an object (at $.db)', { path: '$.db' });
    return { kind: 'plain', db };
  }
  if (header.slots === null || header.params === null || typeof db !== 'string') {
    throw new ImportError('IMPORT_MALFORMED', 'the header is half encrypted: slots, params and an encrypted db belong together (at $.header)', { path: '$.header' });
  }
  return { kind: 'encrypted', slots: header.slots, params: header.params, db };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
