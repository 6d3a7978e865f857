import { describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { tlv, parseTlvs } from './tlv.js';
import { encodeApdu } from './protocol.js';

const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');
const bytes = (value: string) => Uint8Array.from(Buffer.from(value, 'hex'));

describe('TLV lengths', () => {
  it('requests use BER: 127 bytes literal, 128–255 as 81 nn, more as 82 nn nn (a 128-byte SHA512 key gives 73 81 82)', () => {
    expect(hex(tlv(0x71, new Uint8Array(127))).slice(0, 4)).toBe('717f');
    expect(hex(tlv(0x73, new Uint8Array(130))).slice(0, 6)).toBe('738182');
    expect(hex(tlv(0x73, new Uint8Array(300))).slice(0, 8)).toBe('7382012c');
  });

  it('a YubiKey answer is read as BER, an NK3 answer with one raw length byte (its 81 means 129)', () => {
    const nk3Entry = `728121${'61'.repeat(128)}`;
    expect(parseTlvs(bytes(nk3Entry), 'raw-byte')[0]?.value).toHaveLength(129);
    expect(parseTlvs(bytes(`738181${'00'.repeat(129)}`), 'ber')[0]?.value).toHaveLength(129);
  });

  it('a TLV running past the end, or a lone tag, is KEY_PROTOCOL', () => {
    for (const broken of ['7105616263', '71', '7183010203']) {
      expect(() => parseTlvs(bytes(broken), 'ber')).toThrow(LatchkeyError);
    }
  });
});

describe('command APDUs', () => {
  it('YubiKey form writes Lc 00 when there is no data, NK3 form writes none; both write Lc with data', () => {
    expect(hex(encodeApdu({ ins: 0xa1 }, 'lc-always'))).toBe('00a1000000');
    expect(hex(encodeApdu({ ins: 0xa1 }, 'lc-when-data'))).toBe('00a10000');
    expect(hex(encodeApdu({ ins: 0xa1, data: Uint8Array.of(1) }, 'lc-when-data'))).toBe('00a100000101');
    expect(hex(encodeApdu({ ins: 0x04, p1: 0xde, p2: 0xad }, 'lc-always'))).toBe('0004dead00');
  });

  it('more than 255 bytes of data take the extended Lc (00 hi lo)', () => {
    expect(hex(encodeApdu({ ins: 0x01, data: new Uint8Array(256) }, 'lc-always')).slice(0, 14)).toBe('00010000000100');
  });
});
