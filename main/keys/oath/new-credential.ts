import { LatchkeyError } from '../../../shared/errors.js';
import { DEFAULT_PERIOD } from './constants.js';
import { formatCredentialId } from './credential-id.js';
import type { OathDialect } from './dialects.js';
import { typeAlgorithmByte } from './listing.js';
import type { NewOathCredential, OathVersion } from './model.js';
import { secretForKey } from './secret.js';
import { concatBytes } from './tlv.js';

const DIGITS_MIN = 6;
const DIGITS_MAX = 8;
const U32_MAX = 0xffffffff;

const invalid = (field: string, message: string) => new LatchkeyError('ACCOUNT_INVALID', message, { field });

/**
 * Checks a new credential against the key it goes to, before anything is sent: digits 6–8, a
 * counter only for HOTP (a u32), a period only for TOTP, what the firmware supports (KEY_UNSUPPORTED)
 * and the id's byte limit (ACCOUNT_INVALID, never cut). Builds the id and the key TLV's value
 * `[type|algo, digits, secret]`; the caller zeroes `key` after use.
 */
export function prepareCredential(input: NewOathCredential, dialect: OathDialect, version: OathVersion): { id: Uint8Array; key: Uint8Array; touch: boolean } {
  const touch = input.touch === true;
  if (!Number.isInteger(input.digits) || input.digits < DIGITS_MIN || input.digits > DIGITS_MAX) throw invalid('digits', 'a key stores codes of 6, 7 or 8 digits');
  if (input.type === 'totp' && input.counter !== undefined) throw invalid('counter', 'a TOTP credential has no counter');
  if (input.type === 'hotp' && input.period !== undefined) throw invalid('period', 'a HOTP credential has no period');
  const counter = input.counter ?? 0;
  if (!Number.isInteger(counter) || counter < 0 || counter > U32_MAX) throw invalid('counter', 'the counter must be a whole number from 0 to 4294967295');
  const refusal = dialect.refuseCredential(input.type, input.algorithm, touch, version);
  if (refusal !== null) throw new LatchkeyError('KEY_UNSUPPORTED', refusal);
  const id = formatCredentialId(input.type, { issuer: input.issuer, account: input.account, period: input.period ?? DEFAULT_PERIOD }, dialect.idByteLimit);
  const secret = secretForKey(input.secret, input.algorithm, dialect.secretMinLength);
  const key = concatBytes(Uint8Array.of(typeAlgorithmByte(input.type, input.algorithm), input.digits), secret);
  secret.fill(0);
  return { id, key, touch };
}
