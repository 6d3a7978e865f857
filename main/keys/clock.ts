/**
 * Time as the key drivers see it. Injected so that a touch timeout of 15 s, or a key that stays busy
 * forever, costs no real time in tests: a fake clock advances `now` when it is asked to sleep.
 */
export interface KeyClock {
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (it never rejects: the caller checks the signal). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemKeyClock: KeyClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted === true) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * A clock for tests and benchmarks: sleeping advances `now` at once and yields to the event loop
 * (one macrotask), so a 20 s touch timeout runs in microseconds and stays in order with real I/O.
 */
export function createManualClock(start = 0): KeyClock & { slept: number } {
  const clock = {
    current: start,
    slept: 0,
    now: () => clock.current,
    sleep: (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted !== true) {
          clock.current += ms;
          clock.slept += ms;
        }
        setImmediate(resolve);
      }),
  };
  return clock;
}
