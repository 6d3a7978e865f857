import { timingSafeEqual } from 'node:crypto';
import { BLOCK_SIZE, counterMessage, hmac, truncate31 } from '../oath-common/otp-math.js';
import { berTlv, concatBytes, parseTlvs, type Tlv } from '../oath-common/tlv.js';
import type { TouchOutcome } from '../oath-common/touch-wait.js';
import type { RandomSource } from '../yubikey-otp/state.js';
import { SW, type CommandApdu } from './apdu.js';
import { capacityOf, decodeTypeAlgorithm, typeAlgorithmByte, versionAtLeast, type OathCardState, type OathCredential } from './state.js';

/**
 * The YKOATH applet (sheet §3–§11), one command at a time. It works on a copy of the state the card
 * commits when `changed` is set, and on the session (what SELECT, VALIDATE and chaining leave on the
 * card until the next SELECT, reset or power-off).
 */
export const OATH_AID = Uint8Array.from([0xa0, 0x00, 0x00, 0x05, 0x27, 0x21, 0x01]);

export const INS = {
  PUT: 0x01,
  DELETE: 0x02,
  SET_CODE: 0x03,
  RESET: 0x04,
  RENAME: 0x05,
  LIST: 0xa1,
  CALCULATE: 0xa2,
  VALIDATE: 0xa3,
  SELECT_OR_CALCULATE_ALL: 0xa4,
  SEND_REMAINING: 0xa5,
} as const;

const TAG = { NAME: 0x71, NAME_LIST: 0x72, KEY: 0x73, CHALLENGE: 0x74, RESPONSE: 0x75, TRUNCATED: 0x76, HOTP: 0x77, PROPERTY: 0x78, VERSION: 0x79, IMF: 0x7a, ALGORITHM: 0x7b, TOUCH: 0x7c } as const;
const PROPERTY_REQUIRE_TOUCH = 0x02;
const MAX_ID_BYTES = 64;
/** Shorter keys are refused by newer keys (sheet §7; the SW is the model's). */
const MIN_KEY_BYTES = 14;

export interface OathSession {
  validated: boolean;
  /** The challenge of the last SELECT when a code is set; stays valid after a wrong VALIDATE. */
  selectChallenge: Uint8Array | null;
}

/** What SELECT works on: the card's state, its session, and randomness for the challenge. */
export interface SelectContext {
  readonly state: OathCardState;
  readonly session: OathSession;
  readonly random: RandomSource;
}

export interface AppletContext extends SelectContext {
  /** Waits for the button (policy, touch(), timeout). */
  readonly touch: () => Promise<TouchOutcome>;
}

export interface AppletResult {
  readonly sw: number;
  readonly data?: Uint8Array;
  /** The working state changed: the card commits (and saves) it. */
  readonly changed?: boolean;
}

const fail = (sw: number): AppletResult => ({ sw });

/** SELECT of the OATH AID: version, salt, and the challenge + algorithm when a code is set. */
export function selectOath(ctx: SelectContext): AppletResult {
  const { state, session } = ctx;
  session.validated = false;
  session.selectChallenge = null;
  const parts = [berTlv(TAG.VERSION, Uint8Array.from(state.firmware)), berTlv(TAG.NAME, hexBytes(state.saltHex))];
  if (state.access !== null) {
    session.selectChallenge = ctx.random(8);
    parts.push(berTlv(TAG.CHALLENGE, session.selectChallenge), berTlv(TAG.ALGORITHM, Uint8Array.of(state.access.typeByte)));
  }
  return { sw: SW.OK, data: concatBytes(parts) };
}

export async function oathCommand(apdu: CommandApdu, ctx: AppletContext): Promise<AppletResult> {
  const { state, session } = ctx;
  // A set code locks everything but VALIDATE and RESET, checked before anything else (sheet §8).
  if (state.access !== null && !session.validated && apdu.ins !== INS.VALIDATE && apdu.ins !== INS.RESET) return fail(SW.SECURITY_NOT_SATISFIED);
  switch (apdu.ins) {
    case INS.PUT:
      return put(apdu, ctx);
    case INS.DELETE:
      return remove(apdu, state);
    case INS.SET_CODE:
      return setCode(apdu, state);
    case INS.RESET:
      return reset(apdu, ctx);
    case INS.RENAME:
      return rename(apdu, state);
    case INS.LIST:
      return list(state);
    case INS.CALCULATE:
      return calculate(apdu, ctx);
    case INS.VALIDATE:
      return validate(apdu, ctx);
    case INS.SELECT_OR_CALCULATE_ALL:
      // P1 04 (SELECT) is handled by the card before the applet sees it (sheet trap 1).
      return apdu.p1 === 0x00 ? calculateAll(apdu, state) : fail(SW.WRONG_P1P2);
    default:
      return fail(SW.INS_NOT_SUPPORTED);
  }
}

