import type { HidDescriptor } from './hid-device.js';

/** Which HID interfaces are a Nitrokey 3's FIDO interface, where its Secrets App answers (NK3 sheet §1). */
export const NITROKEY_VENDOR_ID = 0x20a0;
/** Every NK3 model (NK3A mini/NFC, NK3C) with its own firmware shows this product id. */
export const NITROKEY3_PRODUCT_ID = 0x42b2;
/** FIDO CTAPHID's usage page and usage. */
export const FIDO_USAGE_PAGE = 0xf1d0;
export const FIDO_USAGE = 0x01;

/** True for a Nitrokey 3's CTAPHID interface (its other interfaces, CCID say, are not HID). */
export function isNitrokey3FidoInterface(descriptor: HidDescriptor): boolean {
  return (
    descriptor.vendorId === NITROKEY_VENDOR_ID &&
    descriptor.productId === NITROKEY3_PRODUCT_ID &&
    descriptor.usagePage === FIDO_USAGE_PAGE &&
    descriptor.usage === FIDO_USAGE
  );
}
