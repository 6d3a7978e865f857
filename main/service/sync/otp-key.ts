import type { HidDevice } from '../../keys/hid/hid-device.js';
import { YubiOtpSession, type OtpSessionOptions } from '../../keys/yubikey-otp/index.js';
import type { OtpSlotsObservation } from './model.js';

/** A YubiKey's OTP application open for a sync: its serial (the key-writes record is by serial) and session. */
export interface OtpSyncKey {
  readonly serial: number;
  readonly kind: 'yubikey-otp';
  readonly session: YubiOtpSession;
  /** The slots' current access code, when they are protected by one. */
  readonly accessCode?: Uint8Array;
}

/** Opens the OTP application on a HID device (the caller owns and closes it) and reads its serial (KEY_UNSUPPORTED when hidden). */
export async function openOtpSyncKey(device: HidDevice, options: OtpSessionOptions & { readonly accessCode?: Uint8Array } = {}): Promise<OtpSyncKey> {
  const { accessCode, ...sessionOptions } = options;
  const session = await YubiOtpSession.open(device, sessionOptions);
  return { serial: await session.serial(), kind: 'yubikey-otp', session, ...(accessCode === undefined ? {} : { accessCode }) };
}

/** Which slots are programmed, from one status read (nothing is asked of the user). */
export async function observeOtpSlots(key: OtpSyncKey): Promise<OtpSlotsObservation> {
  const status = await key.session.status();
  return { serial: key.serial, kind: 'yubikey-otp', slots: status.slots.map((state) => ({ slot: state.slot, configured: state.configured })) };
}
