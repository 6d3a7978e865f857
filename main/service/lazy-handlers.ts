import type { Channel } from '../../shared/api.js';
import type { HandlersFor } from './handler-types.js';
import type { Operation } from './operations.js';

/** The handlers of a group of channels, whose module is loaded on first use. */
export interface LazyHandlers<C extends Channel> {
  /** Every channel of the group from the start; the first request of any of them loads the module. */
  readonly handlers: HandlersFor<C>;
  /** Starts loading now (e.g. while an unlock's KDF keeps the thread idle); failures wait for a real request. */
  preload(): void;
}

/**
 * The handlers of a group of channels (`group`: an object whose keys are the channels, such as its
 * part of the contract), loaded on the first request of any of them. A handler module and what it
 * imports (QR decoding, the formats, backup files) cost nothing to a process that never asks for
 * them, such as `latchkey code`. A load that fails is tried again by the next request.
 */
export function lazyHandlers<C extends Channel>(group: Readonly<Record<C, unknown>>, load: () => Promise<HandlersFor<C>>): LazyHandlers<C> {
  let loaded: Promise<HandlersFor<C>> | undefined;
  const module = () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
  const table: Partial<Record<C, (request: unknown, operation: Operation) => Promise<unknown>>> = {};
  for (const channel of Object.keys(group) as C[]) {
    table[channel] = async (request, operation) => {
      // Each handler takes its own channel's request; TypeScript cannot correlate the two through a union key.
      const handler = (await module())[channel] as (request: unknown, operation: Operation) => unknown;
      return handler(request, operation);
    };
  }
  return {
    handlers: table as unknown as HandlersFor<C>,
    preload: () => {
      module().catch(() => undefined);
    },
  };
}
