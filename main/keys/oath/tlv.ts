import { LatchkeyError } from '../../../shared/errors.js';

export interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
}

/**
 * How the key writes lengths in its answers: the YubiKey uses BER (`81 nn`, `82 nn nn`); the NK3
 * writes ONE raw byte, so its `81` means 129 (NK3 sheet §3). Requests are BER for both.
 */
export type ResponseLengths = 'ber' | 'raw-byte';

/** One request TLV with a BER length. */
export function tlv(tag: number, value: Uint8Array): Uint8Array {
  const length = value.length;
  const head = length < 0x80 ? [tag, length] : length <= 0xff ? [tag, 0x81, length] : [tag, 0x82, length >> 8, length & 0xff];
  const out = new Uint8Array(head.length + length);
  out.set(head);
  out.set(value, head.length);
  return out;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const malformed = (why: string) => new LatchkeyError('KEY_PROTOCOL', `the key's answer is not well-formed TLV data: ${why}`);

/** Every TLV of an answer, in order. Trailing bytes that do not make a whole TLV are KEY_PROTOCOL. */
export function parseTlvs(data: Uint8Array, lengths: ResponseLengths): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < data.length) {
    const tag = data[offset] ?? 0;
    let length = data[offset + 1];
    if (length === undefined) throw malformed(`tag ${tag.toString(16)} has no length`);
    offset += 2;
    if (lengths === 'ber' && length >= 0x80) {
      const size = length & 0x7f;
      if (size < 1 || size > 2 || offset + size > data.length) throw malformed(`tag ${tag.toString(16)} has a bad length`);
      length = size === 1 ? (data[offset] ?? 0) : ((data[offset] ?? 0) << 8) | (data[offset + 1] ?? 0);
      offset += size;
    }
    if (offset + length > data.length) throw malformed(`tag ${tag.toString(16)} runs past the end`);
    out.push({ tag, value: data.slice(offset, offset + length) });
    offset += length;
  }
  return out;
}

/** The value of the first TLV with `tag`, if any (SELECT answers come in any order). */
export function findTlv(tlvs: readonly Tlv[], tag: number): Uint8Array | undefined {
  return tlvs.find((entry) => entry.tag === tag)?.value;
}
