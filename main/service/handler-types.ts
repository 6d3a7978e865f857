import type { Channel, ParsedRequestOf, ReplyOf } from '../../shared/api.js';
import type { Operation } from './operations.js';

/** Milliseconds since the epoch; injected so tests and e2e can move time. */
export interface Clock {
  now(): number;
}

export interface HandlerDeps {
  readonly clock: Clock;
}

/** The second argument, used by handlers of slow work: progress to report and a cancel to honour. */
export type Handler<C extends Channel> = (request: ParsedRequestOf<C>, operation: Operation) => Promise<ReplyOf<C>> | ReplyOf<C>;

export type HandlersFor<C extends Channel> = { readonly [K in C]: Handler<K> };

export type HandlerTable = HandlersFor<Channel>;
