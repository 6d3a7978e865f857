import { LatchkeyError } from '../../shared/errors.js';
import type { AccountMeta } from '../../shared/account.js';
import type { RemovedAccount } from '../vault/index.js';
import type { Timers } from './backup/auto-backup.js';
import type { Clock } from './handler-types.js';

export const UNDO_WINDOW_MS = 10_000;

/**
 * Keeps the most recently removed account in memory (never on disk) for a short undo window. Its
 * secret is zeroed when the window ends, on lock, and when another removal takes its place.
 */
export class RemovalUndo {
  private held: { removed: RemovedAccount; expiresAtMs: number; timer: unknown } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly timers: Timers,
  ) {}

  /** Holds `removed` for the undo window; returns when the window ends (unix ms). */
  keep(removed: RemovedAccount): number {
    this.wipe();
    const expiresAtMs = this.clock.now() + UNDO_WINDOW_MS;
    const timer = this.timers.setTimeout(() => {
      this.wipe();
    }, UNDO_WINDOW_MS);
    this.held = { removed, expiresAtMs, timer };
    return expiresAtMs;
  }

  /**
   * Runs `putBack` with the held account if `id` is the one held and its window is open. The account
   * is wiped once it is back; if putting it back fails, it stays held until the window ends.
   */
  restore(id: string, putBack: (removed: RemovedAccount) => AccountMeta): AccountMeta {
    // The clock decides, not only the timer: a late timer must not stretch the window.
    if (this.held !== undefined && this.clock.now() >= this.held.expiresAtMs) this.wipe();
    const held = this.held;
    if (held?.removed.account.id !== id) {
      throw new LatchkeyError('NOT_FOUND', `that removal can no longer be undone: its ${String(UNDO_WINDOW_MS / 1000)}-second window has passed, a later removal took its place, or the vault was locked since`);
    }
    const meta = putBack(held.removed);
    this.wipe();
    return meta;
  }

  wipe(): void {
    if (this.held === undefined) return;
    this.timers.clearTimeout(this.held.timer);
    this.held.removed.account.secret.fill(0);
    this.held = undefined;
  }
}
