import { channels, isChannel, type Channel } from '../../shared/api.js';
import { LatchkeyError } from '../../shared/errors.js';
import type { ReplyEnvelope } from '../../shared/wire.js';
import type { HandlerDeps, HandlerTable } from './handler-types.js';
import { otpHandlers } from './handlers/otp.js';
import { uriHandlers } from './handlers/uri.js';
import { describeSchemaError } from './schema-errors.js';

export interface ServiceDeps extends HandlerDeps {
  /** Told about every unexpected error (a bug), with its stack; expected errors are not reported. */
  readonly onInternalError?: (error: unknown) => void;
}

export interface Service {
  readonly handlers: HandlerTable;
  /** The one entry point of every door: validates, runs, and wraps the reply. Never throws. */
  dispatch(channel: unknown, payload: unknown): Promise<ReplyEnvelope>;
}

export function createService(deps: ServiceDeps): Service {
  const handlers: HandlerTable = { ...otpHandlers(deps), ...uriHandlers() };

  async function run(channel: Channel, payload: unknown): Promise<unknown> {
    const request = channels[channel].request.safeParse(payload);
    if (!request.success) throw new LatchkeyError('INVALID_REQUEST', describeSchemaError(channel, request.error));
    // Each handler takes its own channel's request; TypeScript cannot correlate the two through a union key.
    const handler = handlers[channel] as (request: unknown) => unknown;
    return channels[channel].reply.parse(await handler(request.data));
  }

  return {
    handlers,
    async dispatch(channel, payload) {
      try {
        if (!isChannel(channel)) throw new LatchkeyError('INVALID_REQUEST', 'unknown channel');
        return { ok: true, value: await run(channel, payload) };
      } catch (error) {
        if (error instanceof LatchkeyError) return { ok: false, error: error.toInfo() };
        deps.onInternalError?.(error);
        return { ok: false, error: { code: 'INTERNAL', message: 'an unexpected internal error occurred' } };
      }
    },
  };
}
