import type { SeededEntry } from '../../formats/latchkey-backup/index.js';
import { LatchkeyError } from '../../../shared/errors.js';
import type { VaultSession } from '../../vault/index.js';

/** What to do with accounts whose sealed fields no longer open (SECURITY-NOTES §8: damaged rows). */
export interface DamagedRowPolicy {
  /** Leave them out and carry on; otherwise the copy is refused once every row has been read. */
  readonly skipDamaged?: boolean;
  /** Filled with the ids of the accounts left out. */
  readonly leftOut?: string[];
}

/**
 * Every account of the vault (or those with the given ids) as backup entries, in list order, each
 * secret opened only for its entry and kept as bytes: the consumer zeroes each one when done
 * (`zeroSeeds`), so a seed lives as text only inside the line a writer is making.
 *
 * A damaged account (a field that fails its check) can't be copied: its id goes to `leftOut`, and
 * unless `skipDamaged` says so, the generator throws VAULT_INTEGRITY after the last entry, naming the
 * ids, so a writer that is streaming stops before it finishes the file (no copy silently short).
 */
export function* backupEntriesOf(session: VaultSession, ids?: readonly string[], policy: DamagedRowPolicy = {}): Generator<SeededEntry> {
  const wanted = ids === undefined ? undefined : new Set(ids);
  const leftOut = policy.leftOut ?? [];
  const listing = session.list();
  for (const row of listing.damaged) if (wanted === undefined || wanted.has(row.id)) leftOut.push(row.id);
  for (const meta of listing.accounts) {
    if (wanted !== undefined && !wanted.has(meta.id)) continue;
    let extra: ReturnType<VaultSession['extra']>;
    let secret: Uint8Array;
    try {
      extra = session.extra(meta.id);
      secret = session.withSecret(meta.id, (opened) => opened.slice());
    } catch (error) {
      if (!(error instanceof LatchkeyError) || error.code !== 'VAULT_INTEGRITY') throw error;
      leftOut.push(meta.id);
      continue;
    }
    yield {
      type: meta.type,
      issuer: meta.issuer,
      label: meta.label,
      secret,
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
  if (leftOut.length > 0 && policy.skipDamaged !== true) throw damagedLeftOut(leftOut);
}

/** A copy refused because damaged accounts would be missing from it: it names them by id. */
export function damagedLeftOut(ids: readonly string[]): LatchkeyError {
  const count = ids.length === 1 ? '1 damaged account' : `${String(ids.length)} damaged accounts`;
  return new LatchkeyError(
    'VAULT_INTEGRITY',
    `${count} can't be copied (${ids.join(', ')}); nothing was written: remove ${ids.length === 1 ? 'it' : 'them'} by id (latchkey remove ID), or leave ${ids.length === 1 ? 'it' : 'them'} out (--skip-damaged)`,
    { table: 'entries', ids: ids.join(','), count: ids.length },
  );
}

/** How a copy that left damaged accounts out says so. */
export function leftOutWarning(ids: readonly string[]): string {
  return `left out ${ids.length === 1 ? '1 damaged account' : `${String(ids.length)} damaged accounts`} that no longer open${ids.length === 1 ? 's' : ''}: ${ids.join(', ')}`;
}

/** Wipes the seeds of entries once they are written. */
export function zeroSeeds(entries: Iterable<SeededEntry>): void {
  for (const entry of entries) entry.secret.fill(0);
}

export { accountOfEntry, accountOfSeededEntry } from '../../formats/latchkey-backup/index.js';
