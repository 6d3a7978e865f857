import { useCallback, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { appData } from './app-store.js';
import { localError, type DataError } from './data-error.js';
import { cacheKey, type MutationDef, type QueryDef, type QuerySnapshot, type Result } from './store.js';

export type { DataError } from './data-error.js';
export type { Result } from './store.js';

export interface QueryState<T> extends QuerySnapshot<T> {
  /** Reads it again now. */
  readonly refresh: () => void;
}

const OFF: QuerySnapshot<never> = { data: undefined, error: undefined, loading: false };

/**
 * A query's reply, kept in step with main (events, focus) while the component shows it; `enabled`
 * false reads nothing (a query that needs the vault unlocked, before it is).
 */
export function useQuery<A, T>(def: QueryDef<A, T>, args: A, { enabled = true }: { enabled?: boolean } = {}): QueryState<T> {
  const key = cacheKey(def.channel, args);
  // The request as first given for this key: a new object with the same fields is the same query.
  const argsRef = useRef({ key, args });
  if (argsRef.current.key !== key) argsRef.current = { key, args };
  const stable = argsRef.current.args;
  const subscribe = useCallback((listener: () => void) => (enabled ? appData.subscribe(def, stable, listener) : () => undefined), [def, stable, enabled]);
  const getSnapshot = useCallback(() => (enabled ? appData.snapshot(def, stable) : OFF), [def, stable, enabled]);
  const snapshot = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
  const refresh = useCallback(() => {
    appData.refresh(def, stable);
  }, [def, stable]);
  return useMemo(() => ({ ...snapshot, refresh }), [snapshot, refresh]);
}

/** Puts `data` in a query's place until its next read: an optimistic change (a reorder being dragged). */
export function setQueryData<A, T>(def: QueryDef<A, T>, args: A, data: T): void {
  appData.set(def, args, data);
}

/** Reads a query again, wherever it is shown. */
export function refreshQuery<A, T>(def: QueryDef<A, T>, args: A): void {
  appData.refresh(def, args);
}

export interface Mutations {
  /** Runs a change. Its failure is also kept in `error` (a lock has already been handled). */
  readonly run: <A, T>(def: MutationDef<A, T>, args: A) => Promise<Result<T>>;
  /** Something is running. */
  readonly busy: boolean;
  /** Why the last run failed (cleared when the next starts); `text` is what to show. */
  readonly error: DataError | undefined;
  /** Says something the page found wrong itself (two passwords that differ), as an error. */
  readonly fail: (text: string, field?: string) => void;
  readonly clearError: () => void;
}

/**
 * The changes a component makes, with one busy flag and one error for all of them: what each screen
 * wrote by hand before (`setBusy(true); try … catch { setError(describeError(…)) } finally …`).
 */
export function useMutation(): Mutations {
  const [running, setRunning] = useState(0);
  const [error, setError] = useState<DataError | undefined>();
  const run = useCallback(async <A, T>(def: MutationDef<A, T>, args: A): Promise<Result<T>> => {
    setRunning((count) => count + 1);
    setError(undefined);
    try {
      const result = await appData.run(def, args);
      if (!result.ok) setError(result.error);
      return result;
    } finally {
      setRunning((count) => count - 1);
    }
  }, []);
  const fail = useCallback((text: string, field?: string) => {
    setError(localError(text, field));
  }, []);
  const clearError = useCallback(() => {
    setError(undefined);
  }, []);
  return { run, busy: running > 0, error, fail, clearError };
}

/** Runs a change outside any component's busy/error state (a report of activity, a batch of next codes). */
export function runMutation<A, T>(def: MutationDef<A, T>, args: A): Promise<Result<T>> {
  return appData.run(def, args);
}

/** Called each time the vault is found locked (the app's screen state listens). */
export function onVaultLocked(listener: () => void): () => void {
  return appData.onLocked(listener);
}

export function noteVaultUnlocked(): void {
  appData.noteUnlocked();
}

/** Follows a query outside React (the app's session follows the vault's status this way). */
export function watchQuery<A, T>(def: QueryDef<A, T>, args: A, onChange: (snapshot: QuerySnapshot<T>) => void): () => void {
  return appData.subscribe(def, args, () => {
    onChange(appData.snapshot(def, args));
  });
}
