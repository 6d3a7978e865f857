import { timingSafeEqual } from 'node:crypto';
import { algorithmFromCode, counterMessage, hmac, truncate31 } from '../oath-common/otp-math.js';
import { concatBytes, parseTlvs, rawTlv, type Tlv } from '../oath-common/tlv.js';
import type { TouchOutcome } from '../oath-common/touch-wait.js';
import type { RandomSource } from '../yubikey-otp/state.js';
import { NK3_CREDENTIAL_LIMIT, NK3_PIN_RETRIES, type Nk3Credential, type Nk3State } from './state.js';

/**
 * The Nitrokey 3 Secrets App behind CTAPHID vendor command 0x70 (nk3 sheet §3–§6): a short or
 * extended APDU in, `SW1 SW2 ‖ data` out (status word FIRST). Only the YKOATH-derived OTP part is
 * emulated, with the PIN; password-safe fields are accepted and only remembered as a LIST bit,
 * Reverse-HOTP and HMAC slots are refused (6A80), VERIFY_CODE and GET_CREDENTIAL answer 6D00.
 */
export const SECRETS_AID = Uint8Array.from([0xa0, 0x00, 0x00, 0x05, 0x27, 0x21, 0x01]);

export const NK3_SW = {
  OK: 0x9000,
  MORE: 0x61ff,
  PIN_WRONG: 0x6300,
  INTERRUPTED: 0x6500,
  WRONG_LENGTH: 0x6700,
  SECURE_MESSAGING: 0x6882,
  CHAINING: 0x6884,
  SECURITY: 0x6982,
  EXISTS: 0x6983,
  CONDITIONS: 0x6985,
  WRONG_DATA: 0x6a80,
  UNSUPPORTED: 0x6a81,
  NOT_FOUND: 0x6a82,
  NO_SPACE: 0x6a84,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
} as const;

const TAG = { NAME: 0x71, LIST_ENTRY: 0x72, KEY: 0x73, CHALLENGE: 0x74, TRUNCATED: 0x76, PROPERTY: 0x78, VERSION: 0x79, IMF: 0x7a, PIN: 0x80, NEW_PIN: 0x81, PIN_ATTEMPTS: 0x82, LOGIN: 0x83, PASSWORD: 0x84, METADATA: 0x85, SERIAL: 0x8f } as const;
/** PUT/UPDATE property bits (request encoding). */
const PUT_TOUCH = 0x02;
const PUT_PIN_ENCRYPTED = 0x04;
/** LIST v1 property bits (answer encoding: different from PUT's, sheet §3). */
const LIST_TOUCH = 0x01;
const LIST_PIN_ENCRYPTED = 0x02;
const LIST_PASSWORD_SAFE = 0x04;
/** `ShortData` on the key: labels and secrets up to 128 bytes, longer → 6A84. */
const MAX_FIELD = 128;
/** The CTAPHID buffer (3072) less the status word: a longer LIST answer comes in chunks. */
const MAX_ANSWER_DATA = 3070;

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Uint8Array;
}

/** Short `CLA INS P1 P2 [Lc data]` or extended `… 00 LcHi LcLo data`; Lc must match (else null → CTAPHID ERROR 03). */
export function parseNk3Apdu(bytes: Uint8Array): CommandApdu | null {
  if (bytes.length < 4) return null;
  const [cla = 0, ins = 0, p1 = 0, p2 = 0, lc = 0] = bytes;
  const header = { cla, ins, p1, p2 };
  if (bytes.length <= 5) return { ...header, data: new Uint8Array(0) }; // no data (a lone 5th byte is an Le)
  if (lc !== 0) return bytes.length === 5 + lc ? { ...header, data: bytes.subarray(5) } : null;
  if (bytes.length < 7) return null;
  const extended = ((bytes[5] ?? 0) << 8) | (bytes[6] ?? 0);
  return bytes.length === 7 + extended && extended > 0 ? { ...header, data: bytes.subarray(7) } : null;
}

export interface Nk3Session {
  /** VERIFY_PIN authorises only the next command (and its SEND_REMAINING chain). */
  pinAuthorised: boolean;
  /** The rest of a chunked LIST. */
  pendingList: Uint8Array[] | null;
}

