import { useCallback, useEffect, useRef, useState } from 'react';
import type { AccountView } from '../../../shared/vault-api.js';
import { callEarly } from '../early.js';
import { errorCode } from '../errors.js';
import { latchkey } from '../latchkey.js';

/** How early the next code is previewed (and the current one turns red). */
export const ENDING_MS = 5000;
/** How often a listing whose codes have all expired (main's clock behind) is asked for again. */
const STALE_RETRY_MS = 5000;
/** How soon a failed fetch is tried again, when it was due to a code's window ending. */
const FAILED_RETRY_MS = 1000;
/** More rows than the first screen shows (with the list's overscan), at the top of the list. */
const FIRST_SCREEN_ROWS = 32;

/**
 * The next codes of the rows at the top of a list just opened that are in their last seconds: asked
 * for before the list is first shown, so that no row grows (its next code appearing) just after.
 * None when that fails: the rows then ask for them themselves.
 */
async function firstScreenNextCodes(list: readonly AccountView[]): Promise<readonly { id: string; code: string }[]> {
  const now = Date.now();
  const ids = list
    .slice(0, FIRST_SCREEN_ROWS)
    .filter((a) => a.validUntil !== null && a.validUntil * 1000 > now && a.validUntil * 1000 - now <= ENDING_MS)
    .map((a) => a.id);
  if (ids.length === 0) return [];
  try {
    return (await latchkey().call('accounts.nextCodes', { ids })).codes;
  } catch {
    return [];
  }
}

/**
 * The next moment, after `now`, at which what the list shows changes: a row entering its last
 * seconds (it turns red and previews its next code) or a code's window ending (the list is fetched
 * again). Should a window have ended already (main's clock behind the page's), the retry of that
 * fetch, at `retryAt`. Undefined when nothing will change (no timed codes).
 */
export function nextChangeAt(accounts: readonly Pick<AccountView, 'validUntil'>[], now: number, retryAt: number): number | undefined {
  let next = Infinity;
  for (const account of accounts) {
    if (account.validUntil === null) continue;
    const end = account.validUntil * 1000;
    if (end <= now) next = Math.min(next, Math.max(retryAt, now));
    else if (end - ENDING_MS > now) next = Math.min(next, end - ENDING_MS);
    else next = Math.min(next, end);
  }
  return next === Infinity ? undefined : next;
}

export interface LiveAccounts {
  readonly accounts: readonly AccountView[];
  readonly loaded: boolean;
  /** Milliseconds: what "ending" states are computed from. Moves only when something shown changes (see nextChangeAt). */
  readonly now: number;
  /** The code after the current one, for rows in their last seconds that asked for it. */
  readonly nextCodes: ReadonlyMap<string, string>;
  /**
   * Asks for `account`'s next code, once per window: called by the rows on screen as they enter their
   * last seconds, and sent together (one request for all the rows of a render).
   */
  readonly wantNextCode: (account: AccountView) => void;
  readonly reload: () => void;
  readonly replace: (accounts: readonly AccountView[]) => void;
  /** Why the last fetch failed, when it was not the vault locking (that goes to onLocked). */
  readonly error: unknown;
}

/**
 * The listing and its clock. The list is fetched again only when some code's window has ended, and
 * the next codes only once per window, for the rows on screen entering their last seconds: a quiet
 * vault costs one request per code boundary, and one for the rows shown that are ending.
 */
export function useLiveAccounts(onLocked: () => void): LiveAccounts {
  const [accounts, setAccounts] = useState<readonly AccountView[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const [nextCodes, setNextCodes] = useState<ReadonlyMap<string, string>>(new Map());
  const asked = useRef(new Set<string>());
  const wanted = useRef(new Set<string>());
  // Counts the listings taken: next codes asked for before the latest one are for windows gone.
  const generation = useRef(0);
  const [error, setError] = useState<unknown>();
  // When a past boundary last made us fetch: should main's clock lag the page's, the same old listing
  // comes back, and it is asked for again only every few seconds, never every tick, never not at all.
  const lastBoundaryFetch = useRef(0);
  const onFailure = useCallback(
    (caught: unknown) => {
      if (errorCode(caught) === 'VAULT_LOCKED') onLocked();
      else {
        // Try again in a second, should a code's window have ended meanwhile.
        lastBoundaryFetch.current = Date.now() - STALE_RETRY_MS + FAILED_RETRY_MS;
        setError(caught);
      }
    },
    [onLocked],
  );

  const reload = useCallback(() => {
    const opening = generation.current === 0;
    callEarly('accounts.list')
      .then(({ accounts: list }) => (opening ? firstScreenNextCodes(list) : Promise.resolve([])).then((next) => ({ list, next })))
      .then(({ list, next }) => {
        generation.current++;
        asked.current = new Set(next.map((c) => c.id));
        setError(undefined);
        setNextCodes(new Map(next.map((c) => [c.id, c.code])));
        setAccounts(list);
        setNow(Date.now());
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

  const nextBoundary = accounts.reduce((soonest, a) => (a.validUntil === null ? soonest : Math.min(soonest, a.validUntil * 1000)), Infinity);
  useEffect(() => {
    if (now >= nextBoundary && now - lastBoundaryFetch.current >= STALE_RETRY_MS) {
      lastBoundaryFetch.current = now;
      reload();
    }
  }, [now, nextBoundary, reload]);

  const wantNextCode = useCallback(
    (account: AccountView) => {
      if (account.validUntil === null || account.validUntil * 1000 <= Date.now() || asked.current.has(account.id)) return;
      asked.current.add(account.id);
      wanted.current.add(account.id);
      if (wanted.current.size > 1) return;
      queueMicrotask(() => {
        const ids = [...wanted.current];
        wanted.current.clear();
        const listing = generation.current;
        latchkey()
          .call('accounts.nextCodes', { ids })
          .then(({ codes }) => {
            if (listing !== generation.current) return;
            setNextCodes((previous) => new Map([...previous, ...codes.map((c) => [c.id, c.code] as const)]));
          })
          .catch(onFailure);
      });
    },
    [onFailure],
  );

  // No ticking clock: one timer, for the next moment the list must change (declared after the
  // effects above, so it sees the boundary fetch they may have just made).
  useEffect(() => {
    const at = nextChangeAt(accounts, now, lastBoundaryFetch.current + STALE_RETRY_MS);
    if (at === undefined) return;
    const timer = setTimeout(() => {
      setNow(Date.now());
    }, Math.max(0, at - Date.now()));
    return () => {
      clearTimeout(timer);
    };
  }, [accounts, now, error]);

  const replace = useCallback((list: readonly AccountView[]) => {
    setAccounts(list);
  }, []);

  return { accounts, loaded, now, nextCodes, wantNextCode, reload, replace, error };
}
