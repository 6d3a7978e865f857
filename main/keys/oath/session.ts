import { randomBytes } from 'node:crypto';
import { LatchkeyError } from '../../../shared/errors.js';
import type { ApduTransport } from '../apdu.js';
import { systemKeyClock, type KeyClock } from '../clock.js';
import { CHALLENGE_SIZE, deriveAccessKey } from './access-key.js';
import { changePinCommand, checkValidateProof, clearCodeCommand, pinBlocked, setCodeCommand, setPinCommand, validateCommand, verifyPinCommand, wrongPin } from './auth-commands.js';
import { hotpCode, totpChallenge, totpCode } from './codes.js';
import { INS, OATH_AID, SW, TAG } from './constants.js';
import { formatCredentialId } from './credential-id.js';
import type { OathDialect } from './dialects.js';
import { describeCredential, parseCalculateAnswer, parseList } from './listing.js';
import { prepareCredential } from './new-credential.js';
import { parseSelect } from './select.js';
import type { OathCalculation, OathCode, OathCredential, OathKeyInfo, OathOperationOptions, NewOathCredential, OathVersion } from './model.js';
import { OathProtocol, type OathCommand } from './protocol.js';
import { DEFAULT_OATH_TIMEOUTS, OathCommandRunner, type OathTimeouts, type RunOptions } from './runner.js';
import { calculateAllCodes } from './calculate-all.js';
import { concatBytes, tlv } from './tlv.js';

export interface OathSessionOptions {
  readonly clock?: KeyClock;
  /** One line per APDU, `> hex` / `< hex`; PUT, SET CODE, VALIDATE and PIN commands show lengths only. */
  readonly trace?: (line: string) => void;
  /** Host challenges for VALIDATE and SET CODE; random unless a test replays the vectors. */
  readonly random?: (size: number) => Uint8Array;
  readonly timeouts?: Partial<OathTimeouts>;
}

export interface CalculateOptions extends OathOperationOptions {
  /** Unix seconds; the clock's time when omitted. */
  readonly time?: number;
  /** NK3: VERIFY PIN right before (it authorises one command only). */
  readonly pin?: string;
  /** Ask for the full HMAC (P2 = 00) and truncate on the host (YubiKey only). */
  readonly full?: boolean;
}

/** NK3: the PIN, verified right before the command when the credential is PIN-encrypted. */
export interface PinOperationOptions extends OathOperationOptions {
  readonly pin?: string;
}

export interface PutOptions extends OathOperationOptions {
  /** When the key already holds the name: refuse with KEY_CREDENTIAL_EXISTS (default), or replace it. */
  readonly ifExists?: 'refuse' | 'overwrite';
}

/** P2 of CALCULATE: 01 asks for the 31-bit truncated value, 00 for the whole HMAC. */
const TRUNCATED = 0x01;
const FULL = 0x00;

const unsupported = (message: string) => new LatchkeyError('KEY_UNSUPPORTED', message);

/**
 * One YKOATH session over an APDU transport: the YubiKey OATH applet or the Nitrokey 3 Secrets App,
 * told apart only by the dialect. It never owns the transport and keeps no secret after a call
 * (the SELECT challenge is not one; access keys and PINs live only for the call that uses them).
 */
export class OathSession {
  private selected!: { info: OathKeyInfo; challenge: Uint8Array | undefined };

  private readonly runner: OathCommandRunner;

  private constructor(
    protocol: OathProtocol,
    readonly dialect: OathDialect,
    private readonly clock: KeyClock,
    timeouts: OathTimeouts,
    private readonly random: (size: number) => Uint8Array,
  ) {
    this.runner = new OathCommandRunner(protocol, dialect, clock, timeouts, () => this.info.capacity);
  }

  /** SELECTs the OATH application and reads what it says about the key. */
  static async open(transport: ApduTransport, dialect: OathDialect, options: OathSessionOptions = {}): Promise<OathSession> {
    const session = new OathSession(
      new OathProtocol(transport, dialect.apduForm, options.trace),
      dialect,
      options.clock ?? systemKeyClock,
      { ...DEFAULT_OATH_TIMEOUTS, ...options.timeouts },
      options.random ?? ((size) => new Uint8Array(randomBytes(size))),
    );
    await session.select();
    return session;
  }

  get info(): OathKeyInfo {
    return this.selected.info;
  }

  /**
   * SELECTs again and returns what the key says now (an NK3's PIN attempts left, say). On a
   * YubiKey with a password this locks the applet again: unlock afterwards.
   */
  async refresh(): Promise<OathKeyInfo> {
    return this.select();
  }

