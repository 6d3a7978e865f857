import type { ReplyOf } from '../../../shared/api.js';
import { latchkey } from './client.js';

/** What the first screen needs: asked for as soon as the page runs, before React and the screens have loaded. */
type EarlyChannel = 'vault.status' | 'accounts.list';

/** An early reply is used only this soon after it was asked for; later, the screen asks again. */
const FRESH_MS = 5000;

/** Each early channel asked for by name (the renderer door's test reads the channels from these calls). */
const ASK: { readonly [C in EarlyChannel]: () => Promise<ReplyOf<C>> } = {
  'vault.status': () => latchkey().call('vault.status', {}),
  'accounts.list': () => latchkey().call('accounts.list', {}),
};

const sent = performance.now();
const pending = new Map<EarlyChannel, Promise<unknown>>();

/**
 * Sends the first screen's requests at once (the vault's status and, should the vault be unlocked, the
 * listing), in parallel: the list is on its way while the rest of the page's code loads and React starts,
 * instead of after the status has come back and the list screen has mounted. Called first thing by main.tsx.
 */
export function sendEarlyRequests(): void {
  const send = (channel: EarlyChannel) => {
    const reply = ASK[channel]();
    reply.catch(() => undefined); // asked again by whoever takes it (a locked vault refuses the listing)
    pending.set(channel, reply);
  };
  send('vault.status');
  send('accounts.list');
}

/**
 * `channel`'s reply: the early one, the first time it is asked for while fresh (a failed one is asked for
 * again), and a new request after that.
 */
export function callEarly<C extends EarlyChannel>(channel: C): Promise<ReplyOf<C>> {
  const early = pending.get(channel) as Promise<ReplyOf<C>> | undefined;
  pending.delete(channel);
  const again = ASK[channel] as () => Promise<ReplyOf<C>>;
  if (early === undefined || performance.now() - sent > FRESH_MS) return again();
  return early.catch(again);
}
