import { channels, type Channel, type ReplyOf, type RequestOf } from './api.js';
import { LatchkeyError } from './errors.js';
import { events, isEventName, type EventListener, type EventName, type EventOf } from './events.js';
import { replyEnvelopeSchema } from './wire.js';

/** Any transport that carries one request to the service and brings back its reply envelope. */
export type Invoke = (channel: Channel, payload: unknown) => Promise<unknown>;

/** Any transport that brings main's events: calls `listener` for each until the returned function is called. */
export type Subscribe = (listener: (name: unknown, payload: unknown) => void) => () => void;

export interface LatchkeyClient {
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ReplyOf<C>>;
  /** Calls `listener` on each `event` main sends; returns the way to stop. */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
}

/**
 * Turns a transport (ipcRenderer.invoke, a Playwright binding, an in-process dispatch) into the
 * typed `window.latchkey`. Replies and events are parsed again on this side: the renderer trusts no
 * shape. Without `subscribe` (the CLI), no event ever arrives.
 */
export function createClient(invoke: Invoke, subscribe?: Subscribe): LatchkeyClient {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let unsubscribe: (() => void) | undefined;
  const deliver: EventListener = (name, payload) => {
    const parsed = events[name].safeParse(payload);
    if (!parsed.success) return;
    for (const listener of listeners.get(name) ?? []) listener(parsed.data);
  };
  return {
    async call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ReplyOf<C>> {
      const envelope = replyEnvelopeSchema.parse(await invoke(channel, request));
      if (!envelope.ok) throw LatchkeyError.fromInfo(envelope.error);
      return channels[channel].reply.parse(envelope.value) as ReplyOf<C>;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      unsubscribe ??= subscribe?.((name, payload) => {
        if (isEventName(name)) deliver(name, payload);
      });
      return () => {
        set.delete(wrapped);
      };
    },
  };
}
