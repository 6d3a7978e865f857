import { accountDraftSchema, type AccountDraft } from '../../../shared/account.js';
import { decodeBase32 } from '../../otp/index.js';
import { BackupError } from './backup-error.js';
import type { BackupEntry, SeededEntry } from './backup-format.js';

export type RestoredAccount = AccountDraft & {
  readonly tags: string[];
  readonly icon?: string;
  readonly note?: string;
  readonly recoveryCodes?: { code: string; used: boolean }[];
  readonly createdAt: number;
  readonly updatedAt: number;
};

/** A backup entry back into an account, validated by the one account schema. */
export function accountOfEntry(entry: BackupEntry): RestoredAccount {
  const secret = decodeBase32(entry.secret);
  return accountOfSeededEntry({ ...entry, secret: secret.ok ? secret.bytes : new Uint8Array(0) });
}

/** An entry whose seed is still bytes into an account (exports): the same schema, no text step. */
export function accountOfSeededEntry(entry: SeededEntry): RestoredAccount {
  const draft = accountDraftSchema.safeParse({
    type: entry.type,
    algorithm: entry.algorithm,
    digits: entry.digits,
    ...(entry.type === 'hotp' ? { counter: BigInt(entry.counter ?? '0') } : { period: entry.period ?? 30 }),
    issuer: entry.issuer,
    label: entry.label,
    secret: entry.secret,
  });
  if (!draft.success) throw new BackupError('BACKUP_MALFORMED', 'an account in the backup is not valid; nothing was restored');
  return {
    ...draft.data,
    tags: entry.tags,
    ...(entry.icon === undefined ? {} : { icon: entry.icon }),
    ...(entry.note === undefined ? {} : { note: entry.note }),
    ...(entry.recoveryCodes === undefined ? {} : { recoveryCodes: entry.recoveryCodes }),
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
  };
}
