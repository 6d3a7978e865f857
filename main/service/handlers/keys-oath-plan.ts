import type { AccountMeta } from '../../../shared/account.js';
import { LatchkeyError } from '../../../shared/errors.js';
import type { NewOathCredential, OathDialect, OathVersion } from '../../keys/oath/index.js';

/** A vault account as an OATH credential, all but the secret (read from the vault only to write it). */
export type OathCredentialPlan = Omit<NewOathCredential, 'secret'> & { readonly touch: boolean };

const U32_MAX = 0xffff_ffff;

const unsupported = (account: AccountMeta, why: string, field: string) =>
  new LatchkeyError('KEY_UNSUPPORTED', `${account.issuer === '' ? account.label : `${account.issuer} (${account.label})`} can't go on this key: ${why}; nothing was written`, { field, id: account.id });

/**
 * Whether a vault account fits the key's OATH application, and how: TOTP or HOTP (Steam's codes are
 * not OATH's), 6–8 digits, a HOTP counter up to 2^32-1, and an algorithm this key computes (an NK3
 * takes SHA512 but can't compute it: refused here, before any PUT). The issuer and label become the
 * name `[period/]issuer:label`; its byte limit is checked with the key's own rule by the caller.
 */
export function oathCredentialPlan(account: AccountMeta, dialect: OathDialect, version: OathVersion, touch: boolean): OathCredentialPlan {
  if (account.type === 'steam') throw unsupported(account, "Steam Guard codes are not OATH codes (no key computes Steam's alphabet)", 'type');
  if (account.digits < 6 || account.digits > 8) throw unsupported(account, `a key computes codes of 6 to 8 digits; this account has ${String(account.digits)}`, 'digits');
  const refusal = dialect.refuseCredential(account.type, account.algorithm, touch, version);
  if (refusal !== null) throw unsupported(account, refusal, 'algorithm');
  const names = { ...(account.issuer === '' ? {} : { issuer: account.issuer }), account: account.label };
  const common = { ...names, algorithm: account.algorithm, digits: account.digits, touch };
  if (account.type === 'hotp') {
    if (account.counter > BigInt(U32_MAX)) throw unsupported(account, `a key's HOTP counter starts at most at ${String(U32_MAX)}; this account's is ${String(account.counter)}`, 'counter');
    return { ...common, type: 'hotp', counter: Number(account.counter) };
  }
  return { ...common, type: 'totp', period: account.period };
}
