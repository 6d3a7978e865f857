import type { HidBackend, HidDescriptor } from './hid-device.js';

/** A device that appeared or went since the last look. */
export interface HidChange {
  readonly kind: 'added' | 'removed';
  readonly descriptor: HidDescriptor;
}

/** The timer the watcher polls with; injected so tests step it by hand. */
export interface PollTimer {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const systemTimer: PollTimer = {
  // unref: a keys screen left open must not keep the CLI or a test process alive.
  set: (run, ms) => setTimeout(run, ms).unref(),
  clear: (handle) => {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

export interface HidWatcherOptions {
  readonly backend: Pick<HidBackend, 'devices'>;
  /** Which interfaces to watch (e.g. `isYubiKeyOtpInterface`); all when omitted. */
  readonly filter?: (descriptor: HidDescriptor) => boolean;
  readonly intervalMs?: number;
  readonly timer?: PollTimer;
  /** A failed listing (the addon missing, the system refusing) is told here; polling goes on. */
  readonly onError?: (error: unknown) => void;
}

export const DEFAULT_POLL_INTERVAL_MS = 1000;

/** One interface's identity across polls: a hidraw path reused by another key is another device. */
const identity = (d: HidDescriptor) => `${d.path}\u0000${String(d.vendorId)}:${String(d.productId)}\u0000${d.serialNumber ?? ''}\u0000${String(d.interfaceNumber ?? '')}`;

/**
 * Plug and unplug, noticed by polling (node-hid has no hot-plug events). It lists devices only
 * while someone is subscribed (a keys screen, a key operation); with nobody listening it costs
 * nothing. A new subscriber is first told every device already present, as `added`.
 */
export class HidWatcher {
  private readonly listeners = new Set<(change: HidChange) => void>();
  private known = new Map<string, HidDescriptor>();
  private handle: unknown;
  private polling = false;
  private primed = false;
  private readonly intervalMs: number;
  private readonly timer: PollTimer;

  constructor(private readonly options: HidWatcherOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.timer = options.timer ?? systemTimer;
  }

  /** Starts polling for the first subscriber; the returned function unsubscribes (the last one stops it). */
  subscribe(listener: (change: HidChange) => void): () => void {
    this.listeners.add(listener);
    if (this.primed) for (const descriptor of this.known.values()) listener({ kind: 'added', descriptor });
    if (this.listeners.size === 1) void this.poll();
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
      this.timer.clear(this.handle);
      this.handle = undefined;
      // With nobody watching the list goes stale: the next subscriber starts from a fresh listing.
      this.known = new Map();
      this.primed = false;
    };
  }

  /** The devices present at the last poll. */
  current(): HidDescriptor[] {
    return [...this.known.values()];
  }

  /** One listing now; returns once the changes it found have been told. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    this.timer.clear(this.handle);
    try {
      const listed = await this.options.backend.devices();
      if (this.listeners.size > 0) this.apply(listed);
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.polling = false;
      if (this.listeners.size > 0) {
        this.handle = this.timer.set(() => {
          void this.poll();
        }, this.intervalMs);
      }
    }
  }

  private apply(listed: readonly HidDescriptor[]): void {
    const filter = this.options.filter;
    const next = new Map<string, HidDescriptor>();
    for (const descriptor of listed) if (filter === undefined || filter(descriptor)) next.set(identity(descriptor), descriptor);
    const changes: HidChange[] = [];
    for (const [id, descriptor] of this.known) if (!next.has(id)) changes.push({ kind: 'removed', descriptor });
    for (const [id, descriptor] of next) if (!this.known.has(id)) changes.push({ kind: 'added', descriptor });
    this.known = next;
    this.primed = true;
    for (const change of changes) for (const listener of [...this.listeners]) listener(change);
  }
}
