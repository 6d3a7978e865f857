import { LatchkeyError } from '../../shared/errors.js';
import { SETTINGS_LIMITS } from '../../shared/settings-api.js';
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
  /** Told when the limit or the system's idle time cannot be read (a bug, not a busy vault). */
  readonly onError?: (error: unknown) => void;
}

/** The limit used when the settings cannot be read (a busy vault): the shortest one a user can choose. */
export const FALLBACK_LIMIT_MS = SETTINGS_LIMITS.autoLockMinutesMin * 60_000;

/**
 * The system's counter is trusted once it has been seen above this since the unlock. Some desktops
 * (Wayland; electron#34826) report 0 for ever, and min(0, anything) would never lock.
 */
export const SYSTEM_COUNTER_PROOF_MS = 60_000;

/**
 * Locks the vault once it has been idle for the limit (SECURITY-NOTES §5). No polling: one one-shot
 * timer, due when idleness would reach the limit, moved on activity and settings changes, gone while
 * locked; an idle app wakes up once, to lock. Each request also checks first (`lockIfIdle`), so a
 * late timer (a sleeping laptop) never lets a request through.
 *
 * Idleness is the smaller of the system's idle time and the time since our own last sign of life
 * (the unlock, `app.activity`), but the system's counter only counts once it has shown it works: a
 * reading above SYSTEM_COUNTER_PROOF_MS since the unlock. Until then, when our own idleness reaches
 * the limit, the counter is taken as unsupported and the vault locks. Nothing here fails open: a
 * limit that cannot be read is the shortest one, and any other failure locks.
 */
export class IdleLock {
  /** Set by the unlock (noteUnlock); until then nothing is unlocked to watch. */
  private lastActivityMs = 0;
  private unlockedAtMs = 0;
  /** The largest reading of the system's idle time since the unlock, in ms. */
  private maxSystemIdleMs = 0;
  private timer: unknown;

  constructor(private readonly options: IdleLockOptions) {}

  /** The vault was unlocked: idleness counts from now, and the system's counter must prove itself again. */
  noteUnlock(): void {
    this.unlockedAtMs = this.options.clock.now();
    this.maxSystemIdleMs = 0;
    this.noteActivity();
  }

  /** The user did something in the app: idleness counts from now. */
  noteActivity(): void {
    this.lastActivityMs = this.options.clock.now();
    this.arm();
  }

  /** The limit changed: the timer moves to match. */
  rearm(): void {
    this.arm();
  }

  /** Locks when the limit is reached; says whether it did. Never throws: a failure locks. */
  lockIfIdle(): boolean {
    if (!this.options.isUnlocked()) return false;
    try {
      const limit = this.limitMs();
      if (this.idle(limit).idleMs < limit) return false;
    } catch (error) {
      this.options.onError?.(error);
    }
    this.options.lock();
    return true;
  }

  /** The vault locked: nothing to watch until the next unlock. */
  stop(): void {
    if (this.timer !== undefined) this.options.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Never throws (it runs inside the unlock and the settings change): if it cannot arm, it locks. */
  private arm(): void {
    this.stop();
    if (!this.options.isUnlocked()) return;
    let remaining: number;
    try {
      const limit = this.limitMs();
      const { idleMs, ownMs, systemTrusted } = this.idle(limit);
      // An unproven counter may be found unsupported when our own idleness reaches the limit: wake then.
      remaining = Math.max(0, limit - (systemTrusted ? idleMs : ownMs));
    } catch (error) {
      this.options.onError?.(error);
      this.options.lock();
      return;
    }
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

  /** The user's limit; the shortest one when the settings cannot be read (SQLITE_BUSY, say). */
  private limitMs(): number {
    try {
      const limit = this.options.limitMs();
      if (Number.isFinite(limit) && limit > 0) return limit;
      throw new Error(`unusable auto-lock limit: ${String(limit)}`);
    } catch (error) {
      // An expected error (a busy vault) is not a bug; anything else is reported.
      if (!(error instanceof LatchkeyError)) this.options.onError?.(error);
      return FALLBACK_LIMIT_MS;
    }
  }

  /** The system's idle time in ms; undefined when there is none or it cannot be read. */
  private systemIdleMs(): number | undefined {
    if (this.options.idleSeconds === undefined) return undefined;
    let seconds: number;
    try {
      seconds = this.options.idleSeconds();
    } catch (error) {
      this.options.onError?.(error);
      return undefined;
    }
    return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
  }

  private idle(limitMs: number): { idleMs: number; ownMs: number; systemTrusted: boolean } {
    const now = this.options.clock.now();
    // A wall clock stepped backwards must not postpone the lock by the size of the step: what seems
    // to lie in the future happened now.
    if (now < this.lastActivityMs) this.lastActivityMs = now;
    if (now < this.unlockedAtMs) this.unlockedAtMs = now;
    const ownMs = now - this.lastActivityMs;
    const systemMs = this.systemIdleMs();
    if (systemMs === undefined) return { idleMs: ownMs, ownMs, systemTrusted: false };
    this.maxSystemIdleMs = Math.max(this.maxSystemIdleMs, systemMs);
    const systemTrusted = this.maxSystemIdleMs > SYSTEM_COUNTER_PROOF_MS;
    if (!systemTrusted && ownMs >= limitMs && now - this.unlockedAtMs >= limitMs) {
      // Never above the proof since an unlock older than the limit: a counter that does not count.
      return { idleMs: ownMs, ownMs, systemTrusted };
    }
    // The unlock and app.activity are input too, whatever the system's counter says.
    return { idleMs: Math.min(systemMs, ownMs), ownMs, systemTrusted };
  }
}
