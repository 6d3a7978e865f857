import { LatchkeyError } from '../../../shared/errors.js';
import type { KeyClock } from '../../keys/clock.js';
import type { Devices, OathKeyCandidate } from '../devices.js';
import type { ApduTransport } from '../../keys/oath/index.js';
import type { SyncKeyKind } from './model.js';
import type { SyncKey } from './observe.js';
import { openSyncKey } from './open-key.js';

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
  /** The keys wanted, in the user's order; absent: every key plugged in (`all`) or the only one. */
  readonly serials?: readonly number[] | undefined;
  readonly all?: boolean;
  readonly auth?: readonly KeyAuth[] | undefined;
  /** Access passwords remembered for YubiKeys: used when none is given; one given that opens a key is remembered while the vault is unlocked. */
  readonly remembered?: AccessKeyMemory | undefined;
  readonly clock?: KeyClock;
  readonly trace?: (line: string) => void;
}

/**
 * Holds several OATH keys at once for one sync: each candidate is opened once to learn its serial
 * (and released), then the chosen ones are opened together, nested, in the user's order, and all
 * released when `work` ends (a YubiKey's reader reset relocks it). KEY_NOT_FOUND names a serial that
 * is not plugged in; AMBIGUOUS says several are when none was named.
 */
export async function withSyncKeys<T>(devices: Devices, options: ConnectOptions, work: (keys: SyncKey[]) => Promise<T>): Promise<T> {
  const candidates = await devices.oathKeys();
  const known: { serial: number; candidate: OathKeyCandidate }[] = [];
  for (const candidate of candidates) {
    const serial = await candidate.use(async (transport) => (await openSyncKey(transport, candidate.kind, options.clock === undefined ? {} : { clock: options.clock })).serial, options.trace);
    known.push({ serial, candidate });
  }
  const chosen = options.serials?.map((serial) => {
    const found = known.find((entry) => entry.serial === serial);
    if (found === undefined) throw new LatchkeyError('KEY_NOT_FOUND', `no key with serial ${String(serial)} is plugged in`, { serial });
    return found;
  });
  const keys = chosen ?? (options.all === true || known.length <= 1 ? known : undefined);
  if (keys === undefined) throw new LatchkeyError('AMBIGUOUS', `${String(known.length)} keys are plugged in (${known.map((entry) => String(entry.serial)).join(', ')}); say which with --to SERIAL`, { keys: known.length });
  if (keys.length === 0 && options.all !== true) throw new LatchkeyError('KEY_NOT_FOUND', 'no key with an OATH application (YubiKey, Nitrokey 3) is plugged in');
  const open = async (index: number, opened: SyncKey[]): Promise<T> => {
    const next = keys[index];
    if (next === undefined) return work(opened);
    const auth = options.auth?.find((entry) => entry.serial === next.serial) ?? options.auth?.find((entry) => entry.serial === undefined);
    return next.candidate.use(async (transport) => {
      const key = await openWithAuth(transport, next.candidate.kind, next.serial, auth, options);
      return open(index + 1, [...opened, key]);
    }, options.trace);
  };
  return open(0, []);
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
