import { describe, expect, it } from 'vitest';
import type { KeySummary } from '../../../shared/keys-api.js';
import { mergeKeyListings } from './keys-listing.js';

const key = (kind: KeySummary['kind'], serial: number | null): KeySummary => ({ kind, serial, firmware: '5.4.3', emulated: false });

describe('keys list: one entry per key', () => {
  it('a YubiKey seen as OTP HID and CCID with the same serial is one entry with both applications', () => {
    expect(mergeKeyListings([key('yubikey-otp', 7), key('yubikey-otp', 8)], [key('yubikey-oath', 7), key('nitrokey3', 9)])).toEqual([
      key('yubikey-otp', 8),
      { ...key('yubikey-oath', 7), applications: ['otp', 'oath'] },
      key('nitrokey3', 9),
    ]);
  });

  it('keys hiding their serial are never joined (nothing tells them apart); a Nitrokey never joins a YubiKey', () => {
    expect(mergeKeyListings([key('yubikey-otp', null)], [key('yubikey-oath', null)])).toEqual([key('yubikey-otp', null), key('yubikey-oath', null)]);
    expect(mergeKeyListings([key('yubikey-otp', 5)], [key('nitrokey3', 5)])).toEqual([key('yubikey-otp', 5), key('nitrokey3', 5)]);
  });
});
