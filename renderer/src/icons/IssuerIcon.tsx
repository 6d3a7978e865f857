import { useMemo } from 'react';
import { fallbackLetter, findIssuerIcon, letterTileColour, lookFor } from './issuer-icons.js';
import './issuer-icon.css';

export type IssuerIconSize = 'small' | 'medium' | 'large';

/**
 * The issuer's tile, decoration beside its name (so hidden from assistive technology): the brand glyph in its own
 * colour on a tile it reads on in the current theme (or in the theme's ink, for black and grey brands), or else
 * the first letter on a colour hashed from the name.
 *
 * Everything is React elements with attributes (`d`, `fill`, `color`): no markup strings, no `style` attributes and no
 * data: URLs, so it lives within the renderer's CSP.
 */
export function IssuerIcon({ issuer, label, size = 'medium' }: { issuer: string; label?: string; size?: IssuerIconSize }) {
  const icon = useMemo(() => findIssuerIcon(issuer, label), [issuer, label]);
  if (icon !== undefined) {
    return (
      <span className={`issuer-icon issuer-icon--${size} issuer-icon--${lookFor(icon.hex)}`} aria-hidden="true" data-brand={icon.title}>
        {/* The brand colour rides on the svg's `color` attribute, so the stylesheet can swap it for ink per theme. */}
        <svg className="issuer-icon__glyph" viewBox="0 0 24 24" focusable="false" color={`#${icon.hex}`}>
          <path d={icon.path} fill="currentColor" />
        </svg>
      </span>
    );
  }
  return (
    <span className={`issuer-icon issuer-icon--${size} issuer-icon--letter`} aria-hidden="true">
      <svg className="issuer-icon__letter" viewBox="0 0 24 24" focusable="false">
        <rect width="24" height="24" fill={letterTileColour(issuer, label)} />
        <text x="12" y="12.5" textAnchor="middle" dominantBaseline="central" fill="#ffffff" fontSize="13">
          {fallbackLetter(issuer, label)}
        </text>
      </svg>
    </span>
  );
}