export interface SecretsContext {
  readonly state: Nk3State;
  readonly session: Nk3Session;
  readonly random: RandomSource;
  readonly touch: () => Promise<TouchOutcome>;
}

export interface SecretsResult {
  readonly sw: number;
  readonly data?: Uint8Array;
  readonly changed?: boolean;
}

const fail = (sw: number): SecretsResult => ({ sw });

export async function secretsCommand(apdu: CommandApdu, ctx: SecretsContext): Promise<SecretsResult> {
  if ((apdu.cla & 0x10) !== 0) return fail(NK3_SW.CHAINING);
  if ((apdu.cla & 0x0c) !== 0) return fail(NK3_SW.SECURE_MESSAGING);
  if (apdu.cla !== 0x00) return fail(NK3_SW.CLA_NOT_SUPPORTED);
  const { session } = ctx;
  if (apdu.ins === 0xa5 && apdu.p1 === 0 && apdu.p2 === 0) return sendRemaining(session);
  session.pendingList = null;
  // The authorisation of a VERIFY_PIN lasts for exactly this one command.
  const pinAuthorised = session.pinAuthorised;
  session.pinAuthorised = false;
  const route = `${hex2(apdu.ins)}${hex2(apdu.p1)}${hex2(apdu.p2)}`;
  switch (route) {
    case 'a40400':
      return select(ctx);
    case '010000':
      return put(apdu, ctx, pinAuthorised);
    case '020000':
      return remove(apdu, ctx, pinAuthorised);
    case '030000':
      // Caught by the YubiKey-compatible STATUS handler, not SET CODE: 9000 and status bytes (sheet §4).
      return { sw: NK3_SW.OK, data: Uint8Array.of(0x04, ctx.state.appVersion[1], ctx.state.appVersion[2], 0x42, 0x42, 0x42) };
    case '04dead':
      return reset(ctx);
    case 'a10000':
      return list(apdu, ctx, pinAuthorised);
    case 'a20001':
      return calculate(apdu, ctx, pinAuthorised);
    case 'b20000':
      return verifyPin(apdu, ctx);
    case 'b30000':
      return changePin(apdu, ctx);
    case 'b40000':
      return setPin(apdu, ctx);
    case 'b70000':
      return update(apdu, ctx, pinAuthorised);
    default:
      // Also VALIDATE (A3), CALCULATE ALL (A4 00 01, compiled out), CALCULATE P2 = 00, RENAME (05).
      return fail(NK3_SW.INS_NOT_SUPPORTED);
  }
}

function select(ctx: SecretsContext): SecretsResult {
  const { state } = ctx;
  const serial = Buffer.alloc(4);
  serial.writeUInt32BE(state.serial);
  const identity = state.pin === null ? rawTlv(TAG.NAME, bytes(state.saltHex)) : rawTlv(TAG.PIN_ATTEMPTS, Uint8Array.of(state.pin.retriesLeft));
  return { sw: NK3_SW.OK, data: concatBytes([rawTlv(TAG.VERSION, Uint8Array.from(state.appVersion)), identity, rawTlv(TAG.SERIAL, serial)]) };
}

