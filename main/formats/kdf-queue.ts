import type { KdfQueue } from './types.js';

/**
 * A first-come, first-served queue that runs one task at a time. Import KDFs go through one, so two
 * imports previewed at once (two windows, the CLI beside the app, a hostile file opened twice) never
 * run two costly derivations side by side: memory is one derivation's worth, whatever they ask for.
 */
export class SerialQueue implements KdfQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;

  get busy(): boolean {
    return this.#pending > 0;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.#pending++;
    const result = this.#tail.then(task).finally(() => {
      this.#pending--;
    });
    // The next task waits for this one to settle, whether it succeeded or not.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** The one queue every import KDF in this process waits in, unless a caller gives its own. */
export const importKdfQueue: KdfQueue = new SerialQueue();
