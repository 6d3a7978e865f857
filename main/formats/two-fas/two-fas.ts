import { ImportError, malformed } from '../import-error.js';
import { parseJson, readText, sniff } from '../safe-input.js';
import type { ImportFormat, ImportResult, ParseOptions, Sniff } from '../types.js';
import { decryptServices } from './two-fas-crypto.js';
import { readBackup, type TwoFasBackup } from './two-fas-schema.js';
import { convertServices } from './two-fas-services.js';

/**
 * 2FAS Authenticator's backup (`.2fas`, older `.json`), schemas 1 to 4, plain or encrypted
 * (`servicesEncrypted`: PBKDF2-SHA256 + AES-256-GCM). Facts: shared/formats/twofas.md.
 */
export const twoFasFormat: ImportFormat = {
  name: '2FAS',
  mayBeEncrypted: true,
  detect: detectTwoFas,
  parse: parseTwoFas,
};

function detectTwoFas(bytes: Uint8Array, sniffed: Sniff = sniff(bytes)): number {
  try {
    const root = sniffed.json();
    if (!isRecord(root)) return 0;
    const services = root['services'];
    const versioned = typeof root['schemaVersion'] === 'number';
    if (versioned && (Array.isArray(services) || typeof root['servicesEncrypted'] === 'string')) return 0.95;
    // Services without a version: 2FAS-like (a hand-edited file?), worth offering but not sure.
    if (Array.isArray(services) && services.some((service) => isRecord(service) && isRecord(service['otp']))) return 0.5;
    return 0;
  } catch {
    return 0;
  }
}

async function parseTwoFas(bytes: Uint8Array, options: ParseOptions): Promise<ImportResult> {
  const backup = readBackup(parseJson(readText(bytes)));
  const warnings: string[] = [];
  const services = await readServices(backup, options, warnings);
  const result = convertServices(services, backup.groups ?? [], backup.schemaVersion, warnings);
  if (services.length === 0) warnings.push('the 2FAS backup holds no accounts');
  return result;
}

async function readServices(backup: TwoFasBackup, options: ParseOptions, warnings: string[]): Promise<readonly unknown[]> {
  // Encrypted files carry `services: []` beside the ciphertext: that is not an empty backup.
  if (typeof backup.servicesEncrypted === 'string' && backup.servicesEncrypted !== '') {
    const plaintext = await decryptServices({ servicesEncrypted: backup.servicesEncrypted, reference: backup.reference ?? undefined }, options);
    if ((backup.services?.length ?? 0) > 0) warnings.push('the plain services beside the encrypted ones were ignored');
    return readDecryptedServices(plaintext);
  }
  if (backup.services == null) throw malformed('$.services', 'the 2FAS backup has neither services nor servicesEncrypted');
  return backup.services;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readDecryptedServices(plaintext: Uint8Array): readonly unknown[] {
  const path = '$.servicesEncrypted';
  let text: string;
  try {
    text = utf8.decode(plaintext);
  } catch {
    throw malformed(path, 'the decrypted accounts are not UTF-8 text');
  }
  let services: unknown;
  try {
    services = parseJson(text);
  } catch (error) {
    if (error instanceof ImportError) throw malformed(path, `the decrypted accounts: ${error.message}`);
    throw error;
  }
  if (!Array.isArray(services)) throw malformed(path, 'the decrypted accounts are not a list');
  return services;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
