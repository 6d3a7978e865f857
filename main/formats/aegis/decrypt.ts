import { createDecipheriv } from 'node:crypto';
import { ImportError, malformed } from '../import-error.js';
import { importKdfs } from '../import-kdf.js';
import { assertScryptBox, assertScryptPlan } from '../kdf-box.js';
import { parseJson, readText } from '../safe-input.js';
import type { ParseOptions, Scrypt } from '../types.js';
import { parseWith, passwordSlotSchema, slotTypeSchema, type SealedParams } from './schema.js';

/** The encrypted half of an Aegis file, as the outer schema left it. */
export interface EncryptedVault {
  readonly slots: readonly unknown[];
  readonly params: SealedParams;
  readonly db: string;
}

interface Sealed {
  readonly ciphertext: Uint8Array;
  readonly nonce: Uint8Array;
  readonly tag: Uint8Array;
}

interface PasswordSlot extends Sealed {
  readonly n: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Uint8Array;
}

/** More password slots than any real vault has (Aegis: one, plus a few backup passwords). */
const MAX_PASSWORD_SLOTS = 16;

/**
 * Opens an encrypted vault and returns its content JSON. Everything in the header is checked
 * (shapes, hex, Base64, lengths, the scrypt box for all password slots together) before the first KDF runs.
 */
export async function decryptVault(vault: EncryptedVault, options: ParseOptions): Promise<unknown> {
  const slots = readPasswordSlots(vault.slots);
  const db: Sealed = {
    ciphertext: base64Bytes(vault.db, '$.db'),
    nonce: hexBytes(vault.params.nonce, 12, '$.header.params.nonce'),
    tag: hexBytes(vault.params.tag, 16, '$.header.params.tag'),
  };
  if (slots.length === 0) {
    throw malformed('$.header.slots', 'the vault has no password slot (biometric slots work only on the phone that made them); export it again with a password');
  }
  if (options.password === undefined) {
    throw new ImportError('IMPORT_WRONG_PASSWORD', 'this Aegis vault is encrypted: a password is needed, and none was given');
  }
  const masterKey = await unlock(slots, options.password, importKdfs(options).scrypt, options.onProgress);
  try {
    const plaintext = openGcm(masterKey, db);
    if (plaintext === undefined) {
      throw new ImportError('IMPORT_INTEGRITY', 'the password is right, but the vault fails its integrity check: the file was damaged or changed');
    }
    try {
      if (plaintext.length === 0) throw malformed('$.db', 'the decrypted vault is empty');
      return parseJson(readText(plaintext));
    } finally {
      plaintext.fill(0);
    }
  } finally {
    masterKey.fill(0);
  }
}

function readPasswordSlots(raw: readonly unknown[]): PasswordSlot[] {
  const slots: PasswordSlot[] = [];
  raw.forEach((value, i) => {
    const path = `$.header.slots[${String(i)}]`;
    // Raw (0) and biometric (2) slots cannot be opened with a password: skipped, not judged further.
    if (parseWith(slotTypeSchema, value, path).type !== 1) return;
    const slot = parseWith(passwordSlotSchema, value, path);
    assertScryptBox(slot.n, slot.r, slot.p);
    slots.push({
      n: slot.n,
      r: slot.r,
      p: slot.p,
      salt: hexBytes(slot.salt, 32, `${path}.salt`),
      ciphertext: hexBytes(slot.key, 32, `${path}.key`),
      nonce: hexBytes(slot.key_params.nonce, 12, `${path}.key_params.nonce`),
      tag: hexBytes(slot.key_params.tag, 16, `${path}.key_params.tag`),
    });
  });
  if (slots.length > MAX_PASSWORD_SLOTS) throw malformed('$.header.slots', `the vault has more than ${String(MAX_PASSWORD_SLOTS)} password slots`);
  // A wrong password tries every slot: their summed cost must fit the one box (kdf-box.ts).
  assertScryptPlan(slots);
  return slots;
}

/** Tries every password slot in order; the first one that unwraps gives the master key. */
async function unlock(slots: readonly PasswordSlot[], password: string, scrypt: Scrypt, onProgress: ((message: string) => void) | undefined): Promise<Uint8Array> {
  const passwordBytes = new TextEncoder().encode(password);
  try {
    for (const [i, slot] of slots.entries()) {
      onProgress?.(`Deriving the key of Aegis password slot ${String(i + 1)} of ${String(slots.length)} (scrypt)`);
      const kek = await scrypt(passwordBytes, slot.salt, slot);
      try {
        const masterKey = openGcm(kek, slot);
        if (masterKey !== undefined) return masterKey;
      } finally {
        kek.fill(0);
      }
    }
  } finally {
    passwordBytes.fill(0);
  }
  throw new ImportError('IMPORT_WRONG_PASSWORD', `the password opens none of the vault's password slots (${String(slots.length)} tried)`);
}

/** AES-256-GCM with the tag stored apart (Aegis's layout), no AAD. undefined when authentication fails. */
function openGcm(key: Uint8Array, sealed: Sealed): Uint8Array | undefined {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.nonce, { authTagLength: 16 });
  decipher.setAuthTag(sealed.tag);
  const head = decipher.update(sealed.ciphertext);
  let tail: Uint8Array;
  try {
    tail = decipher.final();
  } catch {
    head.fill(0);
    return undefined;
  }
  // A fresh Uint8Array, never a pooled Buffer slice: this may be the master key.
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  head.fill(0);
  return out;
}

function hexBytes(text: string, length: number, path: string): Uint8Array {
  if (text.length !== length * 2 || !/^[0-9a-fA-F]*$/.test(text)) throw malformed(path, `expected ${String(length)} bytes of hex`);
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** Standard Base64; Aegis pads, a missing pad is forgiven. Checked without a backtracking pattern (up to 10 MiB). */
function base64Bytes(text: string, path: string): Uint8Array {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const body = text.length - padding;
  const ok = /^[A-Za-z0-9+/]*$/.test(text.slice(0, body)) && (padding === 0 ? body % 4 !== 1 : text.length % 4 === 0);
  if (!ok) throw malformed(path, 'the encrypted vault is not Base64');
  return new Uint8Array(Buffer.from(text, 'base64'));
}
