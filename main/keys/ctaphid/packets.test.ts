import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { CONT_DATA_SIZE, CTAPHID_CMD, INIT_DATA_SIZE, MAX_MESSAGE_SIZE, PACKET_SIZE, encodeMessage, parsePacket } from './packets.js';
import { MessageReassembler, type FeedResult } from './reassembler.js';

interface Nk3Vector {
  readonly id: string;
  readonly cid: string;
  readonly requestPayloadHex?: string;
  readonly responsePayloadHex?: string;
  readonly hostToDevicePackets: readonly string[];
  readonly deviceToHostPackets?: readonly string[];
}
const vectors = (JSON.parse(readFileSync(new URL('../../../../shared/vectors/nitrokey3-secrets.json', import.meta.url), 'utf8')) as { vectors: Nk3Vector[] }).vectors;

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');
const CID = 0x00000001;
const OTHER_CID = 0x00000002;

/** Feeds reports one at a time; returns every result so a test sees exactly when the message completed. */
function feedAll(reassembler: MessageReassembler, reports: readonly Uint8Array[]): FeedResult[] {
  return reports.map((report) => reassembler.feed(parsePacket(report)));
}

function protocolError(run: () => unknown): LatchkeyError {
  try {
    run();
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected a LatchkeyError');
}

describe('CTAPHID framing against the NK3 vectors', () => {
  const framed = vectors.filter((vector) => vector.requestPayloadHex !== undefined);

  it.each(framed.map((vector) => [vector.id, vector] as const))('%s: our packets for the request are the vector’s, byte for byte', (_id, vector) => {
    const cmd = parsePacket(bytes(vector.hostToDevicePackets[0] ?? '')).kind === 'init' ? (bytes(vector.hostToDevicePackets[0] ?? '')[4] ?? 0) & 0x7f : -1;
    const packets = encodeMessage({ cid: Number.parseInt(vector.cid, 16), cmd, payload: bytes(vector.requestPayloadHex ?? '') });
    expect(packets.map(hex)).toEqual(vector.hostToDevicePackets);
  });

  it.each(framed.filter((vector) => vector.deviceToHostPackets !== undefined).map((vector) => [vector.id, vector] as const))(
    '%s: the device’s packets, fed one at a time, rebuild the vector’s response payload',
    (_id, vector) => {
      const reassembler = new MessageReassembler(Number.parseInt(vector.cid, 16));
      const results = feedAll(reassembler, (vector.deviceToHostPackets ?? []).map(bytes));
      const last = results.at(-1);
      expect(last?.status).toBe('complete');
      expect(results.slice(0, -1).every((result) => result.status === 'partial' || result.status === 'keepalive')).toBe(true);
      if (last?.status === 'complete') expect(hex(last.message.payload)).toBe(vector.responsePayloadHex);
    },
  );

  it('the 117-byte PUT needs three packets, the last carrying one byte after SEQ 1', () => {
    const packets = encodeMessage({ cid: CID, cmd: 0x70, payload: new Uint8Array(117).fill(7) });
    expect(packets).toHaveLength(3);
    expect(packets[2]?.[4]).toBe(1);
    expect(packets[2]?.subarray(5, 7)).toEqual(Uint8Array.of(7, 0));
  });

  it('keepalives are skipped and reported, also between continuation packets', () => {
    const reassembler = new MessageReassembler(CID);
    const [first, second] = encodeMessage({ cid: CID, cmd: 0x70, payload: new Uint8Array(80).fill(1) });
    const keepalive = encodeMessage({ cid: CID, cmd: CTAPHID_CMD.KEEPALIVE, payload: Uint8Array.of(2) })[0];
    if (first === undefined || second === undefined || keepalive === undefined) throw new Error('packets');
    const results = feedAll(reassembler, [keepalive, first, keepalive, second]);
    expect(results.map((result) => result.status)).toEqual(['keepalive', 'partial', 'keepalive', 'complete']);
    expect(results[0]).toEqual({ status: 'keepalive', keepalive: 'user-presence-needed' });
  });
});

describe('CTAPHID framing: any message round-trips', () => {
  it('a payload of any length up to the spec maximum is split and rebuilt exactly, completing on its last packet', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: MAX_MESSAGE_SIZE }), fc.integer({ min: 1, max: 0xfffffffe }), (payload, cid) => {
        const packets = encodeMessage({ cid, cmd: 0x70, payload });
        const expectedCount = payload.length <= INIT_DATA_SIZE ? 1 : 1 + Math.ceil((payload.length - INIT_DATA_SIZE) / CONT_DATA_SIZE);
        expect(packets).toHaveLength(expectedCount);
        expect(packets.every((report) => report.length === PACKET_SIZE)).toBe(true);
        const results = feedAll(new MessageReassembler(cid), packets);
        expect(results.slice(0, -1).every((result) => result.status === 'partial')).toBe(true);
        const last = results.at(-1);
        expect(last?.status === 'complete' && hex(last.message.payload) === hex(payload) && last.message.cmd === 0x70).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('packets of another channel woven in anywhere are ignored and change nothing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 58, maxLength: 600 }), fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.nat(), (ours, theirs, seed) => {
        const mine = encodeMessage({ cid: CID, cmd: 0x70, payload: ours });
        const foreign = encodeMessage({ cid: OTHER_CID, cmd: 0x70, payload: theirs });
        const mixed: Uint8Array[] = [];
        let f = 0;
        mine.forEach((report, index) => {
          const theirPacket = foreign[f];
          if (((seed >> index) & 1) === 1 && theirPacket !== undefined) {
            mixed.push(theirPacket);
            f++;
          }
          mixed.push(report);
        });
        const results = feedAll(new MessageReassembler(CID), mixed);
        const complete = results.filter((result) => result.status === 'complete');
        expect(complete).toHaveLength(1);
        expect(results.filter((result) => result.status === 'ignored')).toHaveLength(f);
        const [done] = complete;
        expect(done?.status === 'complete' && hex(done.message.payload) === hex(ours)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('CTAPHID framing: refusals hold for any message', () => {
  it('any continuation with a wrong sequence number, wherever it comes, is KEY_PROTOCOL', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: INIT_DATA_SIZE + 1, maxLength: 2000 }), fc.nat(), fc.integer({ min: 1, max: 127 }), (payload, pick, shift) => {
        const packets = encodeMessage({ cid: CID, cmd: 0x70, payload });
        const broken = 1 + (pick % (packets.length - 1));
        const reassembler = new MessageReassembler(CID);
        feedAll(reassembler, packets.slice(0, broken));
        const bad = Uint8Array.from(packets[broken] ?? new Uint8Array(PACKET_SIZE));
        bad[4] = ((bad[4] ?? 0) + shift) & 0x7f;
        expect(protocolError(() => reassembler.feed(parsePacket(bad))).code).toBe('KEY_PROTOCOL');
      }),
      { numRuns: 60 },
    );
  });

  it('any announced length over the limit is refused on the first packet, any within it is taken', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 64, max: MAX_MESSAGE_SIZE }), (length, limit) => {
        const report = new Uint8Array(PACKET_SIZE);
        report.set([0, 0, 0, 1, 0xf0, length >> 8, length & 0xff]);
        const feed = () => new MessageReassembler(CID, limit).feed(parsePacket(report));
        if (length > limit) expect(protocolError(feed).code).toBe('KEY_PROTOCOL');
        else expect(feed().status).toBe(length <= INIT_DATA_SIZE ? 'complete' : 'partial');
      }),
      { numRuns: 100 },
    );
  });
});

