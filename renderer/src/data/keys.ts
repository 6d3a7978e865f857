import { mutation, query } from './store.js';

/** The keys plugged in (or emulated): read again each time main says one was plugged in or unplugged. */
export const keyList = query('keys.list', (client, _: undefined) => client.call('keys.list', {}), {
  refreshOn: ['keys.changed'],
  refreshOnFocus: true,
});

/** Main watches for keys only while a keys panel holds its lease (on when it opens and renewed, off when it closes). */
export const watchKeys = mutation((client, request: { readonly on: boolean; readonly holder: string }) => client.call('keys.watch', request));

/**
 * What an OATH key holds (names, never secrets) and its room, for one key by serial; read again on a
 * plug or unplug. A key locked by its access password or PIN answers KEY_PIN_REQUIRED.
 */
export const keyCredentials = query('keys.credentials', (client, request: { readonly serial: number }) => client.call('keys.credentials', request), {
  refreshOn: ['keys.changed'],
});

/** A code computed on the key (a touch credential waits for the touch: op.progress needsTouch on `opId`). */
export const calculateOnKey = mutation((client, { pin, ...request }: { readonly serial: number; readonly query: string; readonly opId: string; readonly pin?: string }) =>
  client.call('keys.calculate', { ...request, ...(pin === undefined ? {} : { auth: { pin } }) }),
);

/**
 * Opens a YubiKey's OATH card with its access password: main keeps the access key while the vault is
 * unlocked, so the panel's later reads need no password (the password itself is not kept).
 */
export const unlockKeyWithPassword = mutation((client, request: { readonly serial: number; readonly password: string }) =>
  client.call('keys.credentials', { serial: request.serial, auth: { password: request.password } }),
);

/** A YubiKey's OTP slots, with what Latchkey wrote there (the vault's record): read again after a change or a plug. */
export const keySlots = query('keys.status', (client, request: { readonly serial: number }) => client.call('keys.status', request), {
  refreshOn: ['keys.changed'],
});
/** Empties a slot; `confirmed` only once the user said yes (its secret is gone for good), with the vault password again. */
export const deleteSlot = mutation((client, request: { readonly serial: number; readonly slot: 1 | 2; readonly vaultPassword: string }) => client.call('keys.delete', { ...request, confirmed: true }));
/** Swaps slots 1 and 2 (undone by swapping again). */
export const swapSlots = mutation((client, request: { readonly serial: number }) => client.call('keys.swap', request));
