import { DEFAULTS, LIMITS, type AccountDraft, type Algorithm, type OtpParams } from '../../../shared/account.js';
import { MAX_URI_LENGTH } from '../../../shared/api.js';
import { decodeBase32, describeBase32Problem } from '../../otp/index.js';
import { cleanDisplayText, isTooLong } from '../labels.js';
import { decodeComponent, parseQuery, printable } from './query.js';
import { UriError } from './uri-error.js';

export interface ParsedOtpauthUri {
  readonly draft: AccountDraft;
  readonly warnings: readonly string[];
}

const SCHEME = 'otpauth://';
const MIGRATION_SCHEME = 'otpauth-migration://';

/**
 * Reads an `otpauth://` Key URI with the leniency real exporters need (shared/formats/otpauth-uri.md):
 * lower-case, padded or spaced Base32; issuer in the label, the parameter or both (the parameter wins);
 * the `steam` host and `encoder=steam`; unknown parameters ignored. Anything that can't become a
 * working account is refused with its own URI_* code.
 */
export function parseOtpauthUri(input: string): ParsedOtpauthUri {
  const uri = input.trim();
  if (uri.length > MAX_URI_LENGTH) throw new UriError('URI_TOO_LONG', `the URI is longer than ${String(MAX_URI_LENGTH)} characters`);
  const lower = uri.toLowerCase();
  if (lower.startsWith(MIGRATION_SCHEME)) {
    throw new UriError('URI_BAD_SCHEME', 'this is a Google Authenticator export (otpauth-migration://): scan or import it instead');
  }
  if (!lower.startsWith(SCHEME)) throw new UriError('URI_BAD_SCHEME', 'not an otpauth:// URI');

  // A '#' is never a fragment here; exporters leave it unescaped inside labels.
  const rest = uri.slice(SCHEME.length).replace(/#/g, '%23');
  const queryStart = rest.indexOf('?');
  const beforeQuery = queryStart === -1 ? rest : rest.slice(0, queryStart);
  const params = parseQuery(queryStart === -1 ? '' : rest.slice(queryStart + 1));
  const slash = beforeQuery.indexOf('/');
  const host = (slash === -1 ? beforeQuery : beforeQuery.slice(0, slash)).toLowerCase();
  const rawLabel = slash === -1 ? '' : beforeQuery.slice(slash + 1);

  const warnings: string[] = [];
  const otp = readOtpParams(host, params, warnings);
  const { issuer, label } = readNames(decodeComponent(rawLabel, 'the label'), params.get('issuer'), warnings);
  const secret = readSecret(params.get('secret'));
  return { draft: { ...otp, issuer, label, secret }, warnings };
}

function readOtpParams(host: string, params: ReadonlyMap<string, string>, warnings: string[]): OtpParams {
  if (host === '') throw new UriError('URI_BAD_TYPE', 'the OTP type is missing (expected otpauth://totp/…, hotp or steam)');
  if (host !== 'totp' && host !== 'hotp' && host !== 'steam') {
    throw new UriError('URI_BAD_TYPE', `unknown OTP type "${printable(host)}": expected totp, hotp or steam`);
  }
  const isSteam = host === 'steam' || params.get('encoder')?.toLowerCase() === 'steam';
  if (isSteam) {
    return { type: 'steam', algorithm: 'SHA1', digits: LIMITS.steamDigits, period: readPeriod(params.get('period')) };
  }
  const algorithm = readAlgorithm(params.get('algorithm'));
  const digits = readDigits(params.get('digits'));
  if (digits !== 6 && digits !== 8) warnings.push(`digits: ${String(digits)} is unusual (most services use 6 or 8)`);
  if (host === 'hotp') return { type: 'hotp', algorithm, digits, counter: readCounter(params.get('counter')) };
  return { type: 'totp', algorithm, digits, period: readPeriod(params.get('period')) };
}

function readAlgorithm(value: string | undefined): Algorithm {
  if (value === undefined) return DEFAULTS.algorithm;
  const normalized = value.toUpperCase().replace(/-/g, '');
  if (normalized === 'SHA1' || normalized === 'SHA256' || normalized === 'SHA512') return normalized;
  throw new UriError('URI_BAD_ALGORITHM', `algorithm "${printable(value)}" is not supported: use SHA1, SHA256 or SHA512`);
}

function readDigits(value: string | undefined): number {
  if (value === undefined) return DEFAULTS.digits;
  const digits = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(digits >= LIMITS.digitsMin && digits <= LIMITS.digitsMax)) {
    throw new UriError('URI_BAD_DIGITS', 'digits must be a whole number from 1 to 10');
  }
  return digits;
}

function readPeriod(value: string | undefined): number {
  if (value === undefined) return DEFAULTS.period;
  const period = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(period >= LIMITS.periodMin && period <= LIMITS.periodMax)) {
    throw new UriError('URI_BAD_PERIOD', 'period must be a whole number of seconds from 1 to 86400');
  }
  return period;
}

function readCounter(value: string | undefined): bigint {
  if (value === undefined) throw new UriError('URI_BAD_COUNTER', 'a HOTP URI needs a counter parameter');
  const counter = /^\d{1,20}$/.test(value) ? BigInt(value) : -1n;
  if (counter < 0n || counter > LIMITS.counterMax) {
    throw new UriError('URI_BAD_COUNTER', 'counter must be a whole number from 0 to 2^64-1');
  }
  return counter;
}

function readSecret(value: string | undefined): Uint8Array {
  if (value === undefined) throw new UriError('URI_BAD_SECRET', 'the secret parameter is missing');
  const decoded = decodeBase32(value);
  if (!decoded.ok) throw new UriError('URI_BAD_SECRET', describeBase32Problem(decoded.problem));
  if (decoded.bytes.length > LIMITS.secretBytesMax) throw new UriError('URI_BAD_SECRET', 'secret is longer than 1024 bytes');
  return decoded.bytes;
}

/**
 * The label is `issuer:account` or `account`. When an issuer parameter is given and the label starts
 * with it, that is the split (so an issuer may itself hold a colon); otherwise the first colon is.
 */
function readNames(label: string, issuerParam: string | undefined, warnings: string[]): { issuer: string; label: string } {
  let prefix: string | undefined;
  let account = label;
  if (issuerParam !== undefined && label.startsWith(`${issuerParam}:`)) {
    prefix = issuerParam;
    account = label.slice(issuerParam.length + 1);
  } else {
    const colon = label.indexOf(':');
    if (colon !== -1) {
      prefix = label.slice(0, colon);
      account = label.slice(colon + 1);
    }
  }
  const issuer = cleanDisplayText(issuerParam ?? prefix ?? '', 'issuer');
  const name = cleanDisplayText(account, 'label');
  if (issuerParam !== undefined && prefix !== undefined && prefix.trim() !== issuerParam.trim()) {
    warnings.push('issuer: the label prefix and the issuer parameter disagree; the parameter was used');
  }
  for (const text of [issuer, name]) {
    if (text.warning !== undefined) warnings.push(text.warning);
  }
  if (isTooLong(issuer.text)) throw new UriError('URI_MALFORMED', 'issuer is longer than 256 characters');
  if (isTooLong(name.text)) throw new UriError('URI_MALFORMED', 'label is longer than 256 characters');
  return { issuer: issuer.text, label: name.text };
}
