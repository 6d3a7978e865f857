import { createHmac, randomBytes } from 'node:crypto';
import type { Timers } from './backup/auto-backup.js';
import type { Clock } from './handler-types.js';

/** The system clipboard as the service sees it (Electron's `clipboard` in the app, a fake in tests). */
export interface Clipboard {
  /** `concealed`: ask clipboard managers not to keep it (SECURITY-NOTES §4), where the OS offers it. */
  write(text: string, options: { concealed: boolean }): Promise<void> | void;
  read(): Promise<string> | string;
}

export const DEFAULT_CLEAR_AFTER_MS = 30_000;

/**
 * Copies codes, never secrets, and clears them: after a delay (the user's setting, read at each copy)
 * or when the code expires if that is sooner, on lock and on quit, and only if the clipboard still
 * holds what we wrote (compared by a keyed hash, so the code itself is not kept around).
 */
export class ClipboardGuard {
  private readonly key = randomBytes(32);
  private ours: string | undefined;
  private timer: unknown;
  private clearing: Promise<void> = Promise.resolve();

  constructor(
    private readonly clipboard: Clipboard,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly clearAfterMs: () => number = () => DEFAULT_CLEAR_AFTER_MS,
  ) {}

  /** Copies `code`; returns when it will be cleared (unix ms). */
  async copy(code: string, expiresAtMs: number | null): Promise<number> {
    const clearAfterMs = this.clearAfterMs();
    this.cancel();
    await this.clipboard.write(code, { concealed: true });
    this.ours = this.digest(code);
    const clearAt = Math.min(this.clock.now() + clearAfterMs, expiresAtMs ?? Infinity);
    this.timer = this.timers.setTimeout(() => {
      void this.clearIfOurs();
    }, Math.max(0, clearAt - this.clock.now()));
    return clearAt;
  }

  /** Clears the clipboard if it still holds our code. `settled()` waits for every clear started so far. */
  clearIfOurs(): Promise<void> {
    const clearing = this.clear();
    this.clearing = Promise.all([this.clearing, clearing.catch(() => undefined)]).then(() => undefined);
    return clearing;
  }

  /**
   * Resolves once every clear started so far has finished, whether it worked or not (never rejects).
   * The app's quit waits for this: a clear that reads the clipboard asynchronously outlives lock().
   */
  settled(): Promise<void> {
    return this.clearing;
  }

  private async clear(): Promise<void> {
    this.cancel();
    const ours = this.ours;
    this.ours = undefined;
    if (ours !== undefined && this.digest(await this.clipboard.read()) === ours) await this.clipboard.write('', { concealed: false });
  }

  private cancel(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private digest(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('hex');
  }
}
