import type { DeriveKey } from '../kdf-worker.js';
import { memoisedKdf } from './test-runtime.js';

export interface HeldDerivation {
  /** Resolves once the held derivation has its key and waits. */
  readonly reached: Promise<void>;
  /** Lets it hand its key out. */
  readonly release: () => void;
}

/**
 * A real KDF (memoised, as in the other tests) whose chosen derivation waits until the test releases
 * it, so a cancel lands while a key is being derived: the one place a long operation is slow. The keys
 * it hands out after a hold are kept, so a test can see a late key was wiped.
 */
export function heldKdf(inner: DeriveKey = memoisedKdf()): { deriveKey: DeriveKey; holdNext: (password: string, options?: { skip?: number }) => HeldDerivation; handedOut: Uint8Array[] } {
  const handedOut: Uint8Array[] = [];
  let hold: { password: Buffer; skip: number; reached: () => void; released: Promise<void> } | undefined;
  const deriveKey: DeriveKey = async (password, salt, params) => {
    const derived = await inner(password, salt, params);
    const held = hold;
    if (held?.password.equals(password) !== true) return derived;
    if (held.skip > 0) {
      held.skip--;
      return derived;
    }
    hold = undefined;
    held.reached();
    await held.released;
    handedOut.push(derived.key);
    return derived;
  };
  /** Holds the next derivation of `password`, after letting `skip` of them through. */
  function holdNext(password: string, { skip = 0 }: { skip?: number } = {}): HeldDerivation {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const reached = new Promise<void>((resolve) => {
      hold = { password: Buffer.from(password), skip, reached: resolve, released };
    });
    return { reached, release };
  }
  return { deriveKey, holdNext, handedOut };
}