function put(apdu: CommandApdu, ctx: AppletContext): AppletResult {
  const { state } = ctx;
  const tlvs = parseTlvs(apdu.data, new Set([TAG.PROPERTY]));
  if (tlvs === null) return fail(SW.WRONG_DATA);
  const [name, key, ...optional] = tlvs;
  if (name?.tag !== TAG.NAME || key?.tag !== TAG.KEY) return fail(SW.WRONG_DATA);
  if (name.value.length < 1 || name.value.length > MAX_ID_BYTES) return fail(SW.WRONG_DATA);
  const [typeByte = 0, digits = 0] = key.value;
  const kind = decodeTypeAlgorithm(typeByte);
  const secret = key.value.subarray(2);
  if (kind === null || digits < 6 || digits > 8) return fail(SW.WRONG_DATA);
  if (secret.length < MIN_KEY_BYTES || secret.length > BLOCK_SIZE[kind.algorithm]) return fail(SW.WRONG_DATA);
  if (kind.algorithm === 'SHA512' && !versionAtLeast(state.firmware, [4, 3, 1])) return fail(SW.WRONG_DATA);
  // Then, in this order and each at most once: 78 <property> (no length), 7A 04 <counter>.
  const [property, imf, ...extra] = optional[0]?.tag === TAG.PROPERTY ? optional : [undefined, ...optional];
  if (extra.length > 0 || (imf !== undefined && (imf.tag !== TAG.IMF || imf.value.length !== 4))) return fail(SW.WRONG_DATA);
  const touch = ((property?.value[0] ?? 0) & PROPERTY_REQUIRE_TOUCH) !== 0;
  // Only HOTP has a counter; a TOTP with 7A is accepted and the counter ignored (sheet §13 checklist).
  const counter = imf !== undefined && kind.type === 'HOTP' ? Buffer.from(imf.value).readUInt32BE(0) : 0;
  if (touch && !versionAtLeast(state.firmware, [4, 2, 4])) return fail(SW.WRONG_DATA);
  const credential: OathCredential = {
    idHex: Buffer.from(name.value).toString('hex'),
    ...kind,
    digits,
    secretHex: Buffer.from(secret).toString('hex'),
    touch,
    counter,
  };
  const existing = state.credentials.findIndex((c) => c.idHex === credential.idHex);
  if (existing >= 0) {
    state.credentials[existing] = credential; // overwritten in place (sheet §5 PUT)
  } else {
    if (state.credentials.length >= capacityOf(state.firmware)) return fail(SW.NO_SPACE);
    state.credentials.push(credential);
  }
  return { sw: SW.OK, changed: true };
}

function remove(apdu: CommandApdu, state: OathCardState): AppletResult {
  const id = singleName(apdu.data);
  if (id === null) return fail(SW.WRONG_DATA);
  const index = state.credentials.findIndex((c) => c.idHex === id);
  if (index < 0) return fail(SW.NO_SUCH_OBJECT);
  state.credentials.splice(index, 1);
  return { sw: SW.OK, changed: true };
}

function setCode(apdu: CommandApdu, state: OathCardState): AppletResult {
  const tlvs = parseTlvs(apdu.data);
  if (tlvs === null) return fail(SW.WRONG_DATA);
  const [key, challenge, response] = tlvs;
  if (key?.tag !== TAG.KEY) return fail(SW.WRONG_DATA);
  if (key.value.length === 0 && tlvs.length === 1) {
    state.access = null;
    return { sw: SW.OK, changed: true };
  }
  if (challenge?.tag !== TAG.CHALLENGE || response?.tag !== TAG.RESPONSE || tlvs.length !== 3) return fail(SW.WRONG_DATA);
  if (key.value.length < 2 || challenge.value.length !== 8) return fail(SW.WRONG_DATA);
  const accessKey = key.value.subarray(1);
  if (!sameBytes(hmac('SHA1', accessKey, challenge.value), response.value)) return fail(SW.NO_SUCH_OBJECT);
  state.access = { typeByte: key.value[0] ?? 0, keyHex: Buffer.from(accessKey).toString('hex') };
  // The session that set the code stays unlocked (sheet §8): the card sets `validated`.
  return { sw: SW.OK, changed: true };
}

function reset(apdu: CommandApdu, ctx: AppletContext): AppletResult {
  if (apdu.p1 !== 0xde || apdu.p2 !== 0xad) return fail(SW.WRONG_P1P2);
  const { state, session } = ctx;
  state.credentials = [];
  state.access = null;
  state.saltHex = Buffer.from(ctx.random(8)).toString('hex');
  session.validated = false;
  session.selectChallenge = null;
  return { sw: SW.OK, changed: true };
}

