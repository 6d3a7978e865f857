import { useEffect } from 'react';
import { runMutation } from './data/hooks.js';
import { reportActivity } from './data/vault.js';

const REPORT_EVERY_MS = 10_000;

/**
 * Tells main the user is here (keys, clicks, wheel), at most every 10 s, while the component using it
 * is shown (the unlocked app). Doors without the OS's idle clock measure the auto-lock from these; in
 * Electron the OS's idle time is used as well.
 */
export function useActivityReports(): void {
  useEffect(() => {
    let last = 0;
    const report = () => {
      const now = Date.now();
      if (now - last < REPORT_EVERY_MS) return;
      last = now;
      void runMutation(reportActivity, undefined);
    };
    const events = ['keydown', 'pointerdown', 'wheel'] as const;
    for (const name of events) window.addEventListener(name, report, { passive: true });
    return () => {
      for (const name of events) window.removeEventListener(name, report);
    };
  }, []);
}
