import { LatchkeyError } from '../../../shared/errors.js';
import type { KeyClock } from '../../keys/clock.js';
import { parseSyncTarget, SYNC_TARGET_FORM, type SyncTarget } from '../../../shared/sync-target.js';
import { findOathKeys, unavailableOr, type Devices, type YubiKeyOtpCandidate } from '../devices.js';
import { hideReportData } from '../handlers/keys-connect.js';
import type { ApduTransport } from '../../keys/oath/index.js';
import type { SyncKeyKind } from './model.js';
import type { SyncKey } from './observe.js';
import { openSyncKey } from './open-key.js';
import { openOtpSyncKey, type OtpSyncKey } from './otp-key.js';

export interface KeyAuth {
  /** Absent: for every key (a serial's own entry comes first). */
  readonly serial?: number | undefined;
  readonly pin?: string | undefined;
  readonly password?: string | undefined;
}

/** YubiKey OATH access keys remembered by serial (handlers/keys-oath-access.ts), shared with the other keys channels. */
export interface AccessKeyMemory {
  /** A copy the caller wipes. */
  get(serial: number): Uint8Array | undefined;
  remember(serial: number, accessKey: Uint8Array, seal: false): void;
  forget(serial: number): void;
}

export interface ConnectOptions {
  /**
   * The targets wanted, in the user's order: a serial (or its digits) for a key's OATH application,
   * `SERIAL/otp` for a YubiKey's OTP slots (shared/sync-target.ts); absent: every OATH key plugged in
   * (`all`) or the only one. OTP slots are opened only when named.
   */
  readonly targets?: readonly (number | string)[] | undefined;
  readonly all?: boolean;
  readonly auth?: readonly KeyAuth[] | undefined;
  /** Access passwords remembered for YubiKeys: used when none is given; one given that opens a key is remembered while the vault is unlocked. */
  readonly remembered?: AccessKeyMemory | undefined;
  readonly clock?: KeyClock;
  readonly trace?: (line: string) => void;
}

/** One target found plugged in: its serial, and how to hold it open for the work. */
interface FoundTarget {
  readonly target: SyncTarget;
  open<T>(work: (key: SyncKey | OtpSyncKey) => Promise<T>): Promise<T>;
}

/**
 * Holds several keys at once for one sync: each candidate is opened once to learn its serial (and
 * released), then the chosen ones are opened together, nested, in the user's order, and all released
 * when `work` ends (a YubiKey's reader reset relocks it). An OATH target is a YubiKey's OATH card or a
 * Nitrokey 3's Secrets App; an OTP target (`SERIAL/otp`) a YubiKey's OTP interface over HID, looked
 * for only when one is named (so a sync onto OTP slots alone needs no pcscd). KEY_NOT_FOUND names a
 * target that is not plugged in; AMBIGUOUS says several OATH keys are when none was named.
 */
export async function withSyncKeys<T>(
  devices: Devices,
  options: ConnectOptions,
  work: (keys: (SyncKey | OtpSyncKey)[], unavailable: readonly LatchkeyError[]) => Promise<T>,
): Promise<T> {
  const wanted = options.targets?.map(targetArgument);
  const found = wanted === undefined || wanted.some((target) => target.application === 'oath') ? await oathTargets(devices, options) : { targets: [], unavailable: [] };
  const oath = found.targets;
  // An OATH key not found may be behind a transport that is unavailable (no pcscd): its reason and fix are the error then.
  const missing = (notFound: LatchkeyError) => unavailableOr({ keys: [], unavailable: found.unavailable }, () => notFound);
  const otp = wanted?.some((target) => target.application === 'otp') === true ? await otpTargets(devices, options) : [];
  const chosen = wanted?.map((target) => {
    const found = (target.application === 'otp' ? otp : oath).find((entry) => entry.target.serial === target.serial);
    if (found !== undefined) return found;
    if (target.application === 'otp') {
      throw new LatchkeyError('KEY_NOT_FOUND', `no YubiKey with serial ${String(target.serial)} shows its OTP slots (is it plugged in, with its OTP application enabled?)`, { serial: target.serial });
    }
    throw missing(new LatchkeyError('KEY_NOT_FOUND', `no key with serial ${String(target.serial)} is plugged in`, { serial: target.serial }));
  });
  const keys = chosen ?? (options.all === true || oath.length <= 1 ? oath : undefined);
  if (keys === undefined) throw new LatchkeyError('AMBIGUOUS', `${String(oath.length)} keys are plugged in (${oath.map((entry) => String(entry.target.serial)).join(', ')}); say which with --to SERIAL`, { keys: oath.length });
  if (keys.length === 0 && options.all !== true) throw missing(new LatchkeyError('KEY_NOT_FOUND', 'no key with an OATH application (YubiKey, Nitrokey 3) is plugged in'));
  const open = async (index: number, opened: (SyncKey | OtpSyncKey)[]): Promise<T> => {
    const next = keys[index];
    if (next === undefined) return work(opened, found.unavailable);
    return next.open((key) => open(index + 1, [...opened, key]));
  };
  return open(0, []);
}

