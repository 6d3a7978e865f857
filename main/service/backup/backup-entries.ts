import type { SeededEntry } from '../../formats/latchkey-backup/index.js';
import type { VaultSession } from '../../vault/index.js';

/**
 * Every account of the vault (or those with the given ids) as backup entries, in list order, each
 * secret opened only for its entry and kept as bytes: the consumer zeroes each one when done
 * (`zeroSeeds`), so a seed lives as text only inside the line a writer is making.
 */
export function* backupEntriesOf(session: VaultSession, ids?: readonly string[]): Generator<SeededEntry> {
  const wanted = ids === undefined ? undefined : new Set(ids);
  for (const meta of session.list().accounts) {
    if (wanted !== undefined && !wanted.has(meta.id)) continue;
    const extra = session.extra(meta.id);
    yield {
      type: meta.type,
      issuer: meta.issuer,
      label: meta.label,
      secret: session.withSecret(meta.id, (secret) => secret.slice()),
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

/** Wipes the seeds of entries once they are written. */
export function zeroSeeds(entries: Iterable<SeededEntry>): void {
  for (const entry of entries) entry.secret.fill(0);
}

export { accountOfEntry, accountOfSeededEntry } from '../../formats/latchkey-backup/index.js';
