import type { ReplyOf, RequestOf } from '../../../shared/api.js';
import type { EventOf } from '../../../shared/events.js';
import { latchkey } from './client.js';
import { mutation, query } from './store.js';

export type SyncPlanReply = ReplyOf<'keys.syncPlan'>;
export type SyncApplyReply = ReplyOf<'keys.syncApply'>;
export type SyncInventory = ReplyOf<'keys.inventory'>;
export type SyncProgressEvent = EventOf<'op.progress'>;

/** What a sync is planned over: no secret, no key PIN (a locked key is opened in the keys panel first). */
export type SyncSelection = Pick<RequestOf<'keys.syncPlan'>, 'accountIds' | 'keys' | 'spread' | 'choose'>;

/** The plan only: main reads the keys' listings and writes nothing (no touch is asked: `allowTouch` stays off). */
export const planSync = mutation((client, request: SyncSelection & { readonly opId: string }) => client.call('keys.syncPlan', request));

/**
 * Plans again and writes, behind the vault password typed again (the secrets leave the vault for the
 * keys). An unplug or a cancel fails the call; main's sync-progress record lets the next apply resume.
 */
export const applySync = mutation((client, request: SyncSelection & { readonly opId: string; readonly vaultPassword: string }) => client.call('keys.syncApply', request));

/** Which keys hold each account (the vault's inventory) and what the keys plugged in now show that differs. */
export const keyInventory = query('keys.inventory', (client, _: undefined) => client.call('keys.inventory', {}), {
  refreshOn: ['keys.changed', 'accounts.changed'],
});

/**
 * Follows every `op.progress` main sends for `opId`, with the key and account each step is about
 * (useLongOperation keeps only the stage and fraction). Subscribed before the call is sent, so no
 * event is missed; returns the way to stop.
 */
export function followOperation(opId: string, listener: (event: SyncProgressEvent) => void): () => void {
  return latchkey().on('op.progress', (event) => {
    if (event.opId === opId) listener(event);
  });
}
