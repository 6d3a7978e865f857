import type { Timers } from '../service/index.js';

/** What the quit guard needs of Electron's `app` (typed so tests pass a fake). */
export interface QuittingApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

export interface QuitGuardOptions {
  /** Locks and resolves once the clipboard is cleared (Service.shutdown). */
  readonly shutdown: () => Promise<void>;
  /** Told once, as the first quit begins (before the lock), so lock listeners know it is a quit. */
  readonly onQuitting?: () => void;
  /** The longest a quit waits for the shutdown; a clipboard that never answers must not keep the app open. */
  readonly timeoutMs?: number;
  /** Defaults to Node's timers; tests move time by hand. */
  readonly timers?: Timers;
  /** Told when the shutdown fails or times out; the app quits anyway. */
  readonly onError?: (error: unknown) => void;
}

export const QUIT_TIMEOUT_MS = 2_000;

const nodeTimers: Timers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/**
 * The app's quit locks the vault and waits for the clipboard clear that the lock starts (Electron's
 * clipboard read may be a promise): the first `before-quit` is held back (preventDefault) while the
 * shutdown runs, then `app.quit()` is called again and goes through. A quit asked for meanwhile waits
 * for the same shutdown.
 */
export function guardQuit(app: QuittingApp, options: QuitGuardOptions): void {
  let state: 'running' | 'shutting-down' | 'done' = 'running';
  const timeoutMs = options.timeoutMs ?? QUIT_TIMEOUT_MS;
  const timers = options.timers ?? nodeTimers;
  app.on('before-quit', (event) => {
    if (state === 'done') return;
    event.preventDefault();
    if (state === 'shutting-down') return;
    state = 'shutting-down';
    options.onQuitting?.();
    void shutdownWithin(options.shutdown, timeoutMs, timers)
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        state = 'done';
        app.quit();
      });
  });
}

async function shutdownWithin(shutdown: () => Promise<void>, timeoutMs: number, timers: Timers): Promise<void> {
  let handle: unknown;
  const timeout = new Promise<never>((_resolve, reject) => {
    handle = timers.setTimeout(() => {
      reject(new Error(`the shutdown took longer than ${String(timeoutMs)} ms; quitting anyway`));
    }, timeoutMs);
  });
  try {
    // Called inside the race: a shutdown that throws at once is caught like one that rejects.
    await Promise.race([Promise.resolve().then(shutdown), timeout]);
  } finally {
    timers.clearTimeout(handle);
  }
}
