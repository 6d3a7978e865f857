import { useSyncExternalStore } from 'react';
import type { VaultStatus } from '../../../shared/vault-api.js';
import type { PendingUndo } from './panel-props.js';
import type { PanelName, PanelParams } from './panels.js';

export type { PendingUndo } from './panel-props.js';

/** The screen the window shows: decided by the vault's status (and a lock found by any call). */
export type ScreenName = 'starting' | 'unreachable' | 'first-run' | 'unlock' | 'accounts';

/** A panel (a dialog over the accounts) with what it was opened on: one entry of PANELS each. */
export type OpenPanel = { [K in PanelName]: { readonly name: K; readonly params: PanelParams<K> } }[PanelName];

export interface AppState {
  readonly screen: ScreenName;
  readonly status: VaultStatus | undefined;
  /** Why the status could not be read (the 'unreachable' screen). */
  readonly failure: string;
  /** First run is showing the new vault's recovery key: a status saying the vault exists must not take it away. */
  readonly holdFirstRun: boolean;
  readonly panel: OpenPanel | undefined;
  /** What the accounts screen last said (copied, added, moved), read out politely. */
  readonly notice: string;
  readonly undo: PendingUndo | undefined;
}

export type AppAction =
  | { readonly type: 'status'; readonly status: VaultStatus }
  | { readonly type: 'status-failed'; readonly reason: string }
  | { readonly type: 'locked' }
  | { readonly type: 'vault-created' }
  | { readonly type: 'first-run-done' }
  | { readonly type: 'open'; readonly panel: OpenPanel }
  | { readonly type: 'close' }
  | { readonly type: 'notice'; readonly text: string }
  | { readonly type: 'removed'; readonly pending: PendingUndo }
  | { readonly type: 'undo-done'; readonly notice?: string };

export const INITIAL_STATE: AppState = { screen: 'starting', status: undefined, failure: '', holdFirstRun: false, panel: undefined, notice: '', undo: undefined };

function screenFor(status: VaultStatus): ScreenName {
  if (!status.exists) return 'first-run';
  return status.locked ? 'unlock' : 'accounts';
}

/** Leaving the accounts: whatever was open over them (a revealed secret, a pending undo) goes. */
function leaving(state: AppState, screen: ScreenName): AppState {
  return { ...state, screen, panel: undefined, notice: '', undo: undefined };
}

export function appReducer(state: AppState, action: AppAction): AppState {
  switch (action.type) {
    case 'status': {
      const { status } = action;
      if (state.screen === 'first-run' && state.holdFirstRun) return { ...state, status, failure: '' };
      const screen = screenFor(status);
      const next = { ...state, status, failure: '' };
      if (screen === state.screen) return next;
      if (screen !== 'accounts') return leaving(next, screen);
      // Opened with the recovery key: offer a new password and a new key, once per such unlock.
      return { ...next, screen, panel: status.unlockedBy === 'recovery' ? { name: 'recovery', params: {} } : undefined };
    }
    case 'status-failed':
      // Once a status is known, a failed refresh changes nothing: the screen stays as it was.
      return state.status === undefined ? { ...state, screen: 'unreachable', failure: action.reason } : state;
    case 'locked':
      return state.screen === 'accounts' ? leaving(state, 'unlock') : state;
    case 'vault-created':
      return { ...state, holdFirstRun: true };
    case 'first-run-done':
      return { ...state, holdFirstRun: false };
    case 'open':
      return state.screen === 'accounts' ? { ...state, panel: action.panel } : state;
    case 'close':
      return { ...state, panel: undefined };
    case 'notice':
      return { ...state, notice: action.text };
    case 'removed':
      return { ...state, panel: undefined, undo: action.pending };
    case 'undo-done':
      return { ...state, undo: undefined, notice: action.notice ?? state.notice };
  }
}

export interface AppStateStore {
  readonly get: () => AppState;
  readonly dispatch: (action: AppAction) => void;
  readonly subscribe: (listener: () => void) => () => void;
}

export function createAppStateStore(initial: AppState = INITIAL_STATE): AppStateStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    dispatch(action) {
      const next = appReducer(state, action);
      if (next === state) return;
      state = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** The window's one app state. */
export const appState = createAppStateStore();
export const dispatch = appState.dispatch;

export function useAppState(): AppState {
  return useSyncExternalStore(appState.subscribe, appState.get, appState.get);
}

export function openPanel<K extends PanelName>(name: K, params: PanelParams<K>): void {
  dispatch({ type: 'open', panel: { name, params } as OpenPanel });
}

export function closePanel(): void {
  dispatch({ type: 'close' });
}

export function notify(text: string): void {
  dispatch({ type: 'notice', text });
}
