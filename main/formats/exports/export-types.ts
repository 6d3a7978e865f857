import type { Account, DistributiveOmit } from '../../../shared/account.js';

/** An account as exports see it: everything, secret included (the caller asked for plaintext). */
export type ExportAccount = DistributiveOmit<Account, 'id'> & { readonly id?: string };

export interface ExportFile {
  /** A suggested file name suffix, e.g. ".txt" or "-1.png". */
  readonly suffix: string;
  readonly mime: string;
  readonly bytes: Uint8Array;
}

export interface ExportResult {
  readonly files: readonly ExportFile[];
  readonly warnings: readonly string[];
  /** How many accounts the files hold: those a format can't take are left out (and named in a warning). */
  readonly written: number;
}
