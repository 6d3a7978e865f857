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

export interface ParseOptions {
  /** The export's own password (never the vault's). */
  readonly password?: string;
  readonly argon2id?: Argon2id;
  /** Told about slow steps (a KDF that takes seconds), for a progress line or bar. */
  readonly onProgress?: (message: string) => void;
}

/**
 * One foreign format (Aegis's importer shape): `detect` says how sure it is that the bytes are its
 * format (0 to 1, cheap, never throws), `parse` reads them. No I/O: bytes in, accounts out.
 */
export interface ImportFormat {
  readonly name: string;
  /** Whether some files of this format need a password. */
  readonly mayBeEncrypted: boolean;
  detect(bytes: Uint8Array): number;
  parse(bytes: Uint8Array, options: ParseOptions): Promise<ImportResult>;
}

/** Turns a synchronous parser into ImportFormat's async one, so a throw becomes a rejection. */
export function asyncParse(parse: (bytes: Uint8Array, options: ParseOptions) => ImportResult): ImportFormat['parse'] {
  return (bytes, options) =>
    new Promise((resolve) => {
      resolve(parse(bytes, options));
    });
}
