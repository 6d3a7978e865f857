import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readVectors } from '../../test-support/facts.js';
import { peerAvailable } from '../../test-support/python-peer.js';
import { factoryState, type EmulatorState } from './yubikey-otp.js';
import { frameReports, hex, unhex } from './test-support/otp-host.js';
import { captureYubikitReports, saveArtifact, type YubikitOp } from './test-support/yubikit-capture.js';

/**
 * The capture helper: yubikit's reports for given operations, as the lead's driver comparison
 * uses them. It must reproduce the vectors' host side (the vectors came from yubikit too), and for
 * fresh random keys every frame must be the sheet's split of what the emulator decoded.
 */
const vectors = z
  .object({
    vectors: z.object({
      a_hotp6_slot2_no_acc: z.object({ feature_reports_sent: z.array(z.string()) }).loose(),
      b_hotp8_slot2_set_acc: z
        .object({ feature_reports_sent: z.array(z.string()), reprogram_with_current_code: z.object({ feature_reports_sent: z.array(z.string()) }).loose() })
        .loose(),
      c_hmac_slot2_no_touch: z.object({ feature_reports_sent: z.array(z.string()), config_52_hex: z.string() }).loose(),
      d_delete_slot1: z.object({ feature_reports_sent: z.array(z.string()) }).loose(),
      g_serial: z.object({ feature_reports_sent: z.array(z.string()) }).loose(),
      e_hmac_challenges_slot2: z.object({ cases: z.record(z.string(), z.object({ challenge_hex: z.string(), feature_reports_sent: z.array(z.string()).optional() }).loose()) }).loose(),
    }).loose(),
  })
  .loose()
  .parse(readVectors('yubikey-otp.json')).vectors;

const HOTP_KEY = Buffer.from('12345678901234567890').toString('hex');
const HMAC_KEY = '303132333435363738393a3b3c3d3e3f40414243';
const ACCESS_CODE = 'a1b2c3d4e5f6';
const seeded = (length: number) => new Uint8Array(length).map((_, i) => i + 1);
const factoryKey = (): EmulatorState => factoryState(seeded);

if (!peerAvailable('yubikit')) it.skip('skipped: Yubico yubikit is not installed for /usr/bin/python3 (apt install python3-ykman)');

describe.skipIf(!peerAvailable('yubikit'))('yubikit reports captured through the emulator', () => {
  it("reproduce the vectors' host reports", async () => {
    const challenges = Object.values(vectors.e_hmac_challenges_slot2.cases).filter((c) => c.feature_reports_sent !== undefined);
    const ops: YubikitOp[] = [
      { op: 'serial' },
      { op: 'put-hotp', slot: 2, key: HOTP_KEY, digits: 6 },
      { op: 'put-hotp', slot: 2, key: HOTP_KEY, digits: 8, accessCode: ACCESS_CODE },
      { op: 'put-hotp', slot: 2, key: HOTP_KEY, digits: 8, accessCode: ACCESS_CODE, currentAccessCode: ACCESS_CODE },
      { op: 'put-hmac', slot: 2, key: HMAC_KEY, currentAccessCode: ACCESS_CODE },
      ...challenges.map((c) => ({ op: 'challenge', slot: 2, challenge: c.challenge_hex }) as const),
      { op: 'delete', slot: 1 },
    ];
    const capture = await captureYubikitReports(ops, { initialState: factoryKey() });
    expect(capture.results.map((r) => r.result)).toEqual(ops.map(() => 'ok'));
    const expected = [
      vectors.g_serial.feature_reports_sent,
      vectors.a_hotp6_slot2_no_acc.feature_reports_sent,
      vectors.b_hotp8_slot2_set_acc.feature_reports_sent,
      vectors.b_hotp8_slot2_set_acc.reprogram_with_current_code.feature_reports_sent,
      null, // vector c has no current access code; this slot had one
      ...challenges.map((c) => c.feature_reports_sent ?? null),
      vectors.d_delete_slot1.feature_reports_sent,
    ];
    capture.frames.forEach((frame, index) => {
      const want = expected[index];
      if (want) expect(frame.hostReports).toEqual(want);
    });
    expect(capture.frames[4]?.payloadHex.slice(0, 116)).toBe(`${vectors.c_hmac_slot2_no_touch.config_52_hex}${ACCESS_CODE}`);
  });

  it('for fresh random keys: every frame is the sheet split of what the emulator decoded (saved as an artifact)', async () => {
    const [hmacKey, hotpKey, code] = [randomBytes(20).toString('hex'), randomBytes(20).toString('hex'), randomBytes(6).toString('hex')];
    const ops: YubikitOp[] = [
      { op: 'put-hmac', slot: 1, key: hmacKey, touch: true },
      { op: 'put-hotp', slot: 2, key: hotpKey, digits: 8, imf: 16 * (1 + (randomBytes(1)[0] ?? 0)), accessCode: code },
      { op: 'challenge', slot: 1, challenge: randomBytes(32).toString('hex') },
      { op: 'update', slot: 2, appendCr: false, accessCode: code, currentAccessCode: code },
      { op: 'swap' },
      { op: 'delete', slot: 1, currentAccessCode: code },
    ];
    const capture = await captureYubikitReports(ops, { initialState: factoryKey() });
    expect(capture.results.map((r) => r.result)).toEqual(ops.map(() => 'ok'));
    expect(capture.frames).toHaveLength(ops.length);
    for (const frame of capture.frames) expect(frame.hostReports).toEqual(frameReports(frame.command, unhex(frame.payloadHex)).map(hex));
    expect(capture.state.slots[0]).toBeNull();
    expect(capture.state.slots[1]).toMatchObject({ key: hmacKey.slice(0, 32), cfgFlags: 0x2e });
    // yubikit's report counts against this emulator (sheet §2.5): one GET for pgmSeq, one ready check
    // per part, then for a write busy + status; for a challenge busy, one touch wait (policy auto),
    // 4 response parts, the wrap, and a reset SET.
    const parts = (index: number) => capture.frames[index]?.hostReports.length ?? 0;
    expect(capture.results[0]?.['reports']).toEqual({ set: parts(0), get: 1 + parts(0) + 2 });
    expect(capture.results[2]?.['reports']).toEqual({ set: parts(2) + 1, get: 1 + parts(2) + 1 + 1 + 4 + 1 });
    saveArtifact('yubikit-otp-ops', { ops, frames: capture.frames, results: capture.results });
  });

  it('a touch sent over the socket (0x03) answers the wait yubikit is polling', async () => {
    const key = randomBytes(20);
    const challenge = randomBytes(12);
    const capture = await captureYubikitReports(
      [
        { op: 'put-hmac', slot: 2, key: key.toString('hex'), touch: true },
        { op: 'challenge', slot: 2, challenge: challenge.toString('hex'), touchAfterMs: 400 },
      ],
      { initialState: factoryKey(), touchPolicy: { kind: 'never' } },
    );
    expect(capture.results[1]).toMatchObject({
      result: 'ok',
      touchPrompted: true,
      response: createHmac('sha1', key).update(challenge).digest('hex'),
    });
    // yubikit polled the wait flag (0x20 | seconds left) before the touch came.
    const waits = capture.conversation.filter(([direction, report]) => direction === 'GET' && (Number.parseInt(report.slice(14), 16) & 0xe0) === 0x20);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits[0]?.[1]).toBe('000504030207002f');
  });
});
