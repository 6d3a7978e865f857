import type { Timers } from './backup/auto-backup.js';
import type { Clock } from './handler-types.js';

export interface IdleLockOptions {
  readonly clock: Clock;
  readonly timers: Timers;
  /**
   * Seconds since the last input anywhere on the system (Electron's powerMonitor). Without it only
   * our own signs of life count: the unlock and `app.activity`.
   */
  readonly idleSeconds?: () => number;
  /** The current limit; read each time, since the setting can change. */
  readonly limitMs: () => number;
  readonly isUnlocked: () => boolean;
  readonly lock: () => void;
}

/**
 * Locks the vault once it has been idle for the limit (SECURITY-NOTES §5). No polling: one one-shot
 * timer, due when idleness would reach the limit, moved on activity and settings changes, gone while
 * locked; an idle app wakes up once, to lock. Each request also checks first (`lockIfIdle`), so a
 * late timer (a sleeping laptop) never lets a request through.
 */
export class IdleLock {
  /** Set by the unlock (noteActivity); until then nothing is unlocked to watch. */
  private lastActivityMs = 0;
  private timer: unknown;

  constructor(private readonly options: IdleLockOptions) {}

  /** The unlock, or the user did something: idleness counts from now. */
  noteActivity(): void {
    this.lastActivityMs = this.options.clock.now();
    this.arm();
  }

  /** The limit changed: the timer moves to match. */
  rearm(): void {
    this.arm();
  }

  /** Locks when the limit is reached; says whether it did. */
  lockIfIdle(): boolean {
    if (!this.options.isUnlocked()) return false;
    if (this.idleMs() < this.options.limitMs()) return false;
    this.options.lock();
    return true;
  }

  /** The vault locked: nothing to watch until the next unlock. */
  stop(): void {
    if (this.timer !== undefined) this.options.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.stop();
    if (!this.options.isUnlocked()) return;
    const remaining = Math.max(0, this.options.limitMs() - this.idleMs());
    this.timer = this.options.timers.setTimeout(() => {
      this.timer = undefined;
      this.onTimer();
    }, remaining);
  }

  private onTimer(): void {
    try {
      // Not idle yet when the system saw input elsewhere since we armed: wait for the rest.
      if (!this.lockIfIdle()) this.arm();
    } catch {
      // A lock timer that fails must fail closed, and must not throw into the event loop.
      this.options.lock();
    }
  }

  private idleMs(): number {
    const sinceActivity = this.options.clock.now() - this.lastActivityMs;
    const system = this.options.idleSeconds?.();
    // The unlock and app.activity are input too, whatever the system's counter says.
    return system === undefined ? sinceActivity : Math.min(system * 1000, sinceActivity);
  }
}
