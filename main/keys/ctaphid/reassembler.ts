import { LatchkeyError } from '../../../shared/errors.js';
import type { KeepaliveStatus } from '../apdu.js';
import { CTAPHID_CMD, MAX_MESSAGE_SIZE, formatCid, type Message, type Packet } from './packets.js';

/** What one packet did to the message being read. */
export type FeedResult =
  | { readonly status: 'complete'; readonly message: Message }
  | { readonly status: 'partial' }
  /** The key is still working (sheet §2 KEEPALIVE); skipped wherever it comes, even between continuations. */
  | { readonly status: 'keepalive'; readonly keepalive: KeepaliveStatus | 'unknown' }
  /**
   * Not ours: a packet on another channel (hidraw hands every reader every input report, so another
   * program's answers reach us too), or a continuation with no message open (a leftover).
   */
  | { readonly status: 'ignored'; readonly reason: 'other-channel' | 'no-message-open' };

const KEEPALIVE_STATUS: Readonly<Record<number, KeepaliveStatus>> = { 1: 'processing', 2: 'user-presence-needed' };

const protocolError = (message: string, details: Record<string, number | string>) => new LatchkeyError('KEY_PROTOCOL', message, details);

/**
 * Rebuilds the one message the host is waiting for on `cid`, a packet at a time. It refuses what a
 * well-behaved key never sends: a continuation out of sequence, a length over `maxSize`, a new
 * message before the last one ended (the last one was truncated). Each is KEY_PROTOCOL.
 */
export class MessageReassembler {
  private open: { cmd: number; length: number; chunks: Uint8Array[]; received: number; nextSeq: number } | undefined;

  constructor(
    private readonly cid: number,
    private readonly maxSize: number = MAX_MESSAGE_SIZE,
  ) {}

  /** True while an initialisation packet has come and its continuations have not all. */
  get inProgress(): boolean {
    return this.open !== undefined;
  }

  feed(packet: Packet): FeedResult {
    if (packet.cid !== this.cid) return { status: 'ignored', reason: 'other-channel' };
    return packet.kind === 'init' ? this.begin(packet) : this.continue(packet);
  }

  private begin(packet: Extract<Packet, { kind: 'init' }>): FeedResult {
    if (packet.cmd === CTAPHID_CMD.KEEPALIVE) return { status: 'keepalive', keepalive: KEEPALIVE_STATUS[packet.data[0] ?? 0] ?? 'unknown' };
    if (this.open !== undefined) {
      throw protocolError(`the key started a new message before finishing the last one (${String(this.open.received)} of ${String(this.open.length)} bytes came): the last one was truncated`, {
        channel: formatCid(this.cid),
      });
    }
    if (packet.length > this.maxSize) {
      throw protocolError(`the key announced a ${String(packet.length)}-byte message; no answer here is longer than ${String(this.maxSize)}`, { bytes: packet.length, limit: this.maxSize });
    }
    const first = packet.data.subarray(0, Math.min(packet.length, packet.data.length));
    if (first.length === packet.length) return { status: 'complete', message: { cid: packet.cid, cmd: packet.cmd, payload: Uint8Array.from(first) } };
    this.open = { cmd: packet.cmd, length: packet.length, chunks: [Uint8Array.from(first)], received: first.length, nextSeq: 0 };
    return { status: 'partial' };
  }

  private continue(packet: Extract<Packet, { kind: 'cont' }>): FeedResult {
    const open = this.open;
    if (open === undefined) return { status: 'ignored', reason: 'no-message-open' };
    if (packet.seq !== open.nextSeq) {
      this.open = undefined;
      throw protocolError(`the key sent continuation packet ${String(packet.seq)} where ${String(open.nextSeq)} was due`, { expectedSeq: open.nextSeq, seq: packet.seq });
    }
    const chunk = packet.data.subarray(0, Math.min(open.length - open.received, packet.data.length));
    open.chunks.push(Uint8Array.from(chunk));
    open.received += chunk.length;
    open.nextSeq++;
    if (open.received < open.length) return { status: 'partial' };
    this.open = undefined;
    return { status: 'complete', message: { cid: this.cid, cmd: open.cmd, payload: concat(open.chunks) } };
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
