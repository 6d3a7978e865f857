/**
 * Command and response APDUs as the card sees them (sheet §2): ISO cases 1–4 in short and extended
 * form, because yubikit 4 sends `00 A1 00 00 00` (Lc = 00, no data) and yubikit ≥ 5 extended APDUs
 * (`00 01 00 00 00 00 33 …`, even an extended re-SELECT). Le is read and ignored: the card always
 * answers what it has, in parts of 256 bytes.
 */
export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Uint8Array;
}

export const SW = {
  OK: 0x9000,
  MORE_DATA: 0x6100,
  WRONG_LENGTH: 0x6700,
  SECURITY_NOT_SATISFIED: 0x6982,
  NO_SUCH_OBJECT: 0x6984,
  WRONG_DATA: 0x6a80,
  FILE_NOT_FOUND: 0x6a82,
  NO_SPACE: 0x6a84,
  WRONG_P1P2: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
} as const;

/** One part of a chained answer: 256 data bytes, the size a real key used (sheet §2, dotnet-35). */
export const RESPONSE_PART = 256;

export function parseCommandApdu(bytes: Uint8Array): CommandApdu | null {
  if (bytes.length < 4) return null;
  const [cla = 0, ins = 0, p1 = 0, p2 = 0] = bytes;
  const header = { cla, ins, p1, p2 };
  const body = bytes.subarray(4);
  const none = new Uint8Array(0);
  if (body.length === 0) return { ...header, data: none }; // case 1
  if (body.length === 1) return { ...header, data: none }; // case 2 short (Le), or yubikit 4's Lc = 00
  const first = body[0] ?? 0;
  if (first !== 0) {
    // short case 3 (Lc data) or 4 (Lc data Le)
    if (body.length === 1 + first || body.length === 2 + first) return { ...header, data: body.subarray(1, 1 + first) };
    return null;
  }
  // first byte 00 and more: extended
  if (body.length === 3) return { ...header, data: none }; // case 2 extended (00 Le Le)
  const lc = ((body[1] ?? 0) << 8) | (body[2] ?? 0);
  if (lc === 0) return null;
  if (body.length === 3 + lc || body.length === 5 + lc) return { ...header, data: body.subarray(3, 3 + lc) };
  return null;
}

export function statusOnly(sw: number): Uint8Array {
  return Uint8Array.of(sw >> 8, sw & 0xff);
}

export function withStatus(data: Uint8Array, sw: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = sw >> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
}

/**
 * Cuts an answer into its first part and the rest: 256 bytes + `61 xx` (xx = bytes left, `00` when
 * 256 or more), the rest to be fetched with SEND REMAINING (sheet §2, "Response APDUs and chaining").
 */
export function firstPart(data: Uint8Array): { readonly response: Uint8Array; readonly rest: Uint8Array | null } {
  if (data.length <= RESPONSE_PART) return { response: withStatus(data, SW.OK), rest: null };
  const rest = data.subarray(RESPONSE_PART);
  return { response: withStatus(data.subarray(0, RESPONSE_PART), SW.MORE_DATA | Math.min(rest.length, 0x100) % 0x100), rest };
}
