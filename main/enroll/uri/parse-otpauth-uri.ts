import {
  checkAccountDraft,
  checkOtpParams,
  cleanDisplayText,
  DEFAULTS,
  firstProblem,
  IN_WORDS,
  LIMITS,
  type AccountDraft,
  type DraftField,
  type DraftProblem,
  type OtpParams,
} from '../../../shared/account.js';
import { MAX_URI_LENGTH } from '../../../shared/api.js';
import { decodeBase32, describeBase32Problem } from '../../otp/index.js';
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
  const names = readNames(decodeComponent(rawLabel, 'the label'), params.get('issuer'), warnings);
  const secret = readSecret(params.get('secret'));
  // The ranges are the schema's (shared/account.ts); a text that is no secret at all waits its turn
  // as a missing one, so the names are still refused first, as they always were.
  const checked = checkAccountDraft({ ...otp, ...names, secret: typeof secret === 'string' ? undefined : secret });
  if (!checked.ok) {
    const problem = firstProblem(checked.problems, DRAFT_ORDER);
    throw problem.field === 'secret' && typeof secret === 'string' ? new UriError('URI_BAD_SECRET', secret) : refusal(problem, params);
  }
  return { draft: checked.value, warnings };
}

// The order refusals have always come in: the parameters first, then the names, then the secret.
const PARAMS_ORDER: readonly DraftField[] = ['type', 'algorithm', 'digits', 'counter', 'period'];
const DRAFT_ORDER: readonly DraftField[] = ['issuer', 'label', 'secret'];

function readOtpParams(host: string, params: ReadonlyMap<string, string>, warnings: string[]): OtpParams {
  if (host === '') throw new UriError('URI_BAD_TYPE', 'the OTP type is missing (expected otpauth://totp/…, hotp or steam)');
  if (host !== 'totp' && host !== 'hotp' && host !== 'steam') {
    throw new UriError('URI_BAD_TYPE', `unknown OTP type "${printable(host)}": expected totp, hotp or steam`);
  }
  const isSteam = host === 'steam' || params.get('encoder')?.toLowerCase() === 'steam';
  const period = wholeNumber(params.get('period'), DEFAULTS.period);
  const candidate = isSteam
    ? { type: 'steam', algorithm: 'SHA1', digits: LIMITS.steamDigits, period }
    : {
        type: host,
        algorithm: params.get('algorithm')?.toUpperCase().replace(/-/g, '') ?? DEFAULTS.algorithm,
        digits: wholeNumber(params.get('digits'), DEFAULTS.digits),
        ...(host === 'hotp' ? { counter: counterOf(params.get('counter')) } : { period }),
      };
  const checked = checkOtpParams(candidate);
  if (!checked.ok) throw refusal(firstProblem(checked.problems, PARAMS_ORDER), params);
  const otp = checked.value;
  if (otp.type !== 'steam' && otp.digits !== 6 && otp.digits !== 8) warnings.push(`digits: ${String(otp.digits)} is unusual (most services use 6 or 8)`);
  return otp;
}

/** A decimal parameter as a number; any other text is passed on as it is, for the schema to refuse. */
function wholeNumber(value: string | undefined, fallback: number): number | string {
  if (value === undefined) return fallback;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** The counter as an exact bigint; missing stays missing (a HOTP URI must name it). */
function counterOf(value: string | undefined): bigint | string | undefined {
  return value !== undefined && /^\d+$/.test(value) ? BigInt(value) : value;
}

/** Each field the schema refuses has its own URI_* code and words. */
function refusal(problem: DraftProblem, params: ReadonlyMap<string, string>): UriError {
  switch (problem.field) {
    case 'type':
      return new UriError('URI_BAD_TYPE', problem.message);
    case 'algorithm':
      return new UriError('URI_BAD_ALGORITHM', `algorithm "${printable(params.get('algorithm') ?? '')}" is not supported: use ${IN_WORDS.algorithms}`);
    case 'digits':
      return new UriError('URI_BAD_DIGITS', `digits must be a whole number from ${IN_WORDS.digits}`);
    case 'period':
      return new UriError('URI_BAD_PERIOD', `period must be a whole number of seconds from ${IN_WORDS.period}`);
    case 'counter':
      return new UriError('URI_BAD_COUNTER', problem.kind === 'missing' ? 'a HOTP URI needs a counter parameter' : `counter must be a whole number from ${IN_WORDS.counter}`);
    case 'issuer':
    case 'label':
      return new UriError('URI_MALFORMED', `${problem.field} is longer than ${IN_WORDS.textMax}`);
    case 'secret':
      return new UriError('URI_BAD_SECRET', problem.kind === 'tooBig' ? `secret is longer than ${IN_WORDS.secretBytesMax}` : 'the secret is empty');
  }
}

/** The secret's bytes, or what is wrong with its text. How many bytes may be is the schema's call. */
function readSecret(value: string | undefined): Uint8Array | string {
  if (value === undefined) return 'the secret parameter is missing';
  const decoded = decodeBase32(value);
  return decoded.ok ? decoded.bytes : describeBase32Problem(decoded.problem);
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
  return { issuer: issuer.text, label: name.text };
}
