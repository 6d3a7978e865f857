import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { createManualClock } from '../clock.js';
import type { HidDevice } from '../hid/hid-device.js';
import { SCRIPTED_DESCRIPTOR } from '../hid/scripted-hid-device.js';
import { OtpConnection } from './connection.js';
import { crc16 } from './crc16.js';
import { buildFrame, frameReports, isSequenceUpdated, OtpProtocol, PAYLOAD_SIZE } from './protocol.js';

/** What a key does with the reports: clear on part 0, fill by sequence, missing parts stay zero. */
function reassemble(reports: Uint8Array[]): Uint8Array {
  const frame = new Uint8Array(70);
  for (const report of reports) {
    const seq = (report[7] ?? 0) & 0x1f;
    if (seq === 0) frame.fill(0);
    frame.set(report.subarray(0, 7), seq * 7);
  }
  return frame;
}

const status = (seq: number, touchLevel: number) => Uint8Array.of(0, 5, 4, 3, seq, touchLevel & 0xff, touchLevel >>> 8, 0);

/** A device that answers reads from a list (the last one repeats) and records writes. */
function listDevice(reads: string[]): HidDevice & { sets: string[] } {
  const sets: string[] = [];
  let index = 0;
  return {
    descriptor: SCRIPTED_DESCRIPTOR,
    sets,
    sendFeatureReport: (report) => {
      sets.push(Buffer.from(report).toString('hex'));
      return Promise.resolve();
    },
    getFeatureReport: () => Promise.resolve(Uint8Array.from(Buffer.from(reads[Math.min(index++, reads.length - 1)] ?? '', 'hex'))),
    write: () => Promise.resolve(),
    read: () => Promise.resolve(null),
    close: () => Promise.resolve(),
  };
}

describe('OTP framing', () => {
  it('any payload and command round-trip through the reports a key reassembles, zero parts 1–8 left out', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: PAYLOAD_SIZE }), fc.integer({ min: 0, max: 255 }), (payload, command) => {
        const frame = buildFrame(command, payload);
        const reports = frameReports(frame);
        expect(reassemble(reports)).toEqual(frame);
        const sequences = reports.map((report) => (report[7] ?? 0) & 0x1f);
        expect(sequences[0]).toBe(0);
        expect(sequences.at(-1)).toBe(9);
        for (const report of reports) {
          expect((report[7] ?? 0) & 0x80).toBe(0x80);
          const seq = (report[7] ?? 0) & 0x1f;
          if (seq !== 0 && seq !== 9) expect(report.subarray(0, 7).some((byte) => byte !== 0)).toBe(true);
        }
        const crc = (frame[65] ?? 0) | ((frame[66] ?? 0) << 8);
        expect(crc).toBe(crc16(frame.subarray(0, 64)));
      }),
    );
  });

  it('refuses a payload over 64 bytes', () => {
    expect(() => buildFrame(1, new Uint8Array(65))).toThrow(/64/);
  });

  it('write success is pgmSeq + 1 (wrapping), or 0 with no slot valid; anything else is not', () => {
    expect(isSequenceUpdated(3, status(4, 0x03))).toBe(true);
    expect(isSequenceUpdated(255, status(0, 0x03))).toBe(true);
    expect(isSequenceUpdated(5, status(0, 0x00))).toBe(true);
    expect(isSequenceUpdated(0, status(0, 0x10))).toBe(true); // a blank key's delete; the LED bit is not a slot
    expect(isSequenceUpdated(3, status(3, 0x03))).toBe(false);
    expect(isSequenceUpdated(3, status(5, 0x03))).toBe(false);
    expect(isSequenceUpdated(5, status(0, 0x02))).toBe(false);
  });
});

describe('OTP response reading', () => {
  const protocolOn = (device: HidDevice) => new OtpProtocol(new OtpConnection(device), { clock: createManualClock() });

  it('skips a part out of order, as yubikit does, and still ends on the wrap', async () => {
    const data = '00bc614ec80400';
    const device = listDevice(['0005040301010000', '0005040301010000', '0005040301010000', `${data}40`, `${data}43`, `${data}40`]);
    const answer = await protocolOn(device).query(0x10, new Uint8Array(0), 4);
    expect(Buffer.from(answer ?? []).toString('hex')).toBe('00bc614e');
  });

  it('a response longer than any command has is KEY_PROTOCOL', async () => {
    const parts = Array.from({ length: 9 }, (_, seq) => `00000000000000${(0x40 | seq).toString(16)}`);
    const device = listDevice(['0005040301010000', '0005040301010000', '0005040301010000', ...parts]);
    await expect(protocolOn(device).query(0x30, Uint8Array.of(1), 20)).rejects.toMatchObject({ code: 'KEY_PROTOCOL' });
  });

  it('a feature report of the wrong size is KEY_PROTOCOL', async () => {
    const device = listDevice(['00050403010100']);
    const error: unknown = await protocolOn(device).readStatus().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LatchkeyError);
    expect((error as LatchkeyError).code).toBe('KEY_PROTOCOL');
  });

  it('a leftover response or touch wait found when reading the status is reset first', async () => {
    const device = listDevice(['b5c9a24ee0259940', '000504030307002e', '0005040303070000']);
    const report = await protocolOn(device).readStatus();
    expect(Buffer.from(report).toString('hex')).toBe('0005040303070000');
    expect(device.sets).toEqual(['00000000000000ff', '00000000000000ff']);
  });
});
