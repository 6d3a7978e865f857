import { mutation } from './store.js';

/*
 * The keys panel's writes to a YubiKey (issue 18): its OTP slots programmed, and the accounts on its
 * OATH card added, renamed, deleted, reset and locked by an access password. Mutations only: no reply
 * is kept by the store, so a generated challenge-response key lives in the one component that shows it.
 */

/**
 * A slot made to type a vault HOTP account's codes. The account's secret leaves the vault, so main
 * checks the vault password typed again (`afterReauth`); `overwrite` only after the user said yes.
 */
export const programHotpSlot = mutation(
  (client, request: { readonly serial: number; readonly slot: 1 | 2; readonly accountId: string; readonly vaultPassword: string; readonly overwrite: boolean; readonly opId: string }) =>
    client.call('keys.program', {
      serial: request.serial,
      slot: request.slot,
      overwrite: request.overwrite,
      opId: request.opId,
      credential: { kind: 'hotp', accountId: request.accountId, vaultPassword: request.vaultPassword },
    }),
);

/**
 * A slot made to answer HMAC-SHA1 challenges with a key main draws at random: the reply carries it
 * this once (`generatedKeyHex`), so the user can put the same key on a backup YubiKey. Overwriting a
 * programmed slot takes the vault password again (the renderer door refuses it otherwise).
 */
export const programChallengeSlot = mutation(
  (client, request: { readonly serial: number; readonly slot: 1 | 2; readonly touch: boolean; readonly overwrite: boolean; readonly vaultPassword?: string; readonly opId: string }) =>
    client.call('keys.program', {
      serial: request.serial,
      slot: request.slot,
      overwrite: request.overwrite,
      ...(request.vaultPassword === undefined ? {} : { vaultPassword: request.vaultPassword }),
      opId: request.opId,
      credential: { kind: 'challenge-response', touch: request.touch },
    }),
);

/**
 * Vault accounts copied onto the key's OATH card (the vault password again: their secrets leave the
 * vault). A name the key holds already is KEY_CREDENTIAL_EXISTS unless `overwrite`.
 */
export const putOnKey = mutation(
  (client, request: { readonly serial: number; readonly accountIds: readonly string[]; readonly vaultPassword: string; readonly touch: boolean; readonly overwrite: boolean; readonly opId: string }) =>
    client.call('keys.put', { ...request, accountIds: [...request.accountIds] }),
);

/** A credential on the key given a new issuer and name (its period stays). */
export const renameOnKey = mutation((client, request: { readonly serial: number; readonly name: string; readonly issuer: string; readonly label: string; readonly opId: string }) =>
  client.call('keys.rename', request),
);

/** One credential taken off the key, by its exact name (the vault password again); the vault's account stays. */
export const deleteFromKey = mutation((client, request: { readonly serial: number; readonly name: string; readonly vaultPassword: string; readonly opId: string }) =>
  client.call('keys.deleteCredential', request),
);

/** Erases every credential on the key's OATH card and its access password (the vault password again); sent only after the user saw what goes. */
export const resetOathCard = mutation((client, request: { readonly serial: number; readonly vaultPassword: string; readonly opId: string }) =>
  client.call('keys.reset', { ...request, confirmed: true }),
);

/**
 * Sets, changes or clears the OATH card's access password. `current` is the password it has now (a
 * wrong one is KEY_PIN_WRONG, the key unchanged); main then holds the new access key while the vault
 * is unlocked, never the password.
 */
export const setKeyAccessPassword = mutation(
  (client, request: { readonly serial: number; readonly current: string | undefined; readonly newPassword: string | undefined; readonly opId: string }) =>
    client.call('keys.password', {
      serial: request.serial,
      opId: request.opId,
      ...(request.current === undefined ? {} : { auth: { password: request.current } }),
      ...(request.newPassword === undefined ? { action: 'clear' as const } : { action: 'set' as const, newPassword: request.newPassword }),
    }),
);
