import { SW, type CommandApdu } from './apdu.js';
import type { OathCardState } from './state.js';

/**
 * The Management applet, only as far as ykman needs it before any `oath` command (sheet §13, "What
 * ykman needs"): its SELECT answer (ASCII with the version) and READ CONFIG page 0.
 */
export const MANAGEMENT_AID = Uint8Array.from([0xa0, 0x00, 0x00, 0x05, 0x27, 0x47, 0x11, 0x17]);
const INS_READ_CONFIG = 0x1d;

/** A YubiKey 5 NFC's interfaces: OTP, U2F, OpenPGP, PIV, OATH, FIDO2 (0x023F) on USB and NFC. */
const ALL_APPLICATIONS = [0x02, 0x3f];
const FORM_FACTOR_USB_A_KEYCHAIN = 0x01;

export function selectManagement(state: OathCardState): { sw: number; data: Uint8Array } {
  return { sw: SW.OK, data: new Uint8Array(Buffer.from(`Virtual mgr - FW version ${state.firmware.join('.')}`, 'ascii')) };
}

export function managementCommand(apdu: CommandApdu, state: OathCardState): { sw: number; data?: Uint8Array } {
  if (apdu.ins !== INS_READ_CONFIG) return { sw: SW.INS_NOT_SUPPORTED };
  // yubikit ≥ 5 asks for page P1; there is only page 0 (no tag 10 says "more pages").
  if (apdu.p1 !== 0x00) return { sw: SW.OK, data: Uint8Array.of(0) };
  const serial = Buffer.alloc(4);
  serial.writeUInt32BE(state.serial);
  const tlvs: [number, readonly number[]][] = [
    [0x01, ALL_APPLICATIONS], // USB supported: mandatory for yubikit
    [0x02, [...serial]],
    [0x03, ALL_APPLICATIONS], // USB enabled
    [0x04, [FORM_FACTOR_USB_A_KEYCHAIN]],
    [0x05, [...state.firmware]],
    [0x06, [0x00, 0x00]], // auto-eject timeout
    [0x07, [0x0f]], // challenge-response timeout (s)
    [0x08, [0x00]], // device flags
    [0x0a, [0x00]], // configuration not locked
    [0x0d, ALL_APPLICATIONS], // NFC supported
    [0x0e, ALL_APPLICATIONS], // NFC enabled
  ];
  const body = tlvs.flatMap(([tag, value]) => [tag, value.length, ...value]);
  return { sw: SW.OK, data: Uint8Array.from([body.length, ...body]) };
}