  // ─── Credentials ───────────────────────────────────────────────────────────────────────────

  /** The OTP credentials on the key, in its storage order. `pin` (NK3) also shows PIN-encrypted ones. */
  async list(options: OathOperationOptions & { readonly pin?: string } = {}): Promise<OathCredential[]> {
    return (await this.listAll(options)).filter((credential) => credential !== undefined);
  }

  /** Writes a credential. Everything this key cannot hold is refused before anything is sent. */
  async put(input: NewOathCredential, options: PutOptions = {}): Promise<OathCredential> {
    const { id, key, touch } = prepareCredential(input, this.dialect, this.version);
    // A key that refuses duplicates itself needs no listing unless we must delete first to overwrite.
    const overwrite = options.ifExists === 'overwrite';
    if (this.dialect.refusesDuplicatePut(this.version) ? overwrite : !overwrite) await this.makeRoom(id, options);
    const data = concatBytes(tlv(TAG.NAME, id), tlv(TAG.KEY, key), this.dialect.putTail(input.type, touch, input.counter ?? 0));
    try {
      await this.runner.run({ ins: INS.PUT, data, sensitive: true }, { ...options, operation: 'put', touch: this.dialect.needsTouch('put', touch, input.type) });
    } catch (error) {
      throw afterUnplug(error, 'while it was writing the credential: it may or may not hold it now, list the key to find out');
    } finally {
      key.fill(0);
      data.fill(0);
    }
    return describeCredential(id, input.type, { algorithm: input.algorithm, digits: input.digits, touch, pinProtected: false });
  }

  /** `pin` (NK3): a PIN-encrypted credential is verified for right before; the key sees it only then. */
  async delete(credential: OathCredential, options: PinOperationOptions = {}): Promise<void> {
    await this.authorisePinProtected(credential, options);
    await this.runner.run({ ins: INS.DELETE, data: tlv(TAG.NAME, credential.id) }, { ...options, operation: 'delete', touch: this.dialect.needsTouch('delete', credential.touch, credential.type) });
  }

  /**
   * Gives a credential a new issuer and account; a TOTP period stays in the new id. The NK3 refuses a
   * name in use (KEY_CREDENTIAL_EXISTS); what a YubiKey does with one is unknown (ykman checks first),
   * so check the caller's listing before renaming on a YubiKey.
   */
  async rename(credential: OathCredential, to: { readonly issuer?: string; readonly account: string }, options: PinOperationOptions = {}): Promise<OathCredential> {
    const command = this.dialect.rename(this.version);
    if ('unsupported' in command) throw unsupported(command.unsupported);
    const id = formatCredentialId(credential.type, { issuer: to.issuer, account: to.account, period: credential.period }, this.dialect.idByteLimit);
    await this.authorisePinProtected(credential, options);
    await this.runner.run(
      { ins: command.ins, data: concatBytes(tlv(TAG.NAME, credential.id), tlv(TAG.NAME, id)) },
      { ...options, operation: 'rename', touch: this.dialect.needsTouch('rename', credential.touch, credential.type) },
    );
    return { ...describeCredential(id, credential.type, credential), algorithm: credential.algorithm, digits: credential.digits };
  }

  /**
   * One code, computed on the key. A HOTP calculation uses up a counter value even when the answer
   * is lost, so call it only when the user asks for the code (trap 14).
   */
  async calculate(credential: OathCredential, options: CalculateOptions = {}): Promise<OathCode> {
    if (credential.type === 'totp' && credential.period < 1) throw unsupported('this credential’s name gives a period of 0 seconds; no code can be computed for it');
    if (credential.algorithm !== undefined) {
      const refusal = this.dialect.refuseCredential(credential.type, credential.algorithm, false, this.version);
      if (refusal !== null) throw unsupported(refusal);
    }
    if (options.full === true && !this.dialect.hasFullResponse) throw unsupported(`the ${this.dialect.product} only answers truncated codes`);
    if (credential.pinProtected === true && options.pin === undefined) {
      throw new LatchkeyError('KEY_PIN_REQUIRED', 'this credential is encrypted with the Nitrokey 3 PIN', { kind: 'pin' });
    }
    if (options.pin !== undefined) await this.verifyPin(options.pin, options);
    const time = options.time ?? this.clock.now() / 1000;
    const challenge = credential.type === 'totp' ? totpChallenge(time, credential.period) : this.dialect.hotpChallenge;
    const touch = credential.pinProtected === true ? false : this.dialect.needsTouch('calculate', credential.touch, credential.type);
    const data = await this.runner.run(
      { ins: INS.CALCULATE, p2: options.full === true ? FULL : TRUNCATED, data: concatBytes(tlv(TAG.NAME, credential.id), tlv(TAG.CHALLENGE, challenge)) },
      { ...options, operation: 'calculate', touch },
    );
    const { digits, value } = parseCalculateAnswer(data, this.dialect);
    return credential.type === 'totp' ? totpCode(value, digits, time, credential.period) : hotpCode(value, digits, time);
  }

