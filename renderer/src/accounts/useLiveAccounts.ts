import { useCallback, useEffect, useRef, useState } from 'react';
import type { AccountView } from '../../../shared/vault-api.js';
import { accountListing, ENDING_MS, nextCodes as askNextCodes, type Listing } from '../data/accounts.js';
import { runMutation, useQuery, type DataError } from '../data/hooks.js';

export { ENDING_MS } from '../data/accounts.js';
/** How often a listing whose codes have all expired (main's clock behind) is asked for again. */
const STALE_RETRY_MS = 5000;
/** How soon a failed fetch is tried again, when it was due to a code's window ending. */
const FAILED_RETRY_MS = 1000;
const NONE: readonly AccountView[] = [];

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
  /** Shows the accounts in this order until the next listing (a reorder being dragged or saved). */
  readonly replace: (accounts: readonly AccountView[]) => void;
  /** Why the last fetch failed (a lock is not: the data layer takes the app to the lock screen). */
  readonly error: DataError | undefined;
}

/** What the list shows of one listing: when it was taken (then moved by the one timer) and the next codes known. */
interface Clock {
  readonly listing: Listing | undefined;
  readonly now: number;
  readonly nextCodes: ReadonlyMap<string, string>;
}

function clockFor(listing: Listing | undefined): Clock {
  return { listing, now: Date.now(), nextCodes: new Map(listing?.firstNext.map((c) => [c.id, c.code])) };
}

/**
 * The listing (data/accounts.ts: read again when accounts change) and its clock. The list is fetched
 * again only when some code's window has ended, and the next codes only once per window, for the rows
 * on screen entering their last seconds: a quiet vault costs one request per code boundary, and one
 * for the rows shown that are ending.
 */
export function useLiveAccounts(): LiveAccounts {
  const { data: listing, error, refresh: reload } = useQuery(accountListing, undefined);
  const [clock, setClock] = useState(() => clockFor(listing));
  const asked = useRef<{ listing: Listing | undefined; ids: Set<string> }>({ listing, ids: new Set(listing?.firstNext.map((c) => c.id)) });
  let current = clock;
  if (clock.listing !== listing) {
    // A new listing: its own clock and next codes, in this same render (no frame of the old ones).
    current = clockFor(listing);
    setClock(current);
  }
  if (asked.current.listing !== listing) asked.current = { listing, ids: new Set(listing?.firstNext.map((c) => c.id)) };
  const wanted = useRef(new Set<string>());
  const [order, setOrder] = useState<{ listing: Listing; accounts: readonly AccountView[] } | undefined>();
  const accounts = listing === undefined ? NONE : order?.listing === listing ? order.accounts : listing.accounts;
  const { now } = current;

  // When a past boundary last made us fetch: should main's clock lag the page's, the same old listing
  // comes back, and it is asked for again only every few seconds, never every tick, never not at all.
  const lastBoundaryFetch = useRef(0);
  useEffect(() => {
    // Try again in a second, should a code's window have ended meanwhile.
    if (error !== undefined) lastBoundaryFetch.current = Date.now() - STALE_RETRY_MS + FAILED_RETRY_MS;
  }, [error]);

  const nextBoundary = accounts.reduce((soonest, a) => (a.validUntil === null ? soonest : Math.min(soonest, a.validUntil * 1000)), Infinity);
  useEffect(() => {
    if (now >= nextBoundary && now - lastBoundaryFetch.current >= STALE_RETRY_MS) {
      lastBoundaryFetch.current = now;
      reload();
    }
  }, [now, nextBoundary, reload]);

  const wantNextCode = useCallback((account: AccountView) => {
    const ids = asked.current.ids;
    if (account.validUntil === null || account.validUntil * 1000 <= Date.now() || ids.has(account.id)) return;
    ids.add(account.id);
    wanted.current.add(account.id);
    if (wanted.current.size > 1) return;
    queueMicrotask(() => {
      const batch = [...wanted.current];
      wanted.current.clear();
      const of = asked.current.listing;
      void runMutation(askNextCodes, batch).then((result) => {
        if (!result.ok) return;
        // Next codes asked for before a newer listing are for windows gone.
        setClock((previous) => (previous.listing === of ? { ...previous, nextCodes: new Map([...previous.nextCodes, ...result.value.codes.map((c) => [c.id, c.code] as const)]) } : previous));
      });
    });
  }, []);

  // No ticking clock: one timer, for the next moment the list must change (declared after the
  // effects above, so it sees the boundary fetch they may have just made).
  useEffect(() => {
    const at = nextChangeAt(accounts, now, lastBoundaryFetch.current + STALE_RETRY_MS);
    if (at === undefined) return;
    const timer = setTimeout(() => {
      setClock((previous) => ({ ...previous, now: Date.now() }));
    }, Math.max(0, at - Date.now()));
    return () => {
      clearTimeout(timer);
    };
  }, [accounts, now, error]);

  const replace = useCallback(
    (list: readonly AccountView[]) => {
      if (listing !== undefined) setOrder({ listing, accounts: list });
    },
    [listing],
  );

  return { accounts, loaded: listing !== undefined, now, nextCodes: current.nextCodes, wantNextCode, reload, replace, error };
}
