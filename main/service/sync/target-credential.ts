import type { AccountMeta } from '../../../shared/account.js';
import { LatchkeyError } from '../../../shared/errors.js';
import { formatCredentialId } from '../../keys/oath/index.js';
import type { KeyObservation } from './model.js';

/** What a vault account becomes on one key: its credential name, or why this key can't hold it. */
export type TargetCredential =
  | { readonly ok: true; readonly name: string; readonly type: 'totp' | 'hotp'; readonly touch: boolean }
  | { readonly ok: false; readonly name: string; readonly reason: string };

const DIGITS_MIN = 6;
const DIGITS_MAX = 8;
/** A key's HOTP counter is a u32 (the IMF tag's 4 bytes). */
const KEY_COUNTER_MAX = 0xffff_ffffn;
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

const decode = (id: Uint8Array) => new TextDecoder().decode(id);

/** The name the account has on keys, without a byte limit (for showing a name that does not fit). */
function fullName(account: AccountMeta): string {
  const type = account.type === 'hotp' ? 'hotp' : 'totp';
  const period = account.type === 'hotp' ? 30 : account.period;
  try {
    return decode(formatCredentialId(type, { issuer: account.issuer === '' ? undefined : account.issuer, account: account.label, period }, NO_LIMIT));
  } catch {
    return account.issuer === '' ? account.label : `${account.issuer}:${account.label}`;
  }
}

/**
 * The credential an account is on `key`, with the same checks the driver makes before a PUT (so a
 * plan never proposes what the write would refuse): Steam codes (no key computes them), digits
 * outside 6–8, a HOTP counter past a u32, what the firmware refuses (SHA512 on an NK3, touch before
 * YubiKey 4.2.6), and the name's byte limit (64 on a YubiKey, 127 on an NK3; never cut).
 */
export function targetCredential(account: AccountMeta, key: Pick<KeyObservation, 'dialect' | 'version'>, touch: boolean): TargetCredential {
  const name = fullName(account);
  const refuse = (reason: string): TargetCredential => ({ ok: false, name, reason });
  if (account.type === 'steam') return refuse('Steam codes use their own alphabet, which no key computes');
  if (account.digits < DIGITS_MIN || account.digits > DIGITS_MAX) return refuse(`a key makes codes of 6 to 8 digits; this account has ${String(account.digits)}`);
  if (account.type === 'hotp' && account.counter > KEY_COUNTER_MAX) return refuse(`a key's HOTP counter goes up to ${String(KEY_COUNTER_MAX)}; this account's is ${String(account.counter)}`);
  const refusal = key.dialect.refuseCredential(account.type, account.algorithm, touch, key.version);
  if (refusal !== null) return refuse(refusal);
  try {
    const period = account.type === 'totp' ? account.period : 30;
    const id = formatCredentialId(account.type, { issuer: account.issuer === '' ? undefined : account.issuer, account: account.label, period }, key.dialect.idByteLimit);
    return { ok: true, name: decode(id), type: account.type, touch };
  } catch (error) {
    if (error instanceof LatchkeyError && error.code === 'ACCOUNT_INVALID') return refuse(error.message);
    throw error;
  }
}
