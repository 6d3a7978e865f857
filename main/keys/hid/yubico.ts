import type { HidDescriptor } from './hid-device.js';

/** Which HID interfaces are a YubiKey's OTP application (protocol sheet §1). */
export const YUBICO_VENDOR_ID = 0x1050;

/**
 * Products whose USB mode includes the OTP (keyboard) interface: YubiKey 1/2/Standard/Edge, NEO
 * (OTP, OTP+CCID, OTP+FIDO, OTP+FIDO+CCID), YubiKey 4 and 5 (same four) and the YubiKey Plus.
 * The FIDO-only and CCID-only modes (0x0112, 0x0113, 0x0115, 0x0120, 0x0402, 0x0404, 0x0406) have none.
 */
export const YUBIKEY_OTP_PRODUCT_IDS: readonly number[] = [0x0010, 0x0110, 0x0111, 0x0114, 0x0116, 0x0401, 0x0403, 0x0405, 0x0407, 0x0410];

/** The OTP interface is the keyboard collection; usage page 0xF1D0 on the same key is FIDO. */
export const OTP_USAGE_PAGE = 0x0001;
export const OTP_USAGE = 0x0006;

/**
 * True for a YubiKey's OTP interface. A descriptor without usages (a platform build that reports
 * none) is not taken: the OTP interface's number was not confirmed (sheet, open question 10), so
 * guessing could open the FIDO interface instead.
 */
export function isYubiKeyOtpInterface(descriptor: HidDescriptor): boolean {
  return (
    descriptor.vendorId === YUBICO_VENDOR_ID &&
    YUBIKEY_OTP_PRODUCT_IDS.includes(descriptor.productId) &&
    descriptor.usagePage === OTP_USAGE_PAGE &&
    descriptor.usage === OTP_USAGE
  );
}

export function yubiKeyOtpInterfaces(descriptors: readonly HidDescriptor[]): HidDescriptor[] {
  return descriptors.filter(isYubiKeyOtpInterface);
}
