import { LatchkeyError } from '../../shared/errors.js';
import type { EventOf } from '../../shared/events.js';

/**
 * What a handler of slow work is given (like yubikit's on_keepalive and cancel event): a way to say
 * how far it is, and a signal that fires when the user cancels. A handler checks the signal between
 * steps and never leaves anything half-written.
 */
export interface Operation {
  readonly signal: AbortSignal;
  /** `detail` says whether the user must touch a key now, and which key (by serial), for the page's prompt. */
  progress(stage: string, fraction?: number, detail?: ProgressDetail): void;
  /** Throws CANCELLED once the user has cancelled. */
  throwIfCancelled(): void;
  /** Resolves with `work`, or rejects with CANCELLED as soon as the user cancels (the work's result is dropped). */
  race<T>(work: Promise<T>): Promise<T>;
}

type Progress = EventOf<'op.progress'>;
export type ProgressDetail = Pick<Progress, 'needsTouch' | 'key' | 'accountId'>;

export const cancelledError = () => new LatchkeyError('CANCELLED', 'cancelled; nothing was changed');

/**
 * Where a handler tells stages only the page follows (deriving a backup key, writing, checking): a
 * request with an `opId` hears them as `op.progress`; one without (the CLI) keeps its stderr as it
 * was. A touch wait is told either way, by the key's responder.
 */
export function pageStages(operation: Pick<Operation, 'progress'>, opId: string | undefined): (stage: string) => void {
  return opId === undefined ? () => undefined : (stage) => { operation.progress(stage); };
}

/**
 * The long operations in flight, by the `opId` their caller chose. Progress goes out as `op.progress`
 * events; a request without an `opId` (the CLI) has its stages told to `untracked` instead.
 */
export class Operations {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly emit: (progress: Progress) => void,
    private readonly untracked?: (stage: string, detail?: ProgressDetail) => void,
  ) {}

  start(opId: string | undefined): Operation & { end(): void } {
    const controller = new AbortController();
    if (opId !== undefined) {
      // An id still running is the caller's mistake: the newer request cannot take over its cancel.
      if (this.running.has(opId)) throw new LatchkeyError('INVALID_REQUEST', 'that operation id is already in use');
      this.running.set(opId, controller);
    }
    const { signal } = controller;
    return {
      signal,
      progress: (stage, fraction, detail = {}) => {
        if (opId === undefined) this.untracked?.(stage, detail);
        else this.emit({ opId, stage, ...(fraction === undefined ? {} : { fraction: Math.min(1, Math.max(0, fraction)) }), ...detail });
      },
      throwIfCancelled: () => {
        if (signal.aborted) throw cancelledError();
      },
      race: (work) =>
        new Promise((resolve, reject) => {
          if (signal.aborted) {
            reject(cancelledError());
            return;
          }
          const onAbort = () => {
            reject(cancelledError());
          };
          signal.addEventListener('abort', onAbort, { once: true });
          work.then(resolve, reject).finally(() => {
            signal.removeEventListener('abort', onAbort);
          });
        }),
      end: () => {
        if (opId !== undefined && this.running.get(opId) === controller) this.running.delete(opId);
      },
    };
  }

  cancel(opId: string): boolean {
    const controller = this.running.get(opId);
    if (controller === undefined) return false;
    controller.abort();
    return true;
  }
}
