import { useCallback, useEffect, useRef, useState } from 'react';
import type { AccountView } from '../../../shared/vault-api.js';
import { errorCode } from '../errors.js';
import { latchkey } from '../latchkey.js';

/** How early the next code is previewed (and the current one turns red). */
export const ENDING_MS = 5000;
/** How often a listing whose codes have all expired (main's clock behind) is asked for again. */
const STALE_RETRY_MS = 5000;

export interface LiveAccounts {
  readonly accounts: readonly AccountView[];
  readonly loaded: boolean;
  /** Milliseconds, one tick a second: what rings and "ending" states are computed from. */
  readonly now: number;
  /** The code after the current one, for rows in their last seconds. */
  readonly nextCodes: ReadonlyMap<string, string>;
  readonly reload: () => void;
  readonly replace: (accounts: readonly AccountView[]) => void;
  /** Why the last fetch failed, when it was not the vault locking (that goes to onLocked). */
  readonly error: unknown;
}

/**
 * The listing and its clock. The list is fetched again only when some code's window has ended, and
 * the next codes only once per window, for the rows entering their last seconds: a quiet vault costs
 * one request per code boundary.
 */
export function useLiveAccounts(onLocked: () => void): LiveAccounts {
  const [accounts, setAccounts] = useState<readonly AccountView[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const [nextCodes, setNextCodes] = useState<ReadonlyMap<string, string>>(new Map());
  const asked = useRef(new Set<string>());
  const [error, setError] = useState<unknown>();
  // When a past boundary last made us fetch: should main's clock lag the page's, the same old listing
  // comes back, and it is asked for again only every few seconds, never every tick, never not at all.
  const lastBoundaryFetch = useRef(0);
  const onFailure = useCallback(
    (caught: unknown) => {
      if (errorCode(caught) === 'VAULT_LOCKED') onLocked();
      else {
        lastBoundaryFetch.current = 0; // try again at the next tick
        setError(caught);
      }
    },
    [onLocked],
  );

  const reload = useCallback(() => {
    latchkey()
      .call('accounts.list', {})
      .then(({ accounts: list }) => {
        asked.current.clear();
        setError(undefined);
        setNextCodes(new Map());
        setAccounts(list);
        setLoaded(true);
      })
      .catch(onFailure);
  }, [onFailure]);
  useEffect(reload, [reload]);
  // Main tells us when accounts change, here or in another process (the CLI); coming back to the
  // window looks again too, in case an event was missed.
  useEffect(() => {
    const stop = latchkey().on('accounts.changed', reload);
    window.addEventListener('focus', reload);
    return () => {
      stop();
      window.removeEventListener('focus', reload);
    };
  }, [reload]);

  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
    }, 1000);
    return () => {
      clearInterval(timer);
    };
  }, []);

  const nextBoundary = accounts.reduce((soonest, a) => (a.validUntil === null ? soonest : Math.min(soonest, a.validUntil * 1000)), Infinity);
  useEffect(() => {
    if (now >= nextBoundary && now - lastBoundaryFetch.current >= STALE_RETRY_MS) {
      lastBoundaryFetch.current = now;
      reload();
    }
  }, [now, nextBoundary, reload]);

  useEffect(() => {
    const ending = accounts.filter((a) => a.validUntil !== null && a.validUntil * 1000 - now <= ENDING_MS && a.validUntil * 1000 > now && !asked.current.has(a.id));
    if (ending.length === 0) return;
    for (const a of ending) asked.current.add(a.id);
    latchkey()
      .call('accounts.nextCodes', { ids: ending.map((a) => a.id) })
      .then(({ codes }) => {
        setNextCodes((previous) => new Map([...previous, ...codes.map((c) => [c.id, c.code] as const)]));
      })
      .catch(onFailure);
  }, [accounts, now, onFailure]);

  const replace = useCallback((list: readonly AccountView[]) => {
    setAccounts(list);
  }, []);

  return { accounts, loaded, now, nextCodes, reload, replace, error };
}
