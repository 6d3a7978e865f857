import { noteVaultUnlocked, onVaultLocked, refreshQuery, watchQuery } from '../data/hooks.js';
import { vaultStatus } from '../data/vault.js';
import { appState } from './app-state.js';

/**
 * Ties the app's screen to the vault: each status main gives (read at start, on lock and unlock
 * events, on focus) picks the screen, and a lock found anywhere (main's event, or any call refused
 * with VAULT_LOCKED) goes to the unlock screen at once. Called once, before the first render.
 */
export function startSession(store = appState): () => void {
  const stopLock = onVaultLocked(() => {
    store.dispatch({ type: 'locked' });
    // A call may find the lock before main's event arrives: the status is read again either way.
    refreshQuery(vaultStatus, undefined);
  });
  let last: unknown;
  const stopStatus = watchQuery(vaultStatus, undefined, ({ data, error }) => {
    if (data !== undefined && data !== last) {
      last = data;
      if (data.exists && !data.locked) noteVaultUnlocked();
      store.dispatch({ type: 'status', status: data });
    } else if (data === undefined && error !== undefined) {
      store.dispatch({ type: 'status-failed', reason: error.text });
    }
  });
  return () => {
    stopLock();
    stopStatus();
  };
}
