import type { RequestOf } from '../../../shared/api.js';
import { callEarly } from './early.js';
import { mutation, query } from './store.js';

/** Whether a vault exists and is unlocked: kept through a lock, read again on every lock and unlock. */
export const vaultStatus = query('vault.status', () => callEarly('vault.status'), {
  refreshOn: ['vault.locked', 'vault.unlocked'],
  refreshOnFocus: true,
  keepWhenLocked: true,
});

export const createVault = mutation((client, request: RequestOf<'vault.create'>) => client.call('vault.create', request));
export const unlockVault = mutation((client, request: RequestOf<'vault.unlock'>) => client.call('vault.unlock', request));
export const lockVault = mutation((client, _: undefined) => client.call('vault.lock', {}));
/** Main asks where (its own dialog) and writes a new 0600 file; the page names no path. */
export const saveRecoveryKey = mutation((client, recoveryKey: string) => client.call('vault.saveRecoveryKey', { recoveryKey }));
/** After a recovery unlock. `dropMissingKeySlots`: the user chose to remove the YubiKey slots whose key is not plugged in. */
export const changePassword = mutation((client, request: { next: string; opId?: string; dropMissingKeySlots?: boolean }) => client.call('vault.changePassword', request));
export const issueRecoveryKey = mutation((client, request: RequestOf<'vault.recoveryKey'>) => client.call('vault.recoveryKey', request));
/** Not a query: a password is never kept as a cache key. */
export const estimatePassword = mutation((client, password: string) => client.call('password.estimate', { password }));
/** Tells main the user is here (doors without the OS's idle clock measure the auto-lock from these). */
export const reportActivity = mutation((client, _: undefined) => client.call('app.activity', {}));
export const cancelOperation = mutation((client, opId: string) => client.call('op.cancel', { opId }));
