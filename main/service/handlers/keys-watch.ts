import { LatchkeyError } from '../../../shared/errors.js';

/** The timer leases expire by; injected so tests step time by hand. */
export interface LeaseTimer {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const systemTimer: LeaseTimer = {
  // unref: a lease left behind must not keep the CLI or a test process alive.
  set: (run, ms) => setTimeout(run, ms).unref(),
  clear: (handle) => {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/** How long one `keys.watch {on: true}` holds the watch unless renewed: a page renews at half of it. */
export const KEY_WATCH_LEASE_MS = 20_000;
/** More holders than windows could ever show keys panels: a page minting ids in a loop is refused, not given a timer each. */
export const KEY_WATCH_MAX_HOLDERS = 16;

/**
 * Who holds main's plug watch (keys.watch): each keys panel under its own id, for a lease it renews
 * while open. The watch runs while anyone holds it and stops with the last release or expiry, so a
 * page that reloads, crashes or loses its door without saying `off` stops it too, within one lease;
 * and one window's panel closing does not stop another's.
 */
export class KeyWatchLeases {
  private readonly leases = new Map<string, unknown>();
  private stop: (() => void) | undefined;
  private ended = false;
  private readonly timer: LeaseTimer;
  readonly leaseMs: number;

  constructor(
    /** Starts the devices' watch; returns the way to stop it. */
    private readonly start: () => () => void,
    options: { readonly leaseMs?: number; readonly timer?: LeaseTimer } = {},
  ) {
    this.leaseMs = options.leaseMs ?? KEY_WATCH_LEASE_MS;
    this.timer = options.timer ?? systemTimer;
  }

  /** Takes or renews `holder`'s lease, starting the watch for the first holder. */
  hold(holder: string): void {
    // After endAll (the app quitting), nothing may start a watch that would then never be stopped.
    if (this.ended) throw new LatchkeyError('CANCELLED', 'Latchkey is closing: keys are no longer watched');
    if (!this.leases.has(holder) && this.leases.size >= KEY_WATCH_MAX_HOLDERS) {
      throw new LatchkeyError('INVALID_REQUEST', `the keys watch is already held by ${String(KEY_WATCH_MAX_HOLDERS)} panels; a closed one lets go within ${String(this.leaseMs / 1000)} s`);
    }
    this.timer.clear(this.leases.get(holder));
    this.leases.set(
      holder,
      this.timer.set(() => {
        this.release(holder);
      }, this.leaseMs),
    );
    this.stop ??= this.start();
  }

  /** Ends `holder`'s lease (unknown holders are ignored); the watch stops with the last one. */
  release(holder: string): void {
    if (!this.leases.has(holder)) return;
    this.timer.clear(this.leases.get(holder));
    this.leases.delete(holder);
    if (this.leases.size > 0) return;
    const stop = this.stop;
    this.stop = undefined;
    stop?.();
  }

  /**
   * Ends every lease and the watch at once, for good: the service's shutdown. A lease left running
   * would keep polling the USB bus (and its timers the process alive) after the app's last window.
   */
  endAll(): void {
    this.ended = true;
    for (const handle of this.leases.values()) this.timer.clear(handle);
    this.leases.clear();
    const stop = this.stop;
    this.stop = undefined;
    stop?.();
  }

  /** How many hold the watch now. */
  get holders(): number {
    return this.leases.size;
  }
}
