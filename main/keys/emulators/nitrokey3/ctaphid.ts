/**
 * CTAPHID framing as the device writes it (nk3 sheet §2): 64-byte reports, an initialisation
 * packet (CID, CMD | 0x80, BCNT, 57 bytes) and continuation packets (CID, SEQ, 59 bytes).
 */
export const PACKET_SIZE = 64;
export const INIT_DATA = 57;
export const CONT_DATA = 59;
export const BROADCAST_CID = 0xffffffff;
/** `CTAPHID_MESSAGE_SIZE` of the NK3 firmware. */
export const NK3_MAX_MESSAGE = 3072;
/** Continuation packets must complete a message within about this long. */
export const MESSAGE_TIMEOUT_MS = 550;

export const CMD = {
  PING: 0x01,
  MSG: 0x03,
  INIT: 0x06,
  WINK: 0x08,
  CBOR: 0x10,
  CANCEL: 0x11,
  KEEPALIVE: 0x3b,
  ERROR: 0x3f,
  SECRETS: 0x70,
} as const;

export const ERR = {
  INVALID_CMD: 0x01,
  INVALID_LEN: 0x03,
  INVALID_SEQ: 0x04,
  MSG_TIMEOUT: 0x05,
  CHANNEL_BUSY: 0x06,
  INVALID_CHANNEL: 0x0b,
} as const;

export const KEEPALIVE_UPNEEDED = 0x02;

export function framePackets(cid: number, cmd: number, payload: Uint8Array): Uint8Array[] {
  const packets: Uint8Array[] = [];
  const first = new Uint8Array(PACKET_SIZE);
  const view = new DataView(first.buffer);
  view.setUint32(0, cid);
  first[4] = 0x80 | cmd;
  view.setUint16(5, payload.length);
  first.set(payload.subarray(0, INIT_DATA), 7);
  packets.push(first);
  for (let offset = INIT_DATA, seq = 0; offset < payload.length; offset += CONT_DATA, seq++) {
    const next = new Uint8Array(PACKET_SIZE);
    new DataView(next.buffer).setUint32(0, cid);
    next[4] = seq;
    next.set(payload.subarray(offset, offset + CONT_DATA), 5);
    packets.push(next);
  }
  return packets;
}

export type IncomingPacket =
  | { readonly kind: 'init'; readonly cid: number; readonly cmd: number; readonly bcnt: number; readonly data: Uint8Array }
  | { readonly kind: 'cont'; readonly cid: number; readonly seq: number; readonly data: Uint8Array };

export function readPacket(packet: Uint8Array): IncomingPacket {
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const cid = view.getUint32(0);
  const byte4 = packet[4] ?? 0;
  if ((byte4 & 0x80) !== 0) return { kind: 'init', cid, cmd: byte4 & 0x7f, bcnt: view.getUint16(5), data: packet.subarray(7) };
  return { kind: 'cont', cid, seq: byte4, data: packet.subarray(5) };
}