  /** Codes for every credential the key computes without a touch or a counter (see calculate-all.ts). */
  async calculateAll(options: CalculateOptions = {}): Promise<OathCalculation[]> {
    const context = {
      dialect: this.dialect,
      run: (command: OathCommand, run: RunOptions) => this.runner.run(command, run),
      list: (list: OathOperationOptions & { readonly pin?: string }) => this.list(list),
      calculate: (credential: OathCredential, calculate: CalculateOptions) => this.calculate(credential, calculate),
    };
    return calculateAllCodes(context, options.time ?? this.clock.now() / 1000, options);
  }

  /** Erases every credential and the password or PIN, then SELECTs again (a YubiKey gets a new salt: trap 20). */
  async reset(options: OathOperationOptions = {}): Promise<OathKeyInfo> {
    await this.runner.run({ ins: INS.RESET, p1: 0xde, p2: 0xad }, { ...options, operation: 'reset', touch: this.dialect.needsTouch('reset', undefined, undefined) });
    return this.select();
  }

  // ─── YubiKey access password ───────────────────────────────────────────────────────────────

  /** The 16-byte access key for a password on this key (password-equivalent: keep it sealed). */
  deriveAccessKey(password: string): Uint8Array {
    this.requireAuth('password');
    const salt = this.info.salt;
    if (salt === undefined) throw new LatchkeyError('KEY_PROTOCOL', 'the key gave no salt to derive its access key from');
    return deriveAccessKey(password, salt);
  }

  /**
   * VALIDATE: proves we know the password, and checks the key's proof that it does too (mutual:
   * trap 19). A wrong password is KEY_PIN_WRONG; the SELECT challenge stays usable for a retry.
   */
  async unlock(secret: { readonly password: string } | { readonly accessKey: Uint8Array }, options: OathOperationOptions = {}): Promise<void> {
    this.requireAuth('password');
    const challenge = this.selected.challenge;
    if (challenge === undefined) throw new LatchkeyError('INVALID_REQUEST', 'this YubiKey has no access password to unlock');
    const key = 'accessKey' in secret ? Uint8Array.from(secret.accessKey) : this.deriveAccessKey(secret.password);
    const ours = this.random(CHALLENGE_SIZE);
    try {
      const data = await this.runner.run(validateCommand(key, challenge, ours), { ...options, operation: 'validate', touch: false });
      checkValidateProof(data, this.dialect.responseLengths, key, ours);
    } finally {
      key.fill(0);
    }
  }

  /** SET CODE: sets (or with null removes) the access password. Needs an unlocked key when one is set. */
  async setPassword(password: string | null, options: OathOperationOptions = {}): Promise<void> {
    this.requireAuth('password');
    if (password === null) {
      await this.runner.run(clearCodeCommand(), { ...options, operation: 'set-code', touch: false });
      this.selected = { ...this.selected, info: { ...this.info, hasPassword: false } };
      return;
    }
    if (password.length === 0) throw new LatchkeyError('INVALID_REQUEST', 'an empty access password cannot be set; remove the password instead');
    const key = this.deriveAccessKey(password);
    const command = setCodeCommand(key, this.random(CHALLENGE_SIZE));
    try {
      await this.runner.run(command, { ...options, operation: 'set-code', touch: false });
    } finally {
      key.fill(0);
      command.data?.fill(0);
    }
    this.selected = { ...this.selected, info: { ...this.info, hasPassword: true } };
  }

  // ─── Nitrokey 3 PIN ───────────────────────────────────────────────────────────────────────

  /**
   * VERIFY PIN. It authorises only the next command, so a caller verifies right before the command
   * that needs it (`list`/`calculate` do this when given `pin`). A wrong PIN is KEY_PIN_WRONG with
   * the attempts the key has left, read back from SELECT.
   */
  async verifyPin(pin: string, options: OathOperationOptions = {}): Promise<void> {
    this.requirePinSet();
    await this.pinCommand(verifyPinCommand(pin), 'verify-pin', options);
  }

  async setPin(pin: string, options: OathOperationOptions = {}): Promise<void> {
    this.requireAuth('pin');
    if (this.info.hasPin) throw new LatchkeyError('INVALID_REQUEST', 'this Nitrokey 3 already has a PIN: change it instead');
    await this.pinCommand(setPinCommand(pin), 'set-pin', options);
    await this.select();
  }

