import { LIMITS } from '../../shared/account.js';

// Control characters and the bidi overrides/isolates that can make "evil.com" render as "moc.live".
const UNSAFE_CHARACTERS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

export interface CleanText {
  readonly text: string;
  readonly warning?: string;
}

/** Trims a label or issuer and strips invisible trouble-makers, saying so when it did. */
export function cleanDisplayText(raw: string, field: 'issuer' | 'label'): CleanText {
  const stripped = raw.replace(UNSAFE_CHARACTERS, '');
  const text = stripped.trim();
  return stripped === raw ? { text } : { text, warning: `${field}: control or text-direction characters were removed` };
}

export function isTooLong(text: string): boolean {
  return text.length > LIMITS.textMax;
}
