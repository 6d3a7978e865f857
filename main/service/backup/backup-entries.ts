import { accountDraftSchema, type AccountDraft } from '../../../shared/account.js';
import { BackupError, type BackupEntry } from '../../formats/latchkey-backup/index.js';
import { decodeBase32, encodeBase32 } from '../../otp/index.js';
import type { AccountPatch, VaultSession } from '../../vault/index.js';

/**
 * Every account of the vault (or those with the given ids) as backup entries, in list order, each
 * secret opened only for its entry.
 */
export function* backupEntriesOf(session: VaultSession, ids?: readonly string[]): Generator<BackupEntry> {
  const wanted = ids === undefined ? undefined : new Set(ids);
  for (const meta of session.list().accounts) {
    if (wanted !== undefined && !wanted.has(meta.id)) continue;
    const extra = session.extra(meta.id);
    yield {
      type: meta.type,
      issuer: meta.issuer,
      label: meta.label,
      secret: session.withSecret(meta.id, (secret) => encodeBase32(secret)),
      algorithm: meta.algorithm,
      digits: meta.digits,
      ...(meta.type === 'hotp' ? { counter: meta.counter.toString() } : { period: meta.period }),
      tags: [...meta.tags],
      ...(meta.icon === undefined ? {} : { icon: meta.icon }),
      ...(extra.note === undefined ? {} : { note: extra.note }),
      ...(extra.recoveryCodes === undefined ? {} : { recoveryCodes: extra.recoveryCodes }),
      createdAt: meta.createdAt,
      updatedAt: meta.updatedAt,
    };
  }
}

/** A backup entry back into an account; an entry that does not validate fails the whole restore. */
export function accountOfEntry(entry: BackupEntry): AccountDraft & AccountPatch & { createdAt: number; updatedAt: number } {
  const secret = decodeBase32(entry.secret);
  const draft = accountDraftSchema.safeParse({
    type: entry.type,
    algorithm: entry.algorithm,
    digits: entry.digits,
    ...(entry.type === 'hotp' ? { counter: BigInt(entry.counter ?? '0') } : { period: entry.period ?? 30 }),
    issuer: entry.issuer,
    label: entry.label,
    secret: secret.ok ? secret.bytes : new Uint8Array(0),
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
