import { cancelledError } from './operations.js';

/**
 * A key derivation (Argon2id, about a second) the user may cancel. The derivation itself can't be
 * stopped part-way, so it is abandoned: the caller gets CANCELLED at once, and the key, when it
 * arrives after all, is wiped unread. A cancel that lands just after the key arrived wipes it too,
 * so nothing is written with a key the user asked to drop.
 */
export async function keyUnlessCancelled(
  deriving: Promise<{ readonly key: Uint8Array }>,
  wipe: (key: Uint8Array) => void,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  if (signal === undefined) return (await deriving).key;
  let key: Uint8Array;
  try {
    ({ key } = await abandonedOnAbort(deriving, signal));
  } catch (error) {
    if (signal.aborted) deriving.then(({ key: late }) => { wipe(late); }, () => undefined);
    throw error;
  }
  if (signal.aborted) {
    wipe(key);
    throw cancelledError();
  }
  return key;
}

/** `work`'s outcome, or CANCELLED as soon as `signal` fires (the work runs on, its result left to the caller). */
function abandonedOnAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(cancelledError());
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', onAbort);
    });
  });
}