describe('CTAPHID framing refuses what a key never sends', () => {
  const [first, second, third] = encodeMessage({ cid: CID, cmd: 0x70, payload: new Uint8Array(150).fill(9) });
  if (first === undefined || second === undefined || third === undefined) throw new Error('packets');

  it('a continuation out of sequence is KEY_PROTOCOL', () => {
    const reassembler = new MessageReassembler(CID);
    reassembler.feed(parsePacket(first));
    const error = protocolError(() => reassembler.feed(parsePacket(third)));
    expect(error.code).toBe('KEY_PROTOCOL');
    expect(error.details).toMatchObject({ expectedSeq: 0, seq: 1 });
  });

  it('a repeated continuation is KEY_PROTOCOL', () => {
    const reassembler = new MessageReassembler(CID);
    feedAll(reassembler, [first, second]);
    expect(protocolError(() => reassembler.feed(parsePacket(second))).code).toBe('KEY_PROTOCOL');
  });

  it('a length over the key’s buffer (NK3: 3072) is refused on the first packet, and so is one over the spec maximum', () => {
    const announce = (length: number) => {
      const report = new Uint8Array(PACKET_SIZE);
      report.set([0, 0, 0, 1, 0xf0, length >> 8, length & 0xff]);
      return report;
    };
    expect(protocolError(() => new MessageReassembler(CID, 3072).feed(parsePacket(announce(3073)))).details).toMatchObject({ bytes: 3073, limit: 3072 });
    expect(protocolError(() => new MessageReassembler(CID).feed(parsePacket(announce(MAX_MESSAGE_SIZE + 1)))).code).toBe('KEY_PROTOCOL');
    expect(new MessageReassembler(CID, 3072).feed(parsePacket(announce(3072))).status).toBe('partial');
  });

  it('a message cut short by the next message is KEY_PROTOCOL (truncated)', () => {
    const reassembler = new MessageReassembler(CID);
    reassembler.feed(parsePacket(first));
    expect(protocolError(() => reassembler.feed(parsePacket(first))).message).toMatch(/truncated/);
  });

  it('a report shorter than 64 bytes is a truncated packet: KEY_PROTOCOL', () => {
    expect(protocolError(() => parsePacket(first.subarray(0, 63))).code).toBe('KEY_PROTOCOL');
  });

  it('a continuation with no message open is ignored', () => {
    expect(new MessageReassembler(CID).feed(parsePacket(second))).toEqual({ status: 'ignored', reason: 'no-message-open' });
  });

  it('we refuse to send a message longer than the key takes', () => {
    expect(protocolError(() => encodeMessage({ cid: CID, cmd: 0x70, payload: new Uint8Array(3073) }, 3072)).code).toBe('KEY_PROTOCOL');
  });
});
