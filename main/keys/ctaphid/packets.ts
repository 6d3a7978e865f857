import { LatchkeyError } from '../../../shared/errors.js';

/**
 * CTAPHID packet layout (NK3 sheet §2). Every HID report is 64 bytes: an initialisation packet
 * `CID(4) CMD|0x80 BCNT(2) data(57)` opens a message, continuation packets `CID(4) SEQ data(59)`
 * carry the rest, SEQ counting 0…127.
 */
export const PACKET_SIZE = 64;
export const INIT_DATA_SIZE = PACKET_SIZE - 7;
export const CONT_DATA_SIZE = PACKET_SIZE - 5;
const MAX_SEQ = 0x7f;
/** The spec's largest message: one initialisation packet and 128 continuations. */
export const MAX_MESSAGE_SIZE = INIT_DATA_SIZE + (MAX_SEQ + 1) * CONT_DATA_SIZE;
export const BROADCAST_CID = 0xffffffff;
const INIT_BIT = 0x80;

/** Command numbers without the init bit (sheet §2, "Commands used"). */
export const CTAPHID_CMD = {
  PING: 0x01,
  MSG: 0x03,
  INIT: 0x06,
  WINK: 0x08,
  CBOR: 0x10,
  CANCEL: 0x11,
  KEEPALIVE: 0x3b,
  ERROR: 0x3f,
} as const;

export type Packet =
  | { readonly kind: 'init'; readonly cid: number; readonly cmd: number; readonly length: number; readonly data: Uint8Array }
  | { readonly kind: 'cont'; readonly cid: number; readonly seq: number; readonly data: Uint8Array };

export interface Message {
  readonly cid: number;
  readonly cmd: number;
  readonly payload: Uint8Array;
}

const protocolError = (message: string, details?: Record<string, number>) => new LatchkeyError('KEY_PROTOCOL', message, details);

/** The packets one message is sent as, each zero-padded to 64 bytes. */
export function encodeMessage({ cid, cmd, payload }: Message, maxSize = MAX_MESSAGE_SIZE): Uint8Array[] {
  if (payload.length > maxSize) {
    throw protocolError(`a CTAPHID message of ${String(payload.length)} bytes is longer than the ${String(maxSize)} this key takes`, { bytes: payload.length, limit: maxSize });
  }
  if ((cmd & INIT_BIT) !== 0) throw new Error('CTAPHID command numbers are given without the init bit');
  const first = new Uint8Array(PACKET_SIZE);
  writeCid(first, cid);
  first[4] = INIT_BIT | cmd;
  first[5] = payload.length >>> 8;
  first[6] = payload.length & 0xff;
  first.set(payload.subarray(0, INIT_DATA_SIZE), 7);
  const packets = [first];
  for (let offset = INIT_DATA_SIZE, seq = 0; offset < payload.length; offset += CONT_DATA_SIZE, seq++) {
    const packet = new Uint8Array(PACKET_SIZE);
    writeCid(packet, cid);
    packet[4] = seq;
    packet.set(payload.subarray(offset, offset + CONT_DATA_SIZE), 5);
    packets.push(packet);
  }
  return packets;
}

/** Reads one 64-byte report. A shorter report is a truncated packet: KEY_PROTOCOL. */
export function parsePacket(report: Uint8Array): Packet {
  if (report.length !== PACKET_SIZE) {
    throw protocolError(`the key sent a HID report of ${String(report.length)} bytes; CTAPHID reports are ${String(PACKET_SIZE)}`, { bytes: report.length });
  }
  const cid = new DataView(report.buffer, report.byteOffset, 4).getUint32(0, false);
  const head = report[4] ?? 0;
  if ((head & INIT_BIT) !== 0) {
    return { kind: 'init', cid, cmd: head & ~INIT_BIT, length: ((report[5] ?? 0) << 8) | (report[6] ?? 0), data: report.subarray(7) };
  }
  return { kind: 'cont', cid, seq: head, data: report.subarray(5) };
}

function writeCid(packet: Uint8Array, cid: number): void {
  new DataView(packet.buffer, packet.byteOffset, 4).setUint32(0, cid >>> 0, false);
}

export const formatCid = (cid: number) => (cid >>> 0).toString(16).padStart(8, '0');
