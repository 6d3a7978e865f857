import type { KeyClock } from '../../clock.js';
import type { TouchPolicy } from '../yubikey-otp/state.js';

/**
 * A key waiting for its button. The touch comes from the policy (`auto`: at once; `never`; `after:MS`),
 * from `touch()` (a test or the socket's touch request), or not at all (the `touch-never` fault).
 * The policy is asked again at every step, so a policy changed in the state file while the key
 * waits is obeyed (that is how a test touches a key a socket is serving).
 */
/** `cancelled`: the wait was ended from outside (CTAPHID CANCEL, power off, unplug). */
export type TouchOutcome = 'touched' | 'timeout' | 'cancelled';

/** How often a waiting key looks at its policy again (real time only: a manual clock skips it). */
const POLL_MS = 50;

export interface TouchWaitOptions {
  readonly clock: KeyClock;
  readonly timeoutMs: number;
  readonly policy: () => TouchPolicy;
  readonly touchNever: () => boolean;
  /** Called at the start of the wait and then every `everyMs` while it lasts (CTAPHID keepalives). */
  readonly tick?: { readonly everyMs: number; readonly onTick: () => void };
}

export class TouchWaiter {
  private pending: { touched: boolean; wake: AbortController } | null = null;

  /** True when a wait was pending and now counts as touched. */
  touch(): boolean {
    if (this.pending === null) return false;
    this.pending.touched = true;
    this.pending.wake.abort();
    return true;
  }

  get waiting(): boolean {
    return this.pending !== null;
  }

  async wait(options: TouchWaitOptions): Promise<TouchOutcome> {
    const { clock, timeoutMs } = options;
    const start = clock.now();
    const pending = { touched: false, wake: new AbortController() };
    this.pending = pending;
    let nextTick = options.tick === undefined ? Number.POSITIVE_INFINITY : 0;
    try {
      for (;;) {
        const elapsed = clock.now() - start;
        if (elapsed >= nextTick && options.tick !== undefined) {
          options.tick.onTick();
          nextTick = elapsed + options.tick.everyMs;
        }
        const policy = options.policy();
        if (!options.touchNever()) {
          if (pending.touched || policy.kind === 'auto') return 'touched';
          if (policy.kind === 'after' && policy.ms < timeoutMs && elapsed >= policy.ms) return 'touched';
        }
        if (elapsed >= timeoutMs) return 'timeout';
        const touchAt = policy.kind === 'after' && policy.ms > elapsed ? policy.ms : Number.POSITIVE_INFINITY;
        const step = Math.min(POLL_MS, timeoutMs - elapsed, nextTick - elapsed, touchAt - elapsed);
        await clock.sleep(Math.max(1, step), pending.wake.signal);
        if (pending.wake.signal.aborted && !pending.touched) return 'cancelled';
      }
    } finally {
      this.pending = null;
    }
  }

  /** Ends a pending wait at once as not touched (power off, unplug, CANCEL). */
  abort(): void {
    this.pending?.wake.abort();
  }
}
