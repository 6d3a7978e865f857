import type { KeySummary } from '../../../shared/keys-api.js';
import { LatchkeyError } from '../../../shared/errors.js';
import { formatFirmware, YubiOtpSession, type OtpSessionOptions } from '../../keys/yubikey-otp/index.js';
import type { Devices, YubiKeyOtpCandidate } from '../devices.js';

/** A YubiKey OTP session on one opened key, with what identifies it to the user. */
export interface OpenKey {
  readonly session: YubiOtpSession;
  readonly summary: KeySummary;
  /**
   * Runs a write that carries a secret (a slot's key, an access code): meanwhile the reports sent
   * show in the trace with their data bytes as dots, only their last byte (part and flags) in hex.
   */
  hidingSecrets<T>(work: () => Promise<T>): Promise<T>;
}

/** `> 0102030405060708` → `> ..............08`: a report's 7 data bytes hidden, its sequence byte kept. */
export function hideReportData(line: string): string {
  return line.startsWith('> ') ? `> ${'..'.repeat(7)}${line.slice(-2)}` : line;
}

/**
 * Finding and opening YubiKeys for the keys channels: every key is opened only for the work at hand
 * and closed after it (another program, ykman say, may want it next), whatever the work throws.
 */
export class KeyConnector {
  constructor(
    private readonly devices: () => Devices,
    private readonly sessionOptions: Omit<OtpSessionOptions, 'trace'>,
    private readonly trace?: (line: string) => void,
  ) {}

  /** Every key present, each opened once for its serial and firmware. */
  async list(): Promise<KeySummary[]> {
    const summaries: KeySummary[] = [];
    for (const candidate of await this.devices().yubiKeyOtp()) {
      summaries.push(await this.onCandidate(candidate, (key) => Promise.resolve(key.summary)));
    }
    return summaries;
  }

  /**
   * Runs `work` on the key the user means: the one with `serial`, or the only one plugged in.
   * KEY_NOT_FOUND when there is none (or none with that serial), AMBIGUOUS when several are plugged
   * in and no serial says which (each is named, so `--key SERIAL` can be given).
   */
  async withKey<T>(serial: number | undefined, work: (key: OpenKey) => Promise<T>): Promise<T> {
    const candidates = await this.devices().yubiKeyOtp();
    if (candidates.length === 0) throw new LatchkeyError('KEY_NOT_FOUND', 'no YubiKey is plugged in (or the system does not show it)');
    if (serial === undefined) {
      const [only] = candidates;
      if (only !== undefined && candidates.length === 1) return this.onCandidate(only, work);
      const serials = (await this.list()).map((key) => (key.serial === null ? 'one without a visible serial' : String(key.serial)));
      throw new LatchkeyError('AMBIGUOUS', `${String(candidates.length)} YubiKeys are plugged in (${serials.join(', ')}); say which with --key SERIAL`, {
        keys: candidates.length,
      });
    }
    for (const candidate of candidates) {
      const found = await this.onCandidate(candidate, async (key) => (key.summary.serial === serial ? { result: await work(key) } : undefined));
      if (found !== undefined) return found.result;
    }
    throw new LatchkeyError('KEY_NOT_FOUND', `no YubiKey with serial ${String(serial)} is plugged in`, { serial });
  }

  private async onCandidate<T>(candidate: YubiKeyOtpCandidate, work: (key: OpenKey) => Promise<T>): Promise<T> {
    const device = await candidate.open();
    const { trace } = this;
    let hiding = false;
    const hidingSecrets = async <R>(secretWork: () => Promise<R>): Promise<R> => {
      hiding = true;
      try {
        return await secretWork();
      } finally {
        hiding = false;
      }
    };
    try {
      const options = trace === undefined ? this.sessionOptions : { ...this.sessionOptions, trace: (line: string) => { trace(hiding ? hideReportData(line) : line); } };
      const session = await YubiOtpSession.open(device, options);
      const summary: KeySummary = { kind: 'yubikey-otp', serial: await serialOf(session), firmware: formatFirmware(session.firmware), emulated: candidate.emulated };
      return await work({ session, summary, hidingSecrets });
    } finally {
      // A key unplugged mid-way may refuse to close; the work's own error is the one to report.
      await device.close().catch(() => undefined);
    }
  }
}

/** The serial, or null when the key keeps it from host software (a configuration can hide it). */
async function serialOf(session: YubiOtpSession): Promise<number | null> {
  try {
    return await session.serial();
  } catch (error) {
    if (error instanceof LatchkeyError && error.code === 'KEY_UNSUPPORTED') return null;
    throw error;
  }
}
