import { channels, type Channel, type ReplyOf, type RequestOf } from './api.js';
import { LatchkeyError } from './errors.js';
import { replyEnvelopeSchema } from './wire.js';

/** Any transport that carries one request to the service and brings back its reply envelope. */
export type Invoke = (channel: Channel, payload: unknown) => Promise<unknown>;

export interface LatchkeyClient {
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ReplyOf<C>>;
}

/**
 * Turns a transport (ipcRenderer.invoke, a Playwright binding, an in-process dispatch) into the
 * typed `window.latchkey`. Replies are parsed again on this side: the renderer trusts no shape.
 */
export function createClient(invoke: Invoke): LatchkeyClient {
  return {
    async call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ReplyOf<C>> {
      const envelope = replyEnvelopeSchema.parse(await invoke(channel, request));
      if (!envelope.ok) throw LatchkeyError.fromInfo(envelope.error);
      return channels[channel].reply.parse(envelope.value) as ReplyOf<C>;
    },
  };
}