  async changePin(currentPin: string, newPin: string, options: OathOperationOptions = {}): Promise<void> {
    this.requirePinSet();
    await this.pinCommand(changePinCommand(currentPin, newPin), 'change-pin', options);
    await this.select();
  }

  // ─── Internals ────────────────────────────────────────────────────────────────────────────

  private get version(): OathVersion {
    return this.info.version;
  }

  private async select(): Promise<OathKeyInfo> {
    const data = await this.runner.run({ ins: INS.SELECT, p1: 0x04, data: OATH_AID }, { operation: 'select', touch: false });
    this.selected = parseSelect(data, this.dialect);
    return this.selected.info;
  }

  private async listAll(options: OathOperationOptions & { readonly pin?: string }): Promise<(OathCredential | undefined)[]> {
    if (options.pin !== undefined) await this.verifyPin(options.pin, options);
    const data = await this.runner.run({ ins: INS.LIST, data: this.dialect.listRequest(this.version) }, { ...options, operation: 'list', touch: false });
    return parseList(data, this.dialect, this.version).map((entry) => entry.credential);
  }

  /**
   * Before a PUT: a key that overwrites silently (YubiKey) is listed so an existing name is refused
   * unless asked, and a full key is told as KEY_FULL; on a key that refuses duplicates (NK3),
   * overwriting means DELETE first.
   */
  private async makeRoom(id: Uint8Array, options: PutOptions): Promise<void> {
    const listed = await this.listAll(options);
    const existing = listed.find((credential) => credential !== undefined && sameBytes(credential.id, id));
    if (existing !== undefined) {
      if (options.ifExists !== 'overwrite') throw new LatchkeyError('KEY_CREDENTIAL_EXISTS', 'the key already holds a credential with that name; nothing was written');
      await this.delete(existing, options);
      return;
    }
    if (listed.length >= this.info.capacity) {
      throw new LatchkeyError('KEY_FULL', `the ${this.dialect.product} is full (it holds at most ${String(this.info.capacity)} credentials): delete one first`, { capacity: this.info.capacity });
    }
  }

  /** A PIN command; a 6300 re-reads the attempts left from SELECT. The PIN bytes are zeroed after. */
  private async pinCommand(command: OathCommand, operation: 'verify-pin' | 'set-pin' | 'change-pin', options: OathOperationOptions): Promise<void> {
    const touch = this.dialect.needsTouch(operation, undefined, undefined);
    const started = this.clock.now();
    let sw: number;
    try {
      sw = (await this.runner.exchange(command, { ...options, operation, touch })).sw;
    } finally {
      command.data?.fill(0);
    }
    if (sw === SW.VERIFY_FAILED) throw wrongPin((await this.select()).pinAttemptsRemaining ?? null);
    if (sw !== SW.OK) throw this.runner.failure(sw, operation, touch, this.clock.now() - started);
  }

  /**
   * A Nitrokey 3 PIN-encrypted credential exists for the key only in the command right after VERIFY
   * PIN (nk3 sheet §4: "send it before each operation touching PIN-encrypted credentials"); without
   * it CALCULATE, DELETE and UPDATE answer "not found". Nothing to do for any other credential.
   */
  private async authorisePinProtected(credential: OathCredential, options: PinOperationOptions): Promise<void> {
    if (credential.pinProtected !== true) return;
    if (options.pin === undefined) throw new LatchkeyError('KEY_PIN_REQUIRED', 'this credential is encrypted with the Nitrokey 3 PIN', { kind: 'pin' });
    await this.verifyPin(options.pin, options);
  }

  private requireAuth(kind: 'password' | 'pin'): void {
    if (this.dialect.authKind !== kind) {
      throw unsupported(kind === 'password' ? `the ${this.dialect.product} has a PIN, not an access password` : `the ${this.dialect.product} has an access password, not a PIN`);
    }
  }

  private requirePinSet(): void {
    this.requireAuth('pin');
    if (!this.info.hasPin) throw new LatchkeyError('INVALID_REQUEST', 'this Nitrokey 3 has no PIN yet: set one first');
    if (this.info.pinAttemptsRemaining === 0) throw pinBlocked();
  }
}

function afterUnplug(error: unknown, what: string): unknown {
  if (error instanceof LatchkeyError && error.code === 'KEY_UNPLUGGED') return new LatchkeyError('KEY_UNPLUGGED', `the key was unplugged ${what}`, { ...error.details, outcome: 'unknown' });
  return error;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
