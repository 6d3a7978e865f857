import type { RequestOf } from '../../../shared/api.js';
import { mutation, query } from './store.js';

/**
 * Vault settings (issue 18): the key slots, the keyring slot, the vault check, and the changes that
 * each need the vault password again (main checks it: reauth.ts). No request names a path.
 */
export const vaultSlots = query('vault.slots', (client, _: undefined) => client.call('vault.slots', {}), { refreshOn: ['vault.unlocked'] });
/** Also asked while locked: the unlock screen offers the keyring when it holds this vault's key. */
export const keyringStatus = query('vault.keyring.status', (client, _: undefined) => client.call('vault.keyring.status', {}), {
  refreshOn: ['vault.locked', 'vault.unlocked'],
  keepWhenLocked: true,
});

export const changeVaultPassword = mutation((client, request: RequestOf<'vault.changePassword'>) => client.call('vault.changePassword', request));
export const addKeySlot = mutation((client, request: RequestOf<'vault.addKeySlot'>) => client.call('vault.addKeySlot', request));
export const removeSlot = mutation((client, request: RequestOf<'vault.removeSlot'>) => client.call('vault.removeSlot', request));
export const enableKeyring = mutation((client, request: RequestOf<'vault.keyring.enable'>) => client.call('vault.keyring.enable', request));
export const disableKeyring = mutation((client, request: RequestOf<'vault.keyring.disable'>) => client.call('vault.keyring.disable', request));
export const unlockWithKeyring = mutation((client, _: undefined) => client.call('vault.unlockWithKeyring', {}));
export const verifyVault = mutation((client, _: undefined) => client.call('vault.verify', {}));
export const rekeyVault = mutation((client, request: RequestOf<'vault.rekey'>) => client.call('vault.rekey', request));
