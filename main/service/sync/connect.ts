import { LatchkeyError } from '../../../shared/errors.js';
import type { KeyClock } from '../../keys/clock.js';
import type { Devices, OathKeyCandidate } from '../devices.js';
import type { SyncKey } from './observe.js';
import { openSyncKey } from './open-key.js';

export interface KeyAuth {
  /** Absent: for every key (a serial's own entry comes first). */
  readonly serial?: number | undefined;
  readonly pin?: string | undefined;
  readonly password?: string | undefined;
}

export interface ConnectOptions {
  /** The keys wanted, in the user's order; absent: every key plugged in (`all`) or the only one. */
  readonly serials?: readonly number[] | undefined;
  readonly all?: boolean;
  readonly auth?: readonly KeyAuth[] | undefined;
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
      const key = await openSyncKey(transport, next.candidate.kind, {
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(auth?.pin === undefined ? {} : { pin: auth.pin }),
        ...(auth?.password === undefined ? {} : { password: auth.password }),
      });
      if (key.session.info.hasPassword && auth?.password === undefined) {
        throw new LatchkeyError('KEY_PIN_REQUIRED', `the OATH accounts of YubiKey ${String(key.serial)} are protected by an access password: give it (--key-password-file)`, { kind: 'password', serial: key.serial });
      }
      return open(index + 1, [...opened, key]);
    }, options.trace);
  };
  return open(0, []);
}
