/**
 * A sync target: one application of one key. A YubiKey has one serial for its OATH application and
 * its two OTP slots, so the serial alone can't say which is meant: `12345678` is the key's OATH
 * application (YubiKey OATH, Nitrokey 3 Secrets App: what a plain serial always meant, so older
 * records and scripts keep working), `12345678/otp` a YubiKey's OTP slots (HOTP accounts only).
 * `12345678/oath` is accepted and means the same as `12345678`. The id is opaque text to the page.
 */
export type SyncApplication = 'oath' | 'otp';

export interface SyncTarget {
  readonly serial: number;
  readonly application: SyncApplication;
}

const SERIAL_MAX = 0xffff_ffff;
const TARGET_PATTERN = /^(\d{1,10})(?:\/(oath|otp))?$/;

/** What a target id looks like, said in every refusal of a malformed one. */
export const SYNC_TARGET_FORM = 'a key\'s serial (digits, as `latchkey keys list` shows it) for its OATH accounts, or SERIAL/otp for a YubiKey\'s OTP slots';

/** The target a text names, or null when it is none (see SYNC_TARGET_FORM). A number is a serial: its OATH application. */
export function parseSyncTarget(value: string | number): SyncTarget | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= SERIAL_MAX ? { serial: value, application: 'oath' } : null;
  const match = TARGET_PATTERN.exec(value);
  if (match === null) return null;
  const serial = Number(match[1]);
  if (serial > SERIAL_MAX) return null;
  return { serial, application: match[2] === 'otp' ? 'otp' : 'oath' };
}

/** The canonical id: `SERIAL` for an OATH application, `SERIAL/otp` for a YubiKey's OTP slots. */
export function syncTargetId(target: SyncTarget): string {
  return target.application === 'otp' ? `${String(target.serial)}/otp` : String(target.serial);
}

/** How a target is named in a sentence: `key 12345678`, `key 12345678's OTP slots`. */
export function syncTargetLabel(target: SyncTarget): string {
  return target.application === 'otp' ? `key ${String(target.serial)}'s OTP slots` : `key ${String(target.serial)}`;
}
