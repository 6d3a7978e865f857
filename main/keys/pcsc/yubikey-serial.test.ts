import { describe, expect, it } from 'vitest';
import { openEmulatedYubiKeyOath } from '../emulators/yubikey-oath.js';
import { readYubiKeySerial, serialFromConfig } from './yubikey-serial.js';

const bytes = (hex: string) => new Uint8Array(Buffer.from(hex.replace(/ /g, ''), 'hex'));

describe("a YubiKey's serial from the Management applet", () => {
  it('reads tag 02 of READ CONFIG as the sheet shows a real 5.1.2 key answering', () => {
    expect(serialFromConfig(bytes('2B 0102023F 030200240204008A6F13 040101 0503050102 0602001E 07010F 080180 0D02023F 0E020000 0A0101'))).toBe(0x008a6f13);
  });

  it('null, never a guess, for data without a serial or cut short', () => {
    expect(serialFromConfig(bytes('06 0102023F 040101'))).toBeNull();
    expect(serialFromConfig(bytes('2B 0102023F 0204008A'))).toBeNull();
    expect(serialFromConfig(new Uint8Array(0))).toBeNull();
  });

  it('asks the emulated card (SELECT Management, READ CONFIG) and gets its serial; null where the applet is missing', async () => {
    const card = openEmulatedYubiKeyOath({ serial: 12_345_678 });
    expect(await readYubiKeySerial({ transmit: (apdu) => card.transmit(apdu) })).toBe(12_345_678);
    expect(await readYubiKeySerial({ transmit: () => Promise.resolve(bytes('6A82')) })).toBeNull();
  });
});
