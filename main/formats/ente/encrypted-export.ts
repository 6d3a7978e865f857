import { z } from 'zod';
import { LatchkeyError } from '../../../shared/errors.js';
import { ImportError, malformed } from '../import-error.js';
import { importKdfs } from '../import-kdf.js';
import { assertArgon2idPlan } from '../kdf-box.js';
import { readText } from '../safe-input.js';
import type { ImportResult, ParseOptions } from '../types.js';
import { parseEntePlain } from './plain-export.js';
import { argon2idInProcess, describeMemory, loadSodium, type Sodium } from './sodium.js';

const SALT_BYTES = 16;
const HEADER_BYTES = 24;
const KEY_BYTES = 32;
/** secretstream's overhead per message: one encrypted tag byte and a 16-byte Poly1305 MAC. */
const STREAM_ABYTES = 17;

// memLimit and opsLimit are any numbers here: whether they are sane is the KDF box's call.
const envelopeSchema = z.object({
  version: z.literal(1),
  kdfParams: z.object({ memLimit: z.number(), opsLimit: z.number(), salt: z.string() }),
  encryptedData: z.string(),
  encryptionNonce: z.string(),
});

/** Whether a parsed JSON value has the shape of Ente's encrypted export (for `detect`). */
export function looksLikeEncryptedExport(value: unknown): boolean {
  if (!isRecord(value)) return false;
  return ['version', 'kdfParams', 'encryptedData', 'encryptionNonce'].every((key) => Object.hasOwn(value, key)) && isRecord(value['kdfParams']);
}

/**
 * Ente's encrypted export (shared/formats/ente.md): Argon2id (libsodium crypto_pwhash, memLimit in
 * bytes) derives a key that opens one libsodium secretstream XChaCha20-Poly1305 message, tagged
 * FINAL, whose header is the `encryptionNonce` field. Every check on the file comes before the KDF.
 */
export async function parseEnteEncrypted(value: unknown, options: ParseOptions): Promise<ImportResult> {
  const envelope = readEnvelope(value);
  const { memLimit, opsLimit } = envelope.kdfParams;
  // The file's one derivation is its whole plan.
  assertArgon2idPlan([{ ops: opsLimit, memBytes: memLimit }]);
  const salt = decodeBase64(envelope.kdfParams.salt, '$.kdfParams.salt');
  if (salt.length !== SALT_BYTES) throw malformed('$.kdfParams.salt', `the salt is ${String(salt.length)} bytes, not ${String(SALT_BYTES)}`);
  const header = decodeBase64(envelope.encryptionNonce, '$.encryptionNonce');
  if (header.length !== HEADER_BYTES) throw malformed('$.encryptionNonce', `the stream header is ${String(header.length)} bytes, not ${String(HEADER_BYTES)}`);
  const cipher = decodeBase64(envelope.encryptedData, '$.encryptedData');
  if (cipher.length < STREAM_ABYTES) throw malformed('$.encryptedData', 'the encrypted data is missing or too short to hold a message');

  if (options.password === undefined || options.password === '') {
    throw new ImportError('IMPORT_WRONG_PASSWORD', 'this Ente export is encrypted: a password is needed (the one chosen when exporting)');
  }
  const password = new TextEncoder().encode(options.password);
  options.onProgress?.(`Deriving the Ente export key (Argon2id, ${String(opsLimit)} passes, ${describeMemory(memLimit)})…`);
  const argon2id = importKdfs(options).argon2id(argon2idInProcess) ?? argon2idInProcess;
  let key: Uint8Array;
  try {
    key = await argon2id(password, salt, opsLimit, memLimit);
  } finally {
    password.fill(0);
  }
  const sodium = await loadSodium();
  let plaintext: Uint8Array;
  try {
    if (key.length !== KEY_BYTES) throw new LatchkeyError('INTERNAL', `Argon2id gave a ${String(key.length)}-byte key, not ${String(KEY_BYTES)}`);
    plaintext = openStream(sodium, key, header, cipher);
  } finally {
    sodium.memzero(key);
  }
  try {
    if (plaintext.length === 0) throw malformed('$.encryptedData', 'the export decrypted to nothing: it holds no accounts');
    return parseEntePlain(readText(plaintext));
  } finally {
    sodium.memzero(plaintext);
  }
}

/**
 * One pull of the stream. libsodium.js returns false (it does not throw) when the MAC fails. With no
 * key-check value in the file, a wrong password and a changed ciphertext, header or salt byte fail the
 * same MAC and cannot be told apart, so both are IMPORT_WRONG_PASSWORD with a message naming both.
 * A message that opens but is not tagged FINAL means the stream was cut or is not Ente's single
 * message: IMPORT_INTEGRITY.
 */
function openStream(sodium: Sodium, key: Uint8Array, header: Uint8Array, cipher: Uint8Array): Uint8Array {
  const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
  const pulled = sodium.crypto_secretstream_xchacha20poly1305_pull(state, cipher, null);
  if (pulled === false) {
    throw new ImportError('IMPORT_WRONG_PASSWORD', 'the Ente export did not open: the password is wrong, or the file was changed after it was exported');
  }
  if (pulled.tag !== sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
    sodium.memzero(pulled.message);
    throw new ImportError('IMPORT_INTEGRITY', 'the Ente export is incomplete: its encrypted message is not marked as the last one', { path: '$.encryptedData' });
  }
  return pulled.message;
}

function readEnvelope(value: unknown): z.infer<typeof envelopeSchema> {
  // A newer version may change every other field, so it is judged first.
  const version = isRecord(value) ? value['version'] : undefined;
  if (typeof version === 'number' && version !== 1) {
    throw new ImportError('IMPORT_UNSUPPORTED_VERSION', `this is an Ente export of version ${String(version).slice(0, 16)}; only version 1 is known`);
  }
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) {
    const path = ['$', ...(parsed.error.issues[0]?.path ?? []).map(String)].join('.');
    throw malformed(path, 'not an Ente encrypted export: a field is missing or has the wrong type');
  }
  return parsed.data;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** Standard Base64 (libsodium's "original" variant, as Ente writes it); padding may be left off. */
function decodeBase64(text: string, path: string): Uint8Array {
  if (!BASE64.test(text)) throw malformed(path, 'the field is not Base64');
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
