import { describe, expect, it } from 'vitest';
import { isYubiKeyReader } from './yubikey-reader.js';

describe('isYubiKeyReader', () => {
  it.each([
    'Yubico YubiKey OTP+FIDO+CCID 00 00', // Linux
    'Yubico YubiKey OTP+FIDO+CCID', // macOS
    'Yubico YubiKey OTP+FIDO+CCID 0', // Windows
    'Yubico YubiKey FIDO+CCID 00 00',
    'Yubico Yubikey 4 OTP+U2F+CCID', // YubiKey 4 writes "Yubikey"
    'Yubico Yubikey NEO OTP+U2F+CCID 00 00',
  ])('takes %s', (name) => {
    expect(isYubiKeyReader(name)).toBe(true);
  });

  it.each(['Virtual PCD 00 00', 'ACS ACR122U PICC Interface 00 00', 'Nitrokey Nitrokey 3 [CCID/ICCD Interface] 00 00', 'Yubico Security Key'])('leaves %s', (name) => {
    expect(isYubiKeyReader(name)).toBe(false);
  });
});
