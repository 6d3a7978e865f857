/**
 * Request TLVs as both OATH applets read them: one-byte tags, BER lengths (`00`–`7F`, `81 nn`,
 * `82 nn nn`), kept in the order sent because the commands are positional. A few tags are
 * tag+value with no length byte (`78` in PUT, sheet trap 2): name them in `tagValueOnly`.
 */
export interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
}

export function parseTlvs(data: Uint8Array, tagValueOnly: ReadonlySet<number> = new Set()): Tlv[] | null {
  const out: Tlv[] = [];
  let at = 0;
  while (at < data.length) {
    const tag = data[at++] ?? 0;
    if (tagValueOnly.has(tag)) {
      if (at >= data.length) return null;
      out.push({ tag, value: data.subarray(at, at + 1) });
      at += 1;
      continue;
    }
    const first = data[at++];
    if (first === undefined) return null;
    let length = first;
    if (first === 0x81 || first === 0x82) {
      const size = first - 0x80;
      if (at + size > data.length) return null;
      length = 0;
      for (let i = 0; i < size; i++) length = (length << 8) | (data[at++] ?? 0);
    } else if (first > 0x7f) {
      return null;
    }
    if (at + length > data.length) return null;
    out.push({ tag, value: data.subarray(at, at + length) });
    at += length;
  }
  return out;
}

/** A response TLV with a BER length (YubiKey answers; NK3 answers use `rawTlv`). */
export function berTlv(tag: number, value: Uint8Array): Uint8Array {
  const n = value.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Uint8Array.from([tag, ...length, ...value]);
}

/** A response TLV whose length is one plain byte, as the NK3 Secrets App writes them (nk3 sheet §3). */
export function rawTlv(tag: number, value: Uint8Array): Uint8Array {
  return Uint8Array.from([tag, value.length & 0xff, ...value]);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}
