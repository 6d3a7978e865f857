import { LatchkeyError } from '../../shared/errors.js';
import { YubiOtpSession, type OtpSessionOptions, type OtpSlot } from '../keys/yubikey-otp/index.js';
import type { YubiKeyAnswerer, YubiKeyResponder } from '../vault/index.js';
import type { Devices } from './devices.js';
import type { Operation } from './operations.js';

export const TOUCH_STAGE = 'Touch your YubiKey…';

export interface YubiKeyResponderOptions {
  readonly devices: () => Promise<Devices>;
  /** Only the key with this serial (`--key SERIAL`). */
  readonly serial?: number;
  /** Only this challenge-response slot. */
  readonly slot?: OtpSlot;
  /** The driver's --trace sink. */
  readonly session?: OtpSessionOptions;
  /** The request's cancel, and where a touch wait is told (`op.progress {needsTouch}`, or the CLI's stage line). */
  readonly operation?: Pick<Operation, 'signal' | 'progress'>;
}

/**
 * The vault's YubiKeyResponder over the YubiKey OTP driver: each plugged key is opened in turn (and
 * closed when the vault stops asking), and each of its slots that may do challenge-response is
 * offered, slot 2 first (where `keys program` and ykman put them), then slot 1. A slot that types a
 * code on touch (HOTP, Yubico OTP) can't do challenge-response and is skipped without being asked;
 * one that is empty or answers nothing is skipped after asking (the key can't tell us beforehand).
 */
export function yubiKeyResponder(options: YubiKeyResponderOptions): YubiKeyResponder {
  return {
    answerers: async function* () {
      const devices = await options.devices();
      for (const candidate of await devices.yubiKeyOtp()) {
        const device = await candidate.open();
        try {
          const session = await YubiOtpSession.open(device, options.session ?? {});
          const serial = await serialOf(session);
          if (options.serial !== undefined && serial !== options.serial) continue;
          const status = await session.status();
          for (const slot of [2, 1] as const) {
            const state = status.slots[slot - 1];
            if (state?.configured === false || state?.touchTriggered === true) continue;
            if (options.slot !== undefined && slot !== options.slot) continue;
            yield answerer(session, serial, slot, options.operation);
          }
        } finally {
          // A key unplugged mid-way may refuse to close; the vault's own error is the one to report.
          await device.close().catch(() => undefined);
        }
      }
    },
  };
}

function answerer(session: YubiOtpSession, serial: number | null, slot: OtpSlot, operation: YubiKeyResponderOptions['operation']): YubiKeyAnswerer {
  return {
    serial,
    slot,
    respond: async (challenge) => {
      try {
        return await session.calculateHmacSha1(slot, challenge, {
          ...(operation === undefined ? {} : { signal: operation.signal }),
          // The driver tells each touch wait once: one line on the CLI, the page's "Touch your YubiKey".
          onProgress: () => operation?.progress(TOUCH_STAGE, undefined, { needsTouch: true, ...(serial === null ? {} : { key: String(serial) }) }),
        });
      } catch (error) {
        if (error instanceof LatchkeyError && error.code === 'NOT_FOUND') return null;
        throw error;
      }
    },
  };
}

/** The serial, or null when the key keeps it from host software. */
async function serialOf(session: YubiOtpSession): Promise<number | null> {
  try {
    return await session.serial();
  } catch (error) {
    if (error instanceof LatchkeyError && error.code === 'KEY_UNSUPPORTED') return null;
    throw error;
  }
}
