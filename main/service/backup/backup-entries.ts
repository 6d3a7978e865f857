import type { BackupEntry } from '../../formats/latchkey-backup/index.js';
import { encodeBase32 } from '../../otp/index.js';
import type { VaultSession } from '../../vault/index.js';

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

export { accountOfEntry } from '../../formats/latchkey-backup/index.js';
