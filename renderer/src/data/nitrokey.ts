import { mutation, query } from './store.js';

/**
 * A Nitrokey 3's Secrets App: its credentials (names, never secrets), room and PIN state. Without
 * `pin`, a key with a PIN lists only the credentials the PIN does not protect (`hiddenByPin`); with
 * it, all of them. The PIN is the user's own typing, kept by the page only while the key's card is
 * shown (forgotten with it), and sent with each read that needs it: the key itself checks it.
 */
export const nitrokeyCredentials = query(
  'keys.credentials',
  (client, request: { readonly serial: number; readonly pin: string | null }) =>
    client.call('keys.credentials', { serial: request.serial, ...(request.pin === null ? {} : { auth: { pin: request.pin } }) }),
  { refreshOn: ['keys.changed'], forgetWhenHidden: true },
);

export type NitrokeyPinRequest = { readonly serial: number; readonly opId: string } & (
  | { readonly action: 'verify'; readonly pin: string }
  | { readonly action: 'set'; readonly newPin: string }
  | { readonly action: 'change'; readonly pin: string; readonly newPin: string }
);

/**
 * Checks, sets (none yet) or changes the key's PIN; a wrong one is KEY_PIN_WRONG saying the tries
 * left. Setting and changing wait for a touch on the key: op.progress on `opId` says so, op.cancel stops it.
 */
export const nitrokeyPin = mutation((client, request: NitrokeyPinRequest) => client.call('keys.pin', request));
