import { LatchkeyError } from '../../../shared/errors.js';
import { DEFAULT_PERIOD } from './constants.js';
import type { OathType } from './model.js';

/**
 * Credential ids, `[period/][issuer:]account` in UTF-8 (YubiKey sheet §6), used for both keys so a
 * non-30-second period survives on the key. The key compares ids as raw bytes: what we write is
 * never normalised, and what we read is kept as bytes.
 */
export interface CredentialName {
  readonly issuer: string | undefined;
  readonly account: string;
  readonly period: number;
}

const invalid = (field: string, message: string, details: Record<string, number | string> = {}) => new LatchkeyError('ACCOUNT_INVALID', message, { field, ...details });

/**
 * The id bytes for a credential, or ACCOUNT_INVALID when it cannot be written as asked: empty
 * account, an issuer with `:` (it would read back split elsewhere), or more bytes than the key
 * holds (`limit`: 64 on a YubiKey, 127 on an NK3). Nothing is ever cut to fit.
 */
export function formatCredentialId(type: OathType, name: CredentialName, limit: number): Uint8Array {
  if (name.account.length === 0) throw invalid('account', 'the account name is empty');
  const issuer = name.issuer ?? '';
  if (issuer.includes(':')) throw invalid('issuer', 'an issuer stored on a key cannot contain ":" (the key would read it back split at the first colon)');
  if (type === 'totp' && (!Number.isInteger(name.period) || name.period < 1)) throw invalid('period', 'the period must be a whole number of seconds, at least 1');
  const prefix = type === 'totp' && name.period !== DEFAULT_PERIOD ? `${String(name.period)}/` : '';
  const id = new TextEncoder().encode(`${prefix}${issuer === '' ? '' : `${issuer}:`}${name.account}`);
  if (id.length > limit) {
    throw invalid('name', `the name is ${String(id.length)} bytes with its issuer${prefix === '' ? '' : ' and period'}; this key holds at most ${String(limit)}: shorten the issuer or the account name`, {
      bytes: id.length,
      limit,
    });
  }
  return id;
}

const TOTP_ID = /^(?:(\d+)\/)?(?:([^:]+):)?(.+)$/su;

/**
 * Reads an id as yubikit ≥ 5 does: TOTP takes an optional `N/` period and an issuer before the
 * first colon; HOTP has no period and is not split when it starts with `:`. A `0/` period is kept as
 * 0, which `calculate` refuses, rather than dividing by zero (trap 11).
 */
export function parseCredentialId(type: OathType, id: Uint8Array): CredentialName & { readonly name: string } {
  const name = new TextDecoder('utf-8', { fatal: false }).decode(id);
  if (type === 'hotp') {
    const colon = name.indexOf(':');
    return colon > 0 ? { name, issuer: name.slice(0, colon), account: name.slice(colon + 1), period: 0 } : { name, issuer: undefined, account: name, period: 0 };
  }
  const match = TOTP_ID.exec(name);
  if (match === null) return { name, issuer: undefined, account: name, period: DEFAULT_PERIOD };
  const [, period, issuer, account] = match;
  return { name, issuer, account: account ?? name, period: period === undefined ? DEFAULT_PERIOD : Number.parseInt(period, 10) };
}
