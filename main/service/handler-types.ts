import type { Channel, ParsedRequestOf, ReplyOf } from '../../shared/api.js';

/** Milliseconds since the epoch; injected so tests and e2e can move time. */
export interface Clock {
  now(): number;
}

export interface HandlerDeps {
  readonly clock: Clock;
}

export type Handler<C extends Channel> = (request: ParsedRequestOf<C>) => Promise<ReplyOf<C>> | ReplyOf<C>;

export type HandlersFor<C extends Channel> = { readonly [K in C]: Handler<K> };

export type HandlerTable = HandlersFor<Channel>;
