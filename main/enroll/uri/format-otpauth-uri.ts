import type { AccountDraft } from '../../../shared/account.js';
import { encodeBase32 } from '../../otp/index.js';

/** `encoder`: otpauth://totp/…&encoder=steam, read by most apps; `host`: otpauth://steam/…, for Aegis and Ente. */
export type SteamStyle = 'encoder' | 'host';

/**
 * Writes the Key URI of an account: issuer both as label prefix and parameter, components encoded
 * with encodeURIComponent (spaces as %20), Base32 without padding. parseOtpauthUri reads it back to
 * the same account.
 */
export function formatOtpauthUri(draft: AccountDraft, steamStyle: SteamStyle = 'encoder'): string {
  const host = draft.type === 'steam' ? (steamStyle === 'host' ? 'steam' : 'totp') : draft.type;
  // Without an issuer, a colon in the label would be read as a prefix: an empty prefix keeps it whole.
  const needsPrefix = draft.issuer !== '' || draft.label.includes(':');
  const path = needsPrefix ? `${encodeURIComponent(draft.issuer)}:${encodeURIComponent(draft.label)}` : encodeURIComponent(draft.label);

  const query: [string, string][] = [['secret', encodeBase32(draft.secret)]];
  if (needsPrefix) query.push(['issuer', draft.issuer]);
  query.push(['algorithm', draft.algorithm], ['digits', String(draft.digits)]);
  if (draft.type === 'hotp') query.push(['counter', draft.counter.toString()]);
  else query.push(['period', String(draft.period)]);
  if (draft.type === 'steam' && steamStyle === 'encoder') query.push(['encoder', 'steam']);

  const encodedQuery = query.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  return `otpauth://${host}/${path}?${encodedQuery}`;
}
