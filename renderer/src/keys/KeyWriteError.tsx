import type { DataError } from '../data/hooks.js';

/** Where the failed write went: the outcome of an unplug differs (a slot write is recorded only once confirmed). */
export type KeyWriteTarget = 'slot' | 'card';

/**
 * What a failed write to a key means for the user, per error: the headline says what state the key is
 * in, main's sentence says why. An unplug mid-write leaves a card's credential unknown (plug it back
 * and look), a refused write left the key as it was, a wrong access password opened nothing.
 */
function headline(error: DataError, target: KeyWriteTarget): string | undefined {
  switch (error.code) {
    case 'KEY_UNPLUGGED':
      return target === 'slot'
        ? 'The key was unplugged during the write. Plug it in again and look at the slot: a write the key did not confirm was not recorded in the vault.'
        : 'The key was unplugged during the write: it may or may not hold the change. Plug it in again and look at its list.';
    case 'KEY_WRITE_REJECTED':
      return 'The key refused the write.';
    case 'KEY_PIN_WRONG':
      return 'Wrong access password: the key is unchanged.';
    case 'KEY_PIN_REQUIRED':
      return 'The key is locked by its access password: open it first (above).';
    case 'KEY_NOT_FOUND':
      return 'The key is not plugged in any more.';
    case 'KEY_FULL':
      return 'Not enough room on the key: nothing was written.';
    case 'KEY_UNSUPPORTED':
      return 'This can’t go on the key: nothing was written.';
    default:
      return undefined;
  }
}

/** A write's failure, said with what it means for the key (nothing when the user cancelled). */
export function KeyWriteError({ error, target }: { error: DataError | undefined; target: KeyWriteTarget }) {
  if (error === undefined || error.text === '') return null;
  const first = headline(error, target);
  // A wrong password needs no more words; otherwise main's sentence says exactly what went wrong.
  const detail = first === undefined || error.code === 'KEY_PIN_WRONG' || error.code === 'KEY_NOT_FOUND' ? undefined : error.text;
  return (
    <div role="alert" className="key-write-error" data-code={error.code}>
      {first === undefined ? <p className="error">{error.text}</p> : <p className="error"><strong>{first}</strong></p>}
      {detail !== undefined && <p className="hint">{detail}</p>}
    </div>
  );
}
