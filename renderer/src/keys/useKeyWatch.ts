import { useEffect } from 'react';
import { runMutation } from '../data/hooks.js';
import { watchKeys } from '../data/keys.js';

/** Asked again this soon when a renewal failed (main busy, the vault locked): the lease may still hold. */
const RETRY_MS = 2000;

/** 16 random bytes as hex (getRandomValues: randomUUID needs a secure context, which the Chromium fallback's page is not). */
function newHolderId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Holds main's plug watch (keys.watch) while the calling panel is shown: under an id of its own,
 * renewed at half the lease main grants, released when the panel closes or the page goes away. A
 * page that reloads or dies without a word stops renewing, and main ends the watch when the lease
 * runs out; another window's panel keeps its own.
 */
export function useKeyWatch(): void {
  useEffect(() => {
    const holder = newHolderId();
    let renewal: ReturnType<typeof setTimeout> | undefined;
    let shown = true;
    const hold = async () => {
      const result = await runMutation(watchKeys, { on: true, holder });
      if (!shown) return;
      renewal = setTimeout(() => void hold(), result.ok ? result.value.leaseMs / 2 : RETRY_MS);
    };
    const release = () => {
      void runMutation(watchKeys, { on: false, holder });
    };
    void hold();
    // A reload or a closed window: said at once when the page still can (the lease covers when it can't).
    window.addEventListener('pagehide', release);
    return () => {
      shown = false;
      clearTimeout(renewal);
      window.removeEventListener('pagehide', release);
      release();
    };
  }, []);
}
