import { createContext, useContext } from 'react';
import { groupCode } from './format.js';

/**
 * Hide-codes mode (screen sharing): set by the screen that shows codes, read by every code in it.
 * The dots exist in the DOM only in that mode, so a code's text is its digits alone otherwise
 * (what copy, assistive technology and tests read); in that mode styles.css swaps digits for dots
 * until the row is hovered or focused (`.codes-hidden`).
 */
export const CodesHidden = createContext(false);

export function HideableCode({ code }: { readonly code: string }) {
  const hidden = useContext(CodesHidden);
  return (
    <>
      <span className="code-digits">{groupCode(code)}</span>
      {hidden && (
        <span className="code-dots" aria-hidden="true">
          {'•'.repeat(code.length)}
        </span>
      )}
    </>
  );
}
