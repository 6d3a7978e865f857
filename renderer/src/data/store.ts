import type { LatchkeyClient } from '../../../shared/client.js';
import type { EventName } from '../../../shared/events.js';
import { toDataError, type DataError } from './data-error.js';

/**
 * The page's data layer, without React: every read of main (a query) and every change (a mutation)
 * goes through one DataStore, which
 * - keeps each query's last reply, keyed by its channel and request, shared by every screen showing it;
 * - reads a query again when main says what it shows changed (its `refreshOn` events) or, as the
 *   fail-safe for a missed event, when the window regains focus;
 * - handles VAULT_LOCKED, from any call or as main's `vault.locked` event, in one place: the
 *   replies that needed the vault unlocked are dropped and the lock listeners (the app's screen
 *   state) are told once, however many calls failed with it;
 * - turns every failure into a DataError (a code and a sentence), so screens show errors one way.
 */

/** What a query reads, and when what it read goes out of date. Built with `query()`. */
export interface QueryDef<A, T> {
  /** The channel it reads (with the request, the cache key). */
  readonly channel: string;
  readonly read: (client: LatchkeyClient, args: A) => Promise<T>;
  /** Main's events after which its reply may be out of date. */
  readonly refreshOn: readonly EventName[];
  readonly refreshOnFocus: boolean;
  /** Kept through a lock (the vault's status); every other reply is dropped when the vault locks. */
  readonly keepWhenLocked: boolean;
  /** Dropped as soon as no component shows it (an account's note): not kept in the page longer than shown. */
  readonly forgetWhenHidden: boolean;
}

export function query<A, T>(
  channel: string,
  read: (client: LatchkeyClient, args: A) => Promise<T>,
  options: { refreshOn?: readonly EventName[]; refreshOnFocus?: boolean; keepWhenLocked?: boolean; forgetWhenHidden?: boolean } = {},
): QueryDef<A, T> {
  return {
    channel,
    read,
    refreshOn: options.refreshOn ?? [],
    refreshOnFocus: options.refreshOnFocus ?? false,
    keepWhenLocked: options.keepWhenLocked ?? false,
    forgetWhenHidden: options.forgetWhenHidden ?? false,
  };
}

/** A change (or a one-off read that is not kept): a typed function of the client. Built with `mutation()`. */
export interface MutationDef<A, T> {
  readonly write: (client: LatchkeyClient, args: A) => Promise<T>;
}

export function mutation<A, T>(write: (client: LatchkeyClient, args: A) => Promise<T>): MutationDef<A, T> {
  return { write };
}

export interface QuerySnapshot<T> {
  /** The last reply; kept (with `error` set) when a later read fails. */
  readonly data: T | undefined;
  readonly error: DataError | undefined;
  /** No reply yet and one is being read: what a screen shows as busy. (A refresh is not shown.) */
  readonly loading: boolean;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DataError };

interface Entry {
  readonly def: QueryDef<unknown, unknown>;
  readonly args: unknown;
  snapshot: QuerySnapshot<unknown>;
  readonly listeners: Set<() => void>;
  reading: boolean;
  /** Out of date (an event or a focus came while nobody showed it, or while it was being read). */
  stale: boolean;
  /** Bumped when the vault locks: a read begun before then is dropped when it lands. */
  generation: number;
}

export interface DataStoreOptions {
  readonly client: () => LatchkeyClient;
  /** Calls `refresh` when the window regains focus; returns the way to stop. None: focus is not watched. */
  readonly watchFocus?: (refresh: () => void) => () => void;
}

export interface DataStore {
  /** The query's state now (the same object until it changes, as useSyncExternalStore wants). */
  snapshot<A, T>(def: QueryDef<A, T>, args: A): QuerySnapshot<T>;
  /** Follows the query: the first follower, or one coming to an out-of-date reply, reads it. */
  subscribe<A, T>(def: QueryDef<A, T>, args: A, listener: () => void): () => void;
  /** Reads the query again now (or once the read under way lands). */
  refresh<A, T>(def: QueryDef<A, T>, args: A): void;
  /** Puts `data` in the query's place: an optimistic change, until the next read. */
  set<A, T>(def: QueryDef<A, T>, args: A, data: T): void;
  /** Runs a change; a failure comes back as a DataError (a lock is handled before it returns). */
  run<A, T>(def: MutationDef<A, T>, args: A): Promise<Result<T>>;
  /** Called once each time the vault is found locked, by an event or by a call refused with VAULT_LOCKED. */
  onLocked(listener: () => void): () => void;
  /** The vault is open again (its status said so): a later VAULT_LOCKED is a new lock. */
  noteUnlocked(): void;
}

const IDLE: QuerySnapshot<never> = { data: undefined, error: undefined, loading: false };

export function cacheKey(channel: string, args: unknown): string {
  return args === undefined ? channel : `${channel} ${JSON.stringify(args)}`;
}