async function put(apdu: CommandApdu, ctx: SecretsContext, pinAuthorised: boolean): Promise<SecretsResult> {
  const tlvs = parseTlvs(apdu.data, new Set([TAG.PROPERTY]));
  if (tlvs === null) return fail(NK3_SW.WRONG_DATA);
  const [name, key, ...rest] = tlvs;
  if (name?.tag !== TAG.NAME || key?.tag !== TAG.KEY || key.value.length < 3) return fail(NK3_SW.WRONG_DATA);
  const [kindByte = 0, digits = 0] = key.value;
  const algorithm = algorithmFromCode(kindByte & 0x0f);
  const kind = (kindByte & 0xf0) === 0x10 ? 'HOTP' : (kindByte & 0xf0) === 0x20 ? 'TOTP' : null;
  if (algorithm === null || kind === null) return fail(NK3_SW.WRONG_DATA);
  let properties = 0;
  let counter = 0;
  let hasPasswordSafe = false;
  let index = 0;
  const hasProperty = rest[0]?.tag === TAG.PROPERTY;
  if (hasProperty) properties = rest[index++]?.value[0] ?? 0;
  const afterProperty = rest[index];
  if (afterProperty?.tag === TAG.IMF) {
    // A TOTP PUT carrying 7A is refused; for HOTP the field after 78 is the counter (sheet §4).
    if (kind === 'TOTP' || afterProperty.value.length !== 4) return fail(NK3_SW.WRONG_DATA);
    counter = Buffer.from(afterProperty.value).readUInt32BE(0);
    index++;
  } else if (kind === 'HOTP' && hasProperty && afterProperty !== undefined && !isPasswordSafe(afterProperty)) {
    index++; // HOTP: whatever follows 78 is taken as the counter field; not 7A → dropped
  }
  for (const tlv of rest.slice(index)) {
    if (!isPasswordSafe(tlv)) return fail(NK3_SW.WRONG_DATA);
    if (tlv.tag !== TAG.METADATA) hasPasswordSafe = true;
  }
  if (name.value.length > MAX_FIELD || key.value.length - 2 > MAX_FIELD) return fail(NK3_SW.NO_SPACE);
  const pinEncrypted = (properties & PUT_PIN_ENCRYPTED) !== 0;
  const touch = (properties & PUT_TOUCH) !== 0;
  if (pinEncrypted && !pinAuthorised) return fail(NK3_SW.SECURITY);
  // The touch comes before the duplicate and capacity checks (sheet, second reading).
  if (touch && !pinEncrypted) {
    const outcome = await ctx.touch();
    if (outcome !== 'touched') return fail(touchFailure(outcome));
  }
  const labelHex = Buffer.from(name.value).toString('hex');
  const { state } = ctx;
  if (state.credentials.some((c) => c.labelHex === labelHex)) return fail(NK3_SW.EXISTS);
  if (state.credentials.length >= NK3_CREDENTIAL_LIMIT) return fail(NK3_SW.NO_SPACE);
  state.credentials.push({ labelHex, kind, algorithm, digits, secretHex: Buffer.from(key.value.subarray(2)).toString('hex'), touch, pinEncrypted, hasPasswordSafe, counter });
  return { sw: NK3_SW.OK, changed: true };
}

async function remove(apdu: CommandApdu, ctx: SecretsContext, pinAuthorised: boolean): Promise<SecretsResult> {
  const name = onlyName(apdu.data);
  if (name === null) return fail(NK3_SW.WRONG_DATA);
  // Every DELETE costs a touch first, even of a name that is not there.
  const outcome = await ctx.touch();
  if (outcome !== 'touched') return fail(touchFailure(outcome));
  const index = visibleIndex(ctx.state, name, pinAuthorised);
  if (index < 0) return fail(NK3_SW.NOT_FOUND);
  ctx.state.credentials.splice(index, 1);
  return { sw: NK3_SW.OK, changed: true };
}

async function reset(ctx: SecretsContext): Promise<SecretsResult> {
  const outcome = await ctx.touch();
  if (outcome !== 'touched') return fail(touchFailure(outcome));
  ctx.state.credentials = [];
  ctx.state.pin = null;
  ctx.state.saltHex = Buffer.from(ctx.random(8)).toString('hex');
  return { sw: NK3_SW.OK, changed: true };
}

function list(apdu: CommandApdu, ctx: SecretsContext, pinAuthorised: boolean): SecretsResult {
  const version = apdu.data.length === 0 ? 0 : (apdu.data[0] ?? 0);
  // Version ≥ 2: the app stops serialising and answers 61FF with nothing to continue (second reading).
  if (version > 1) return { sw: NK3_SW.MORE, data: new Uint8Array(0) };
  const entries = ctx.state.credentials
    .filter((c) => !c.pinEncrypted || pinAuthorised)
    .map((c) => {
      const value = [kindAlgorithmByte(c), ...bytes(c.labelHex)];
      if (version === 1) value.push((c.touch ? LIST_TOUCH : 0) | (c.pinEncrypted ? LIST_PIN_ENCRYPTED : 0) | (c.hasPasswordSafe ? LIST_PASSWORD_SAFE : 0));
      return rawTlv(TAG.LIST_ENTRY, Uint8Array.from(value));
    });
  return chunk(entries, ctx.session);
}

