import type { AccountDraft } from '../../shared/account.js';
import type { InvalidEntry } from '../../shared/enroll-api.js';

/** An account read from another app's export, with what we keep of its extras. */
export type ImportedAccount = AccountDraft & { readonly tags?: string[]; readonly note?: string };

export interface ImportResult {
  readonly accounts: readonly ImportedAccount[];
  readonly warnings: readonly string[];
  readonly invalid: readonly InvalidEntry[];
}

/** Argon2id with libsodium's parameters (ops passes, memory in bytes); the service runs it in a worker. */
export type Argon2id = (password: Uint8Array, salt: Uint8Array, ops: number, memBytes: number) => Promise<Uint8Array>;

/** scrypt (N, r, p as the file gives them), a 32-byte key. */
export type Scrypt = (password: Uint8Array, salt: Uint8Array, params: { readonly n: number; readonly r: number; readonly p: number }) => Promise<Uint8Array>;

/** PBKDF2-HMAC with the given digest, a 32-byte key. */
export type Pbkdf2 = (password: Uint8Array, salt: Uint8Array, iterations: number, digest: 'sha1' | 'sha256') => Promise<Uint8Array>;

/** Runs one task at a time, in order (kdf-queue.ts): every import KDF goes through one. */
export interface KdfQueue {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Whether a task is running now (a new one would wait). */
  readonly busy: boolean;
}

export interface ParseOptions {
  /** The export's own password (never the vault's). */
  readonly password?: string;
  readonly argon2id?: Argon2id;
  /** Defaults to node:crypto's scrypt on libuv's pool (off the main thread). */
  readonly scrypt?: Scrypt;
  /** Defaults to node:crypto's pbkdf2 on libuv's pool (off the main thread). */
  readonly pbkdf2?: Pbkdf2;
  /** Where every KDF of the import waits its turn; defaults to the one process-wide import queue. */
  readonly kdfQueue?: KdfQueue;
  /** Told about slow steps (a KDF that takes seconds), for a progress line or bar. */
  readonly onProgress?: (message: string) => void;
}

/** What detection learns of a file, worked out on first use and shared by every detector. */
export interface Sniff {
  /** The file as JSON (no limits checked: detection only looks), or undefined when it is not JSON. */
  json(): unknown;
}

/**
 * One foreign format (Aegis's importer shape): `detect` says how sure it is that the bytes are its
 * format (0 to 1, cheap, never throws), `parse` reads them. No I/O: bytes in, accounts out.
 */
export interface ImportFormat {
  readonly name: string;
  /** Whether some files of this format need a password. */
  readonly mayBeEncrypted: boolean;
  /** `sniff` is shared by every detector of one detection, so the file is parsed once, not once a format. */
  detect(bytes: Uint8Array, sniff?: Sniff): number;
  parse(bytes: Uint8Array, options: ParseOptions): Promise<ImportResult>;
  /**
   * Layouts with no signature at all, whose only test is decrypting them with the given password.
   * Tried only when a password is given and every detector declined, cheapest first.
   */
  readonly decryptionTrials?: readonly DecryptionTrial[];
}

export interface DecryptionTrial {
  /** What one try costs for these bytes (in KDF iterations; one hash is 1), or undefined when they cannot be this layout. */
  cost(bytes: Uint8Array): number | undefined;
  /** The import, or undefined when the password does not open the bytes as this layout. */
  open(bytes: Uint8Array, options: ParseOptions & { readonly password: string }): Promise<ImportResult | undefined>;
}

/** Turns a synchronous parser into ImportFormat's async one, so a throw becomes a rejection. */
export function asyncParse(parse: (bytes: Uint8Array, options: ParseOptions) => ImportResult): ImportFormat['parse'] {
  return (bytes, options) =>
    new Promise((resolve) => {
      resolve(parse(bytes, options));
    });
}
