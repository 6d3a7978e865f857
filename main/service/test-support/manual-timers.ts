import type { TestClock } from '../../vault/test-support/test-runtime.js';
import type { Timers } from '../backup/auto-backup.js';

/** Timers moved by hand against a test clock: nothing runs until `advance` says time has passed. */
export function manualTimers(clock: TestClock) {
  const pending = new Map<number, { at: number; run: () => void }>();
  let next = 1;
  const timers: Timers = {
    setTimeout: (run, ms) => {
      const handle = next++;
      pending.set(handle, { at: clock.now() + ms, run });
      return handle;
    },
    clearTimeout: (handle) => {
      pending.delete(handle as number);
    },
  };
  return {
    timers,
    /** How many timers are armed. */
    count: () => pending.size,
    /** When each armed timer is due (unix ms), soonest first. */
    dueTimes: () => [...pending.values()].map((timer) => timer.at).sort((a, b) => a - b),
    /** Moves the clock by `ms`, running each timer at its due moment, in order (also those armed meanwhile). */
    advance: (ms: number) => {
      const end = clock.now() + ms;
      for (;;) {
        const due = [...pending].filter(([, timer]) => timer.at <= end).sort(([, a], [, b]) => a.at - b.at)[0];
        if (due === undefined) break;
        const [handle, timer] = due;
        pending.delete(handle);
        clock.advance(Math.max(0, timer.at - clock.now()));
        timer.run();
      }
      clock.advance(end - clock.now());
    },
  };
}