function sendRemaining(session: Nk3Session): SecretsResult {
  const rest = session.pendingList;
  session.pendingList = null;
  if (rest === null) return fail(NK3_SW.CONDITIONS);
  return chunk(rest, session);
}

/** As many whole entries as fit, with 61FF while more remain. */
function chunk(entries: readonly Uint8Array[], session: Nk3Session): SecretsResult {
  let size = 0;
  let count = 0;
  for (const entry of entries) {
    if (size + entry.length > MAX_ANSWER_DATA) break;
    size += entry.length;
    count++;
  }
  const data = concatBytes(entries.slice(0, count));
  if (count === entries.length) return { sw: NK3_SW.OK, data };
  session.pendingList = entries.slice(count);
  return { sw: NK3_SW.MORE, data };
}

async function calculate(apdu: CommandApdu, ctx: SecretsContext, pinAuthorised: boolean): Promise<SecretsResult> {
  const tlvs = parseTlvs(apdu.data);
  const [name, challenge] = tlvs ?? [];
  if (name?.tag !== TAG.NAME || challenge?.tag !== TAG.CHALLENGE) return fail(NK3_SW.WRONG_DATA);
  const index = visibleIndex(ctx.state, Buffer.from(name.value).toString('hex'), pinAuthorised);
  const credential = ctx.state.credentials[index];
  if (credential === undefined) return fail(NK3_SW.NOT_FOUND);
  if (credential.touch && !credential.pinEncrypted) {
    const outcome = await ctx.touch();
    if (outcome !== 'touched') return fail(touchFailure(outcome));
  }
  let message = challenge.value;
  let changed = false;
  if (credential.kind === 'HOTP') {
    // The counter is bumped before anything else is checked, SHA512 included (second reading).
    message = counterMessage(credential.counter);
    credential.counter = (credential.counter + 1) >>> 0;
    changed = true;
  }
  if (credential.algorithm === 'SHA512') return { sw: NK3_SW.UNSUPPORTED, changed };
  const mac = hmac(credential.algorithm, bytes(credential.secretHex), message);
  return { sw: NK3_SW.OK, data: rawTlv(TAG.TRUNCATED, concatBytes([Uint8Array.of(credential.digits), truncate31(mac)])), changed };
}

async function verifyPin(apdu: CommandApdu, ctx: SecretsContext): Promise<SecretsResult> {
  const tlvs = parseTlvs(apdu.data);
  const pin = tlvs?.[0];
  if (pin?.tag !== TAG.PIN || tlvs?.length !== 1) return fail(NK3_SW.WRONG_DATA);
  const { state } = ctx;
  if (state.pin === null) return fail(NK3_SW.SECURITY);
  const outcome = await ctx.touch();
  if (outcome !== 'touched') return fail(touchFailure(outcome));
  if (!checkPin(state, pin.value)) return { sw: NK3_SW.PIN_WRONG, changed: true };
  ctx.session.pinAuthorised = true;
  return { sw: NK3_SW.OK, changed: true };
}

async function setPin(apdu: CommandApdu, ctx: SecretsContext): Promise<SecretsResult> {
  const tlvs = parseTlvs(apdu.data);
  const pin = tlvs?.[0];
  if (pin?.tag !== TAG.PIN || tlvs?.length !== 1 || pin.value.length === 0) return fail(NK3_SW.WRONG_DATA);
  if (ctx.state.pin !== null) return fail(NK3_SW.SECURITY);
  const outcome = await ctx.touch();
  if (outcome !== 'touched') return fail(touchFailure(outcome));
  ctx.state.pin = { pinHex: Buffer.from(pin.value).toString('hex'), retriesLeft: NK3_PIN_RETRIES };
  return { sw: NK3_SW.OK, changed: true };
}