export function createDataStore(options: DataStoreOptions): DataStore {
  const entries = new Map<string, Entry>();
  const lockListeners = new Set<() => void>();
  const followedEvents = new Set<EventName>();
  let locked = false;
  let focusWatched = false;

  function setSnapshot(entry: Entry, next: QuerySnapshot<unknown>): void {
    entry.snapshot = next;
    for (const listener of [...entry.listeners]) listener();
  }

  function failed(caught: unknown): DataError {
    const error = toDataError(caught);
    if (error.code === 'VAULT_LOCKED') vaultLocked();
    return error;
  }

  function vaultLocked(): void {
    if (locked) return;
    locked = true;
    for (const entry of entries.values()) {
      if (entry.def.keepWhenLocked) continue;
      // What the page held while unlocked goes (codes, names): the next follower reads it afresh.
      entry.generation++;
      entry.stale = true;
      setSnapshot(entry, { data: undefined, error: undefined, loading: entry.listeners.size > 0 });
    }
    for (const listener of [...lockListeners]) listener();
  }

  function read(entry: Entry): void {
    if (entry.reading) {
      // What is being read may predate the change: read again once it lands.
      entry.stale = true;
      return;
    }
    entry.reading = true;
    entry.stale = false;
    const generation = entry.generation;
    if (entry.snapshot.data === undefined && !entry.snapshot.loading) setSnapshot(entry, { ...entry.snapshot, loading: true });
    let reply: Promise<unknown>;
    try {
      reply = entry.def.read(options.client(), entry.args);
    } catch (caught) {
      reply = Promise.reject(caught instanceof Error ? caught : new Error(String(caught)));
    }
    reply.then(
      (data) => {
        landed(entry, generation, { data, error: undefined, loading: false });
      },
      (caught: unknown) => {
        const error = failed(caught);
        landed(entry, generation, { data: entry.snapshot.data, error, loading: false });
      },
    );
  }

  function landed(entry: Entry, generation: number, next: QuerySnapshot<unknown>): void {
    entry.reading = false;
    if (generation === entry.generation) setSnapshot(entry, next);
    if (entry.stale && shouldRead(entry)) read(entry);
  }

  /** Shown, and not one that would only be refused while the vault is known to be locked. */
  function shouldRead(entry: Entry): boolean {
    return entry.listeners.size > 0 && (!locked || entry.def.keepWhenLocked);
  }

  /** Marks the entry out of date, reading it now if it is shown. */
  function invalidate(entry: Entry): void {
    entry.stale = true;
    if (shouldRead(entry)) read(entry);
  }

  function vaultUnlocked(): void {
    if (!locked) return;
    locked = false;
    for (const entry of [...entries.values()]) if (entry.stale && shouldRead(entry)) read(entry);
  }

  function onEvent(name: EventName): void {
    if (name === 'vault.locked') vaultLocked();
    if (name === 'vault.unlocked') vaultUnlocked();
    for (const entry of [...entries.values()]) if (entry.def.refreshOn.includes(name)) invalidate(entry);
  }

  function follow(def: QueryDef<unknown, unknown>): void {
    for (const name of ['vault.locked', ...def.refreshOn] as const) {
      if (followedEvents.has(name)) continue;
      followedEvents.add(name);
      options.client().on(name, () => {
        onEvent(name);
      });
    }
    if (def.refreshOnFocus && !focusWatched && options.watchFocus !== undefined) {
      focusWatched = true;
      options.watchFocus(() => {
        for (const entry of [...entries.values()]) if (entry.def.refreshOnFocus) invalidate(entry);
      });
    }
  }

  function entryFor<A, T>(def: QueryDef<A, T>, args: A): Entry {
    const key = cacheKey(def.channel, args);
    let entry = entries.get(key);
    if (entry === undefined) {
      const general = def as unknown as QueryDef<unknown, unknown>;
      entry = { def: general, args, snapshot: IDLE, listeners: new Set(), reading: false, stale: true, generation: 0 };
      entries.set(key, entry);
      follow(general);
    }
    return entry;
  }

  return {
    snapshot<A, T>(def: QueryDef<A, T>, args: A): QuerySnapshot<T> {
      const entry = entryFor(def, args);
      // Before the first read, a query is loading from the first render on: no "empty" flash.
      if (entry.snapshot === IDLE) entry.snapshot = { ...IDLE, loading: true };
      return entry.snapshot as QuerySnapshot<T>;
    },
    subscribe(def, args, listener) {
      const entry = entryFor(def, args);
      entry.listeners.add(listener);
      if (entry.stale) read(entry);
      return () => {
        entry.listeners.delete(listener);
        if (entry.listeners.size === 0 && def.forgetWhenHidden) {
          // A read still under way lands in an entry no longer in the cache.
          entry.generation++;
          entries.delete(cacheKey(def.channel, args));
        }
      };
    },
    refresh(def, args) {
      invalidate(entryFor(def, args));
    },
    set(def, args, data) {
      const entry = entryFor(def, args);
      setSnapshot(entry, { data, error: undefined, loading: false });
    },
    async run(def, args) {
      try {
        return { ok: true, value: await def.write(options.client(), args) };
      } catch (caught) {
        return { ok: false, error: failed(caught) };
      }
    },
    onLocked(listener) {
      lockListeners.add(listener);
      return () => {
        lockListeners.delete(listener);
      };
    },
    noteUnlocked() {
      vaultUnlocked();
    },
  };
}
