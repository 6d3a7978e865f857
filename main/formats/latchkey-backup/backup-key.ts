import type { BackupSodium as Sodium } from './backup-sodium.js';
import type { BackupHeader } from './backup-format.js';

const CHECK_MESSAGE = new TextEncoder().encode('LK backup check v1');

/** The header's key check: a keyed BLAKE2b of a constant, so a wrong password is named as such. */
export function keyCheck(sodium: Sodium, key: Uint8Array): string {
  return Buffer.from(sodium.crypto_generichash(16, CHECK_MESSAGE, key)).toString('base64');
}

export function newBackupHeader(sodium: Sodium, key: Uint8Array, kdf: { ops: number; mem: number; salt: Uint8Array }, app: string): BackupHeader {
  return { kdf: 'argon2id13', ops: kdf.ops, mem: kdf.mem, salt: Buffer.from(kdf.salt).toString('base64'), check: keyCheck(sodium, key), app };
}
