import { createDecipheriv } from 'node:crypto';
import { ImportError, malformed } from '../import-error.js';
import { importKdfs } from '../import-kdf.js';
import { assertPbkdf2Plan } from '../kdf-box.js';
import type { ParseOptions } from '../types.js';

/** 2FAS fixes these; the file carries only the salt and the nonces (shared/formats/twofas.md). */
export const TWOFAS_PBKDF2_ITERATIONS = 10_000;
const SALT_BYTES = 256;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A stand-in for PBKDF2-HMAC-SHA256 (tests count calls); by default the options' PBKDF2 runs. */
export type DeriveKey = (password: string, salt: Uint8Array, iterations: number) => Promise<Uint8Array>;

interface Sealed {
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
  readonly salt: Buffer;
  readonly iv: Buffer;
}

export interface EncryptedFields {
  readonly servicesEncrypted: string;
  /** The encrypted constant 2FAS uses as a password check; absent in some files. */
  readonly reference?: string | undefined;
}

/**
 * Opens `servicesEncrypted` and returns its plaintext bytes (a JSON array of services).
 *
 * Wrong password and damage are told apart through `reference`, sealed with the same password:
 * if it opens, the password is right and a services blob that fails its tag is damaged
 * (IMPORT_INTEGRITY). Without a reference, a failed tag can mean either; we report
 * IMPORT_WRONG_PASSWORD, the far likelier cause, and the message says both.
 */
export async function decryptServices(fields: EncryptedFields, options: ParseOptions, derive?: DeriveKey): Promise<Uint8Array> {
  // Every length is checked before the password is even looked at, so no KDF runs on a bad file.
  const services = readSealed(fields.servicesEncrypted, '$.servicesEncrypted');
  const reference = fields.reference === undefined || fields.reference === '' ? undefined : readSealed(fields.reference, '$.reference');
  const password = options.password;
  if (password === undefined || password === '') {
    throw new ImportError('IMPORT_WRONG_PASSWORD', 'this 2FAS backup is encrypted: enter the password it was exported with');
  }
  // At most two runs (the reference's salt and the services' salt), their sum inside the one box.
  assertPbkdf2Plan(reference === undefined ? [TWOFAS_PBKDF2_ITERATIONS] : [TWOFAS_PBKDF2_ITERATIONS, TWOFAS_PBKDF2_ITERATIONS]);
  options.onProgress?.('Deriving the 2FAS backup key');
  const kdfs = importKdfs(options);
  const passwordBytes = new TextEncoder().encode(password);
  const deriveQueued = (salt: Uint8Array): Promise<Uint8Array> =>
    derive === undefined ? kdfs.pbkdf2(passwordBytes, salt, TWOFAS_PBKDF2_ITERATIONS, 'sha256') : kdfs.run(() => derive(password, salt, TWOFAS_PBKDF2_ITERATIONS));

  const keys = new Map<string, Uint8Array>();
  const keyFor = async (salt: Buffer): Promise<Uint8Array> => {
    const id = salt.toString('base64');
    const known = keys.get(id);
    if (known !== undefined) return known;
    const key = await deriveQueued(salt);
    keys.set(id, key);
    return key;
  };
  try {
    if (reference !== undefined && open(await keyFor(reference.salt), reference) === undefined) {
      throw new ImportError('IMPORT_WRONG_PASSWORD', 'the password is wrong for this 2FAS backup');
    }
    const plaintext = open(await keyFor(services.salt), services);
    if (plaintext !== undefined) return plaintext;
    if (reference !== undefined) {
      throw new ImportError('IMPORT_INTEGRITY', 'the password is right, but the encrypted accounts fail their integrity check: the backup is damaged');
    }
    throw new ImportError('IMPORT_WRONG_PASSWORD', 'the accounts did not open: the password is wrong, or the backup is damaged (this file has no check value to tell which)');
  } finally {
    for (const key of keys.values()) key.fill(0);
    passwordBytes.fill(0);
  }
}

function open(key: Uint8Array, sealed: Sealed): Uint8Array | undefined {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(sealed.tag);
  try {
    return new Uint8Array(Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]));
  } catch {
    return undefined;
  }
}

/** `"<b64 data+tag>:<b64 salt>:<b64 iv>"` with every length checked. */
function readSealed(value: string, path: string): Sealed {
  const parts = value.split(':');
  if (parts.length !== 3) throw malformed(path, `expected three Base64 parts "data:salt:iv", found ${String(parts.length)}`);
  const [data, salt, iv] = parts.map((part, i) => strictBase64(part, `${path} part ${String(i + 1)}`));
  if (data === undefined || salt === undefined || iv === undefined) throw malformed(path, 'expected three Base64 parts "data:salt:iv"');
  if (salt.length !== SALT_BYTES) throw malformed(path, `the salt is ${String(salt.length)} bytes; 2FAS uses ${String(SALT_BYTES)}`);
  if (iv.length !== IV_BYTES) throw malformed(path, `the nonce is ${String(iv.length)} bytes; AES-GCM here uses ${String(IV_BYTES)}`);
  if (data.length <= TAG_BYTES) throw malformed(path, 'the encrypted data is too short to hold its 16-byte tag');
  return { ciphertext: data.subarray(0, data.length - TAG_BYTES), tag: data.subarray(data.length - TAG_BYTES), salt, iv };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Node's Base64 decoder skips characters it does not know; a file with them is damaged, not "close enough". */
function strictBase64(text: string, path: string): Buffer {
  if (!BASE64.test(text)) throw malformed(path, 'not standard Base64');
  return Buffer.from(text, 'base64');
}
