import { LatchkeyError } from '../../../shared/errors.js';
import type { KeyClock } from '../clock.js';
import { SW } from './constants.js';
import type { OathDialect, OathOperation } from './dialects.js';
import type { OathOperationOptions } from './model.js';
import type { OathCommand, OathProtocol, OathReply } from './protocol.js';
import { statusError } from './status-words.js';

export interface OathTimeouts {
  /** A command that should answer at once. */
  readonly commandMs: number;
  /** A command that may wait for a touch: above the keys' own touch timeouts (NK3 15 s, YubiKey ~20 s). */
  readonly touchMs: number;
  /** When a touch is only possible (a YubiKey HOTP), the prompt comes this late, as ykman does it. */
  readonly maybeTouchPromptMs: number;
}

export const DEFAULT_OATH_TIMEOUTS: OathTimeouts = { commandMs: 5000, touchMs: 30_000, maybeTouchPromptMs: 500 };

export interface RunOptions extends OathOperationOptions {
  readonly operation: OathOperation;
  readonly touch: boolean | 'maybe';
}

/**
 * Runs one OATH command the way every session command needs it: the touch prompt told from the
 * command's rule (at once, or after 0.5 s when a touch is only possible), the right deadline, an
 * abort passed down, keepalives passed up as progress, and a status word other than 9000 turned
 * into our error for this key and command.
 */
export class OathCommandRunner {
  constructor(
    private readonly protocol: OathProtocol,
    private readonly dialect: OathDialect,
    private readonly clock: KeyClock,
    private readonly timeouts: OathTimeouts,
    private readonly capacity: () => number,
  ) {}

  /** The answer's data on 9000; any other status word is thrown as our error. */
  async run(command: OathCommand, options: RunOptions): Promise<Uint8Array> {
    const started = this.clock.now();
    const reply = await this.exchange(command, options);
    if (reply.sw === SW.OK) return reply.data;
    throw this.failure(reply.sw, options.operation, options.touch, this.clock.now() - started);
  }

  /** Our error for a status word other than 9000. */
  failure(sw: number, operation: OathOperation, touch: boolean | 'maybe', elapsedMs: number): LatchkeyError {
    return statusError(sw, { operation, dialect: this.dialect, touch, elapsedMs, capacity: this.capacity() });
  }

  /** The reply as it came (for commands whose status words the caller reads itself). */
  async exchange(command: OathCommand, options: RunOptions): Promise<OathReply> {
    if (options.signal?.aborted === true) throw new LatchkeyError('CANCELLED', 'cancelled before anything was sent to the key');
    const prompt = this.promptTouch(options);
    try {
      return await this.protocol.send(command, {
        timeoutMs: options.touch === false ? this.timeouts.commandMs : this.timeouts.touchMs,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onKeepalive: (keepalive) => options.onProgress?.({ needsTouch: false, keepalive }),
      });
    } catch (error) {
      // Our own deadline passing while the key waited for a touch is a touch not given.
      if (error instanceof LatchkeyError && error.code === 'KEY_TIMEOUT' && options.touch !== false) {
        throw new LatchkeyError('KEY_TOUCH_TIMEOUT', `the ${this.dialect.product} was not touched in time`, { ...error.details });
      }
      throw error;
    } finally {
      prompt.abort();
    }
  }

  private promptTouch(options: RunOptions): AbortController {
    const done = new AbortController();
    if (options.touch === true) options.onProgress?.({ needsTouch: true });
    else if (options.touch === 'maybe' && options.onProgress !== undefined) {
      const tell = options.onProgress;
      void this.clock.sleep(this.timeouts.maybeTouchPromptMs, done.signal).then(() => {
        if (!done.signal.aborted) tell({ needsTouch: true });
      });
    }
    return done;
  }
}