async function changePin(apdu: CommandApdu, ctx: SecretsContext): Promise<SecretsResult> {
  const tlvs = parseTlvs(apdu.data);
  const [old, next] = tlvs ?? [];
  if (old?.tag !== TAG.PIN || next?.tag !== TAG.NEW_PIN || tlvs?.length !== 2 || next.value.length === 0) return fail(NK3_SW.WRONG_DATA);
  const { state } = ctx;
  if (state.pin === null) return fail(NK3_SW.SECURITY);
  const outcome = await ctx.touch();
  if (outcome !== 'touched') return fail(touchFailure(outcome));
  if (!checkPin(state, old.value)) return { sw: NK3_SW.PIN_WRONG, changed: true };
  state.pin = { pinHex: Buffer.from(next.value).toString('hex'), retriesLeft: NK3_PIN_RETRIES };
  return { sw: NK3_SW.OK, changed: true };
}

/** UPDATE_CREDENTIAL: a new name (the NK3's rename) and/or new properties; always a touch. */
async function update(apdu: CommandApdu, ctx: SecretsContext, pinAuthorised: boolean): Promise<SecretsResult> {
  const tlvs = parseTlvs(apdu.data);
  const [name, ...changes] = tlvs ?? [];
  if (name?.tag !== TAG.NAME) return fail(NK3_SW.WRONG_DATA);
  const outcome = await ctx.touch();
  if (outcome !== 'touched') return fail(touchFailure(outcome));
  const { state } = ctx;
  const credential = state.credentials[visibleIndex(state, Buffer.from(name.value).toString('hex'), pinAuthorised)];
  if (credential === undefined) return fail(NK3_SW.NOT_FOUND);
  const updated = { ...credential };
  for (const change of changes) {
    if (change.tag === TAG.NAME) {
      if (change.value.length > MAX_FIELD) return fail(NK3_SW.NO_SPACE);
      const labelHex = Buffer.from(change.value).toString('hex');
      if (labelHex !== credential.labelHex && state.credentials.some((c) => c.labelHex === labelHex)) return fail(NK3_SW.EXISTS);
      updated.labelHex = labelHex;
    } else if (change.tag === TAG.PROPERTY && change.value.length === 1) {
      updated.touch = ((change.value[0] ?? 0) & PUT_TOUCH) !== 0;
    } else if (isPasswordSafe(change)) {
      if (change.tag !== TAG.METADATA) updated.hasPasswordSafe = true;
    } else {
      return fail(NK3_SW.WRONG_DATA);
    }
  }
  Object.assign(credential, updated);
  return { sw: NK3_SW.OK, changed: true };
}

/** A wrong PIN costs a retry; at 0 even the right PIN fails (sheet §4). */
function checkPin(state: Nk3State, given: Uint8Array): boolean {
  const pin = state.pin;
  if (pin === null) return false;
  if (pin.retriesLeft === 0) return false;
  const stored = bytes(pin.pinHex);
  if (stored.length === given.length && timingSafeEqual(stored, given)) {
    pin.retriesLeft = NK3_PIN_RETRIES;
    return true;
  }
  pin.retriesLeft -= 1;
  return false;
}

function touchFailure(outcome: TouchOutcome): number {
  // A timeout is 6982; a wait ended by CANCEL is "interrupted" → 6500 (sheet open question 1).
  return outcome === 'cancelled' ? NK3_SW.INTERRUPTED : NK3_SW.SECURITY;
}

/** PIN-encrypted credentials exist for the host only right after VERIFY_PIN. */
function visibleIndex(state: Nk3State, labelHex: string, pinAuthorised: boolean): number {
  return state.credentials.findIndex((c) => c.labelHex === labelHex && (!c.pinEncrypted || pinAuthorised));
}

function onlyName(data: Uint8Array): string | null {
  const tlvs = parseTlvs(data);
  const name = tlvs?.[0];
  return tlvs?.length === 1 && name?.tag === TAG.NAME ? Buffer.from(name.value).toString('hex') : null;
}

function isPasswordSafe(tlv: Tlv): boolean {
  return tlv.tag === TAG.LOGIN || tlv.tag === TAG.PASSWORD || tlv.tag === TAG.METADATA;
}

function kindAlgorithmByte(c: Nk3Credential): number {
  return (c.kind === 'HOTP' ? 0x10 : 0x20) | { SHA1: 0x01, SHA256: 0x02, SHA512: 0x03 }[c.algorithm];
}

function bytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
