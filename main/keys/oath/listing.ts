import { LatchkeyError } from '../../../shared/errors.js';
import { DEFAULT_PERIOD, HASH_ALGORITHM, OATH_TYPE, TAG } from './constants.js';
import { parseCredentialId } from './credential-id.js';
import type { ListedProperties, OathDialect } from './dialects.js';
import type { OathAlgorithm, OathCredential, OathType, OathVersion } from './model.js';
import { truncateHmac } from './codes.js';
import { parseTlvs } from './tlv.js';

const TYPES: Readonly<Record<number, OathType>> = { [OATH_TYPE.hotp]: 'hotp', [OATH_TYPE.totp]: 'totp' };
const ALGORITHMS: Readonly<Record<number, OathAlgorithm>> = { [HASH_ALGORITHM.SHA1]: 'SHA1', [HASH_ALGORITHM.SHA256]: 'SHA256', [HASH_ALGORITHM.SHA512]: 'SHA512' };

export const typeAlgorithmByte = (type: OathType, algorithm: OathAlgorithm) => OATH_TYPE[type] | HASH_ALGORITHM[algorithm];

/** A credential from what the key said about it; what it did not say stays undefined. */
export function describeCredential(
  id: Uint8Array,
  type: OathType,
  known: { algorithm?: OathAlgorithm | undefined; digits?: number | undefined } & Partial<ListedProperties> = {},
): OathCredential {
  const name = parseCredentialId(type, id);
  return {
    id: Uint8Array.from(id),
    name: name.name,
    issuer: name.issuer,
    account: name.account,
    type,
    period: name.period,
    algorithm: known.algorithm,
    digits: known.digits,
    touch: known.touch,
    pinProtected: known.pinProtected,
  };
}

export interface ListedEntry {
  /** Undefined for the NK3's other kinds (reverse HOTP, HMAC slots, password-safe entries): they take room but are not OTP credentials. */
  readonly credential: OathCredential | undefined;
}

/** A LIST answer: `72 len [type|algo, id…, (props)]` per entry, in the key's storage order. */
export function parseList(data: Uint8Array, dialect: OathDialect, version: OathVersion): ListedEntry[] {
  return parseTlvs(data, dialect.responseLengths).map((entry) => {
    if (entry.tag !== TAG.NAME_LIST) throw new LatchkeyError('KEY_PROTOCOL', `the key's list holds tag ${entry.tag.toString(16)} where only 72 belongs`);
    const { typeByte, id, properties } = dialect.splitListEntry(entry.value, version);
    const type = TYPES[typeByte & 0xf0];
    if (type === undefined) return { credential: undefined };
    return { credential: describeCredential(id, type, { algorithm: ALGORITHMS[typeByte & 0x0f], ...properties }) };
  });
}

const CALCULATE_ALL_ANSWERS: ReadonlySet<number> = new Set([TAG.RESPONSE, TAG.TRUNCATED, TAG.HOTP, TAG.TOUCH]);

/** A CALCULATE ALL answer: strict pairs, 71 id then one of 75/76/77/7C (YubiKey sheet §5, trap 9). */
export function parseCalculateAll(data: Uint8Array, dialect: OathDialect): { id: Uint8Array; tag: number; value: Uint8Array }[] {
  const tlvs = parseTlvs(data, dialect.responseLengths);
  const pairs: { id: Uint8Array; tag: number; value: Uint8Array }[] = [];
  for (let index = 0; index < tlvs.length; index += 2) {
    const name = tlvs[index];
    const answer = tlvs[index + 1];
    if (name?.tag !== TAG.NAME || answer === undefined || !CALCULATE_ALL_ANSWERS.has(answer.tag)) {
      throw new LatchkeyError('KEY_PROTOCOL', 'the key’s CALCULATE ALL answer is not a list of name/answer pairs');
    }
    pairs.push({ id: name.value, tag: answer.tag, value: answer.value });
  }
  return pairs;
}

export const isDefaultPeriod = (credential: OathCredential) => credential.type === 'totp' && credential.period === DEFAULT_PERIOD;

/** The 31-bit value of a 75 (full HMAC, truncated here) or 76 (truncated by the key) answer `[digits, …]`. */
export function responseValue(tag: number, value: Uint8Array): number {
  const body = value.subarray(1);
  if (tag === TAG.TRUNCATED) {
    if (body.length !== 4) throw new LatchkeyError('KEY_PROTOCOL', `the key's truncated answer is ${String(body.length)} bytes instead of 4`);
    return new DataView(body.buffer, body.byteOffset, 4).getUint32(0, false);
  }
  return truncateHmac(body);
}

/** A CALCULATE answer: exactly one 75 or 76 TLV (yubikit's rule too). */
export function parseCalculateAnswer(data: Uint8Array, dialect: OathDialect): { readonly digits: number; readonly value: number } {
  const [answer, ...rest] = parseTlvs(data, dialect.responseLengths);
  if (answer === undefined || rest.length > 0 || answer.value.length < 5 || (answer.tag !== TAG.TRUNCATED && answer.tag !== TAG.RESPONSE)) {
    throw new LatchkeyError('KEY_PROTOCOL', 'the key’s CALCULATE answer is not one 75 or 76 value');
  }
  return { digits: answer.value[0] ?? 0, value: responseValue(answer.tag, answer.value) };
}