/** A target as the service was given it (the schema already checked it; a direct caller gets INVALID_REQUEST). */
function targetArgument(value: number | string): SyncTarget {
  const target = parseSyncTarget(value);
  if (target === null) throw new LatchkeyError('INVALID_REQUEST', `a sync target is ${SYNC_TARGET_FORM}, not "${String(value)}"`);
  return target;
}

/** Every OATH key plugged in, by serial (each opened once to read it), and why a transport could not be asked. */
async function oathTargets(devices: Devices, options: ConnectOptions): Promise<{ targets: FoundTarget[]; unavailable: readonly LatchkeyError[] }> {
  const candidates = await findOathKeys(devices);
  const found: FoundTarget[] = [];
  for (const candidate of candidates.keys) {
    const serial = await candidate.use(async (transport) => (await openSyncKey(transport, candidate.kind, options.clock === undefined ? {} : { clock: options.clock })).serial, options.trace);
    const auth = options.auth?.find((entry) => entry.serial === serial) ?? options.auth?.find((entry) => entry.serial === undefined);
    found.push({
      target: { serial, application: 'oath' },
      open: (use) => candidate.use(async (transport) => use(await openWithAuth(transport, candidate.kind, serial, auth, options)), options.trace),
    });
  }
  return { targets: found, unavailable: candidates.unavailable };
}

/**
 * Every YubiKey OTP interface plugged in that tells its serial (one that hides it can't be named, so
 * it can't be a target). Each is opened for the serial and closed, then opened again for the work:
 * another program (ykman) may use it in between. The trace never shows a report's data bytes sent
 * here, since programming a slot sends an account's secret.
 */
async function otpTargets(devices: Devices, options: ConnectOptions): Promise<FoundTarget[]> {
  const sessionOptions = {
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.trace === undefined ? {} : { trace: (line: string) => options.trace?.(`otp ${hideReportData(line)}`) }),
  };
  const withOtp = async <R>(candidate: YubiKeyOtpCandidate, use: (key: OtpSyncKey) => Promise<R>): Promise<R> => {
    const device = await candidate.open();
    try {
      return await use(await openOtpSyncKey(device, sessionOptions));
    } finally {
      // A key unplugged mid-way may refuse to close; the work's own error is the one to report.
      await device.close().catch(() => undefined);
    }
  };
  const found: FoundTarget[] = [];
  for (const candidate of await devices.yubiKeyOtp()) {
    const serial = await withOtp(candidate, (key) => Promise.resolve(key.serial)).catch((error: unknown) => {
      if (error instanceof LatchkeyError && error.code === 'KEY_UNSUPPORTED') return null;
      throw error;
    });
    if (serial === null) continue;
    found.push({
      target: { serial, application: 'otp' },
      open: (use) =>
        withOtp(candidate, (key) => {
          if (key.serial !== serial) throw new LatchkeyError('KEY_NOT_FOUND', `the YubiKey seen as ${String(serial)} now says it is ${String(key.serial)}; nothing was written to it`, { serial });
          return use(key);
        }),
    });
  }
  return found;
}

/**
 * Opens one chosen key with its PIN and password, or else the access key remembered for its serial:
 * a remembered one that no longer opens it is forgotten (KEY_PIN_REQUIRED naming the serial), and a
 * password given that opens it is remembered in memory (never sealed here: that stays `keys oath`'s
 * `--remember-key-password`).
 */
async function openWithAuth(transport: ApduTransport, kind: SyncKeyKind, serial: number, auth: KeyAuth | undefined, options: ConnectOptions): Promise<SyncKey> {
  const base = { ...(options.clock === undefined ? {} : { clock: options.clock }), ...(auth?.pin === undefined ? {} : { pin: auth.pin }) };
  if (auth?.password !== undefined) {
    const key = await openSyncKey(transport, kind, { ...base, password: auth.password });
    if (key.session.info.hasPassword && options.remembered !== undefined) {
      const accessKey = key.session.deriveAccessKey(auth.password);
      try {
        options.remembered.remember(key.serial, accessKey, false);
      } finally {
        accessKey.fill(0);
      }
    }
    return key;
  }
  const accessKey = options.remembered?.get(serial);
  if (accessKey === undefined) {
    const key = await openSyncKey(transport, kind, base);
    if (key.session.info.hasPassword) {
      throw new LatchkeyError('KEY_PIN_REQUIRED', `the OATH accounts of YubiKey ${String(key.serial)} are protected by an access password: give it (--key-password-file)`, { kind: 'password', serial: key.serial });
    }
    return key;
  }
  try {
    return await openSyncKey(transport, kind, { ...base, accessKey });
  } catch (error) {
    if (!(error instanceof LatchkeyError && error.code === 'KEY_PIN_WRONG')) throw error;
    options.remembered?.forget(serial);
    throw new LatchkeyError('KEY_PIN_REQUIRED', `the access password remembered for YubiKey ${String(serial)} no longer opens it (changed or reset elsewhere?); it is forgotten: give it again`, { kind: 'password', serial });
  } finally {
    accessKey.fill(0);
  }
}
