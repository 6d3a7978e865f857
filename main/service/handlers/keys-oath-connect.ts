import type { KeySummary, OathCredentialView } from '../../../shared/keys-api.js';
import { LatchkeyError } from '../../../shared/errors.js';
import { formatVersion, nitrokey3Dialect, OathSession, yubikeyDialect, type OathCredential, type OathSessionOptions } from '../../keys/oath/index.js';
import { readYubiKeySerial } from '../../keys/pcsc/yubikey-serial.js';
import { findOathKeys, unavailableOr, type Devices, type OathKeyCandidate } from '../devices.js';

/** An OATH session on one opened key, with what identifies it to the user. */
export interface OpenOathKey {
  readonly session: OathSession;
  readonly summary: KeySummary;
}

const PRODUCT = { 'yubikey-oath': 'YubiKey', nitrokey3: 'Nitrokey 3' } as const;

/**
 * Finding and opening keys with an OATH application (a YubiKey's CCID reader, a Nitrokey 3's FIDO
 * interface) for the keys channels. Each key is held only for the work at hand (one exclusive PC/SC
 * connection, one CTAPHID channel) and released after it, so ykman or Yubico Authenticator can use
 * it next; an unlocked YubiKey is locked again by the reset on release.
 */
export class OathKeyConnector {
  constructor(
    private readonly devices: () => Devices,
    private readonly sessionOptions: Omit<OathSessionOptions, 'trace'> = {},
    private readonly trace?: (line: string) => void,
  ) {}

  /** Every OATH key present, each opened once for its serial and version, and why a transport could not be asked. */
  async list(): Promise<{ keys: KeySummary[]; unavailable: readonly LatchkeyError[] }> {
    const found = await findOathKeys(this.devices());
    const keys: KeySummary[] = [];
    for (const candidate of found.keys) keys.push(await this.open(candidate, (key) => Promise.resolve(key.summary)));
    return { keys, unavailable: found.unavailable };
  }

  /**
   * Runs `work` on the key the user means: the one with `serial`, or the only one plugged in.
   * KEY_NOT_FOUND when there is none (or none with that serial), AMBIGUOUS when several are and no
   * serial says which (each named, so `--key SERIAL` can be given). With a transport unavailable
   * (no pcscd), the keys the others show are used, and a key not among them is that transport's
   * KEY_SERVICE_UNAVAILABLE with its fix: it may be plugged in behind it.
   */
  async withKey<T>(serial: number | undefined, work: (key: OpenOathKey) => Promise<T>): Promise<T> {
    const found = await findOathKeys(this.devices());
    const candidates = found.keys;
    if (candidates.length === 0) throw unavailableOr(found, () => new LatchkeyError('KEY_NOT_FOUND', 'no key with an OATH application (YubiKey, Nitrokey 3) is plugged in (or the system does not show it)'));
    if (serial === undefined) {
      const [only] = candidates;
      if (only !== undefined && candidates.length === 1) return this.open(only, work);
      const named = (await this.list()).keys.map((key) => `${PRODUCT[key.kind === 'nitrokey3' ? 'nitrokey3' : 'yubikey-oath']} ${key.serial === null ? '(serial hidden)' : String(key.serial)}`);
      throw new LatchkeyError('AMBIGUOUS', `${String(candidates.length)} keys are plugged in (${named.join(', ')}); say which with --key SERIAL`, { keys: candidates.length });
    }
    for (const candidate of candidates) {
      const found = await this.open(candidate, async (key) => (key.summary.serial === serial ? { result: await work(key) } : undefined));
      if (found !== undefined) return found.result;
    }
    throw unavailableOr(found, () => new LatchkeyError('KEY_NOT_FOUND', `no key with serial ${String(serial)} is plugged in`, { serial }));
  }

  private open<T>(candidate: OathKeyCandidate, work: (key: OpenOathKey) => Promise<T>): Promise<T> {
    return candidate.use(async (transport) => {
      // A YubiKey's OATH applet does not say its serial: the Management applet does, before OATH is selected.
      const yubikeySerial = candidate.kind === 'yubikey-oath' ? await readYubiKeySerial(transport) : null;
      const dialect = candidate.kind === 'yubikey-oath' ? yubikeyDialect : nitrokey3Dialect;
      const session = await OathSession.open(transport, dialect, this.sessionOptions);
      const summary: KeySummary = {
        kind: candidate.kind,
        serial: yubikeySerial ?? session.info.serial ?? null,
        firmware: formatVersion(session.info.version),
        emulated: candidate.emulated,
      };
      return work({ session, summary });
    }, this.trace);
  }
}

/** A credential as the channels show it: what the key did not say is null. */
export function credentialView(credential: OathCredential): OathCredentialView {
  return {
    name: credential.name,
    issuer: credential.issuer ?? null,
    label: credential.account,
    type: credential.type,
    period: credential.period,
    algorithm: credential.algorithm ?? null,
    digits: credential.digits ?? null,
    touch: credential.touch ?? null,
    pinProtected: credential.pinProtected ?? null,
  };
}