function rename(apdu: CommandApdu, state: OathCardState): AppletResult {
  if (!versionAtLeast(state.firmware, [5, 3, 1])) return fail(SW.INS_NOT_SUPPORTED);
  const tlvs = parseTlvs(apdu.data);
  const [from, to] = tlvs ?? [];
  if (tlvs?.length !== 2 || from?.tag !== TAG.NAME || to?.tag !== TAG.NAME) return fail(SW.WRONG_DATA);
  const index = state.credentials.findIndex((c) => c.idHex === Buffer.from(from.value).toString('hex'));
  if (index < 0) return fail(SW.NO_SUCH_OBJECT);
  const newId = Buffer.from(to.value).toString('hex');
  if (to.value.length < 1 || to.value.length > MAX_ID_BYTES || state.credentials.some((c) => c.idHex === newId)) return fail(SW.WRONG_DATA);
  const credential = state.credentials[index];
  if (credential !== undefined) credential.idHex = newId;
  return { sw: SW.OK, changed: true };
}

function list(state: OathCardState): AppletResult {
  const entries = state.credentials.map((c) => berTlv(TAG.NAME_LIST, concatBytes([Uint8Array.of(typeAlgorithmByte(c)), hexBytes(c.idHex)])));
  return { sw: SW.OK, data: concatBytes(entries) };
}

async function calculate(apdu: CommandApdu, ctx: AppletContext): Promise<AppletResult> {
  if (apdu.p1 !== 0x00 || apdu.p2 > 0x01) return fail(SW.WRONG_P1P2);
  const tlvs = parseTlvs(apdu.data);
  const [name, challenge] = tlvs ?? [];
  if (name?.tag !== TAG.NAME || challenge?.tag !== TAG.CHALLENGE || tlvs?.length !== 2) return fail(SW.WRONG_DATA);
  const credential = ctx.state.credentials.find((c) => c.idHex === Buffer.from(name.value).toString('hex'));
  if (credential === undefined) return fail(SW.NO_SUCH_OBJECT);
  if (credential.touch && (await ctx.touch()) !== 'touched') return fail(SW.SECURITY_NOT_SATISFIED);
  let message = challenge.value;
  let changed = false;
  if (credential.type === 'HOTP') {
    // The key ignores the challenge and uses (then bumps) its counter, whatever P2 says (sheet trap 14).
    message = counterMessage(credential.counter);
    credential.counter += 1;
    changed = true;
  }
  return { sw: SW.OK, data: answerTlv(credential, message, apdu.p2 === 0x01), changed };
}

function calculateAll(apdu: CommandApdu, state: OathCardState): AppletResult {
  if (apdu.p2 > 0x01) return fail(SW.WRONG_P1P2);
  const tlvs = parseTlvs(apdu.data);
  const challenge = tlvs?.[0];
  if (challenge?.tag !== TAG.CHALLENGE || tlvs?.length !== 1) return fail(SW.WRONG_DATA);
  const entries = state.credentials.map((c) => {
    const id = berTlv(TAG.NAME, hexBytes(c.idHex));
    // HOTP (touch or not) and touch TOTPs are not computed: one byte of digits (sheet trap 9).
    if (c.type === 'HOTP') return concatBytes([id, berTlv(TAG.HOTP, Uint8Array.of(c.digits))]);
    if (c.touch) return concatBytes([id, berTlv(TAG.TOUCH, Uint8Array.of(c.digits))]);
    return concatBytes([id, answerTlv(c, challenge.value, apdu.p2 === 0x01)]);
  });
  return { sw: SW.OK, data: concatBytes(entries) };
}

function validate(apdu: CommandApdu, ctx: AppletContext): AppletResult {
  const { state, session } = ctx;
  if (state.access === null) return fail(SW.NO_SUCH_OBJECT);
  const tlvs = parseTlvs(apdu.data);
  const [response, challenge] = tlvs ?? [];
  if (response?.tag !== TAG.RESPONSE || challenge?.tag !== TAG.CHALLENGE || tlvs?.length !== 2) return fail(SW.WRONG_DATA);
  if (challenge.value.length < 8) return fail(SW.WRONG_DATA);
  const key = hexBytes(state.access.keyHex);
  const expected = session.selectChallenge === null ? null : hmac('SHA1', key, session.selectChallenge);
  // Wrong password: 6A80, and the SELECT challenge stays valid for a retry (sheet §8).
  if (expected === null || !sameBytes(expected, response.value)) return fail(SW.WRONG_DATA);
  session.validated = true;
  return { sw: SW.OK, data: berTlv(TAG.RESPONSE, hmac('SHA1', key, challenge.value)) };
}

/** `76 05 digits t0..t3` (truncated) or `75 (1+L) digits HMAC` (full). */
function answerTlv(credential: OathCredential, message: Uint8Array, truncated: boolean): Uint8Array {
  const mac = hmac(credential.algorithm, hexBytes(credential.secretHex), message);
  const digits = Uint8Array.of(credential.digits);
  return truncated ? berTlv(TAG.TRUNCATED, concatBytes([digits, truncate31(mac)])) : berTlv(TAG.RESPONSE, concatBytes([digits, mac]));
}

function singleName(data: Uint8Array): string | null {
  const tlvs: Tlv[] | null = parseTlvs(data);
  const name = tlvs?.[0];
  if (tlvs?.length !== 1 || name?.tag !== TAG.NAME) return null;
  return Buffer.from(name.value).toString('hex');
}

function hexBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
