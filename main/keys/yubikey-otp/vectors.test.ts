import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { readVectors } from '../../test-support/facts.js';
import { createManualClock } from '../clock.js';
import { ScriptedHidDevice, type ScriptStep } from '../hid/scripted-hid-device.js';
import { crc16, CRC_OK_RESIDUAL } from './crc16.js';
import { parseStatus } from './model.js';
import { buildFrame, frameReports } from './protocol.js';
import { YubiOtpSession } from './session.js';
import { hmacLt64Message, hmacSha1Configuration, hotpConfiguration, padChallenge } from './slot-config.js';

/** Every vector of ../shared/vectors/yubikey-otp.json, byte for byte, through the driver's own code. */
type Conversation = ScriptStep[];
interface WriteVector {
  config_52_hex: string;
  write_frame_70_hex: string;
  feature_reports_sent: string[];
  yubikit_conversation: Conversation;
  status_after?: { pgm_seq: number; touch_level: string };
}
interface ChallengeCase {
  challenge_hex: string;
  'padded_64_hex (yubikit rule)': string;
  'padded_64_hex (python-yubico rule)'?: string;
  write_frame_70_hex: string;
  feature_reports_sent: string[];
  'expected_response_20_hex (slot has HMAC_LT64)': string;
  'expected_response_20_hex (slot WITHOUT HMAC_LT64)'?: string;
  'plain_hmac_sha1(key, challenge)': string;
  'response_reports_read (modelled device)': string[];
  yubikit_conversation: Conversation;
}
interface StatusExample {
  raw8_hex: string;
  version: string;
  pgm_seq: number;
  touch_level: string;
  slot1_valid: boolean;
  slot2_valid: boolean;
  slot1_touch: boolean;
  slot2_touch: boolean;
  led_inverted: boolean;
  flags_byte7: string;
}
interface Vectors {
  meta: { keys: { HOTP_KEY: string; HMAC_KEY: string; ACCESS_CODE: string } };
  crc16: {
    cases: { input_hex: string; crc16_raw: string; 'inverted_(~crc)': string; le_bytes_of_inverted: string }[];
    residual_demo: { input_hex: string; crc16_over_all: string };
  };
  vectors: {
    a_hotp6_slot2_no_acc: WriteVector & {
      config_fields: Record<string, string | number>;
      frame_crc16_of_payload: string;
      skipped_sequence_numbers: number[];
      first_hotp_codes_for_reference: { counter0_6digits: string; counter1_6digits: string };
    };
    b_hotp8_slot2_set_acc: WriteVector & {
      first_hotp_codes_for_reference: { counter0_8digits: string };
      reprogram_with_wrong_current_code: { yubikit_conversation: Conversation };
      reprogram_with_current_code: { write_frame_70_hex: string; feature_reports_sent: string[] };
    };
    c_hmac_slot2_no_touch: WriteVector & { variant_button_required_config_52_hex: string };
    e_hmac_challenges_slot2: {
      cases: Record<'challenge_6_bytes' | 'challenge_64_bytes' | 'challenge_ending_in_00', ChallengeCase> & {
        sanity_rfc2202_case1: { key_hex: string; challenge_hex: string; expected_response_20_hex: string };
      };
    };
    d_delete_slot1: {
      write_frame_70_hex: string;
      frame_crc16_of_64_zero_bytes: string;
      feature_reports_sent: string[];
      yubikit_conversation_other_slot_still_valid: Conversation;
      status_after_other_slot_still_valid: { pgm_seq: number; touch_level: string };
      yubikit_conversation_last_slot_deleted: Conversation;
      status_after_last_slot_deleted: { pgm_seq: number; touch_level: string };
    };
    f_status: {
      example: StatusExample;
      busy_example: StatusExample;
      touch_wait_example: StatusExample;
      second_example_from_Yubico_NET: never;
    } & Record<string, unknown>;
    g_serial: {
      write_frame_70_hex: string;
      feature_reports_sent: string[];
      'response_reports_read (modelled device)': string[];
      serial: number;
      yubikit_conversation: Conversation;
    };
    imf_encoding: { uid_field_by_imf: Record<string, string> };
  };
  cross_check_failures: unknown[];
}

const V = readVectors('yubikey-otp.json') as Vectors;
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');
const HOTP_KEY = bytes(V.meta.keys.HOTP_KEY.split(' ')[0] ?? '');
const HMAC_KEY = bytes(V.meta.keys.HMAC_KEY);
const ACCESS_CODE = bytes(V.meta.keys.ACCESS_CODE);
const reportsOf = (frame: Uint8Array) => frameReports(frame).map(hex);

/**
 * Replays a conversation against the session. The vectors start after yubikit's session opened;
 * ours reads the status once on open, so the script begins with one more copy of the first status.
 */
async function replay<T>(conversation: Conversation, act: (session: YubiOtpSession) => Promise<T>) {
  const first = conversation[0];
  if (first?.[0] !== 'GET') throw new Error('a conversation starts with a status read');
  const device = new ScriptedHidDevice([first, ...conversation]);
  const session = await YubiOtpSession.open(device, { clock: createManualClock() });
  const result = await act(session).catch((error: unknown) => error);
  return { result, remaining: device.remaining };
}

describe('YubiKey OTP vectors: CRC16', () => {
  it('gives the raw, inverted and stored form of every case', () => {
    for (const c of V.crc16.cases) {
      const raw = crc16(bytes(c.input_hex));
      expect(`0x${raw.toString(16).padStart(4, '0')}`).toBe(c.crc16_raw);
      const inverted = ~raw & 0xffff;
      expect(`0x${inverted.toString(16).padStart(4, '0')}`).toBe(c['inverted_(~crc)']);
      expect(hex(Uint8Array.of(inverted & 0xff, inverted >>> 8))).toBe(c.le_bytes_of_inverted);
    }
    expect(`0x${crc16(bytes(V.crc16.residual_demo.input_hex)).toString(16)}`).toBe(V.crc16.residual_demo.crc16_over_all);
    expect(CRC_OK_RESIDUAL).toBe(0xf0b8);
  });
  it('the vector file reports no cross-check failure', () => {
    expect(V.cross_check_failures).toEqual([]);
  });
});

describe('YubiKey OTP vectors: programming slots', () => {
  it('a: HOTP, 6 digits, slot 2: config, fields, frame, CRC, reports, conversation and status after', async () => {
    const v = V.vectors.a_hotp6_slot2_no_acc;
    const config = hotpConfiguration({ key: HOTP_KEY, digits: 6, initialMovingFactor: 0 });
    expect(hex(config.bytes)).toBe(v.config_52_hex);
    const f = v.config_fields;
    expect(hex(config.bytes.subarray(0, 16))).toBe(f['fixed']);
    expect(hex(config.bytes.subarray(16, 22))).toBe(f['uid']);
    expect(hex(config.bytes.subarray(22, 38))).toBe(f['key']);
    expect(hex(config.bytes.subarray(38, 44))).toBe(f['acc_code']);
    expect(config.bytes[44]).toBe(f['fixed_size']);
    expect(`0x${(config.bytes[45] ?? 0).toString(16)}`).toBe(f['ext_flags']);
    expect(`0x${(config.bytes[46] ?? 0).toString(16)}`).toBe(f['tkt_flags']);
    expect(`0x${(config.bytes[47] ?? 0).toString(16)}`).toBe(f['cfg_flags']);
    expect(hex(config.bytes.subarray(48, 50))).toBe(f['rfu']);
    expect(hex(config.bytes.subarray(50, 52))).toBe(f['crc_le']);

    const payload = new Uint8Array(64);
    payload.set(config.bytes);
    const frame = buildFrame(0x03, payload);
    expect(hex(frame)).toBe(v.write_frame_70_hex);
    expect(`0x${crc16(payload).toString(16)}`).toBe(v.frame_crc16_of_payload);
    expect(reportsOf(frame)).toEqual(v.feature_reports_sent);
    const sentSequences = frameReports(frame).map((report) => (report[7] ?? 0) & 0x1f);
    const skipped = [...Array(10).keys()].filter((seq) => !sentSequences.includes(seq));
    expect(skipped).toEqual(v.skipped_sequence_numbers);

    const { result, remaining } = await replay(v.yubikit_conversation, (s) => s.programHotp(2, { key: HOTP_KEY, digits: 6 }));
    expect(remaining).toBe(0);
    expect(result).toMatchObject({ pgmSeq: v.status_after?.pgm_seq, touchLevel: Number(v.status_after?.touch_level) });
  });

  it('b: HOTP, 8 digits, setting an access code; then a wrong current code is KEY_WRITE_REJECTED; the right one is framed', async () => {
    const v = V.vectors.b_hotp8_slot2_set_acc;
    const options = { key: HOTP_KEY, digits: 8 as const, accessCode: ACCESS_CODE };
    const config = hotpConfiguration(options);
    expect(hex(config.bytes)).toBe(v.config_52_hex);
    const payload = new Uint8Array(64);
    payload.set(config.bytes);
    expect(hex(buildFrame(0x03, payload))).toBe(v.write_frame_70_hex);
    expect(reportsOf(buildFrame(0x03, payload))).toEqual(v.feature_reports_sent);

    const first = await replay(v.yubikit_conversation, (s) => s.programHotp(2, options));
    expect(first.remaining).toBe(0);
    expect(first.result).toMatchObject({ pgmSeq: 3, touchLevel: 0x0f });

    const wrong = await replay(v.reprogram_with_wrong_current_code.yubikit_conversation, (s) =>
      s.programHotp(2, options, { currentAccessCode: bytes('010203040506'), overwrite: true }),
    );
    expect(wrong.remaining).toBe(0);
    expect(wrong.result).toBeInstanceOf(LatchkeyError);
    expect((wrong.result as LatchkeyError).code).toBe('KEY_WRITE_REJECTED');
    expect((wrong.result as LatchkeyError).message).toMatch(/access code.*protected slot.*configuration/);

    payload.set(ACCESS_CODE, 52);
    const unlocked = buildFrame(0x03, payload);
    expect(hex(unlocked)).toBe(v.reprogram_with_current_code.write_frame_70_hex);
    expect(reportsOf(unlocked)).toEqual(v.reprogram_with_current_code.feature_reports_sent);
  });

  it('c: HMAC-SHA1 challenge-response, no touch, and the touch variant', async () => {
    const v = V.vectors.c_hmac_slot2_no_touch;
    const config = hmacSha1Configuration({ key: HMAC_KEY });
    expect(hex(config.bytes)).toBe(v.config_52_hex);
    expect(hex(hmacSha1Configuration({ key: HMAC_KEY, requireTouch: true }).bytes)).toBe(v.variant_button_required_config_52_hex);
    const payload = new Uint8Array(64);
    payload.set(config.bytes);
    expect(hex(buildFrame(0x03, payload))).toBe(v.write_frame_70_hex);
    expect(reportsOf(buildFrame(0x03, payload))).toEqual(v.feature_reports_sent);

    const { result, remaining } = await replay(v.yubikit_conversation, (s) => s.programChallengeResponse(2, { key: HMAC_KEY }));
    expect(remaining).toBe(0);
    expect(result).toMatchObject({ pgmSeq: v.status_after?.pgm_seq, touchLevel: Number(v.status_after?.touch_level) });
    const status = result as Awaited<ReturnType<YubiOtpSession['status']>>;
    expect(status.slots[1]).toMatchObject({ configured: true, touchTriggered: false });
  });

  it('d: deleting slot 1 while slot 2 stays, and deleting the last slot (pgmSeq back to 0)', async () => {
    const v = V.vectors.d_delete_slot1;
    const frame = buildFrame(0x01, new Uint8Array(64));
    expect(hex(frame)).toBe(v.write_frame_70_hex);
    expect(`0x${crc16(new Uint8Array(64)).toString(16)}`).toBe(v.frame_crc16_of_64_zero_bytes);
    expect(reportsOf(frame)).toEqual(v.feature_reports_sent);

    const other = await replay(v.yubikit_conversation_other_slot_still_valid, (s) => s.deleteSlot(1));
    expect(other.remaining).toBe(0);
    expect(other.result).toMatchObject({
      pgmSeq: v.status_after_other_slot_still_valid.pgm_seq,
      touchLevel: Number(v.status_after_other_slot_still_valid.touch_level),
    });
    const last = await replay(v.yubikit_conversation_last_slot_deleted, (s) => s.deleteSlot(1));
    expect(last.remaining).toBe(0);
    expect(last.result).toMatchObject({
      pgmSeq: v.status_after_last_slot_deleted.pgm_seq,
      touchLevel: Number(v.status_after_last_slot_deleted.touch_level),
    });
  });

  it('imf: the initial moving factor is stored in uid[4..5] as IMF/16, big-endian', () => {
    for (const [imf, uid] of Object.entries(V.vectors.imf_encoding.uid_field_by_imf)) {
      const config = hotpConfiguration({ key: HOTP_KEY, initialMovingFactor: Number(imf) });
      expect(hex(config.bytes.subarray(16, 22))).toBe(uid);
    }
  });

  it('the reference HOTP codes are those of the key the slot holds (RFC 4226)', () => {
    const hotp = (counter: number, digits: number) => {
      const message = Buffer.alloc(8);
      message.writeBigUInt64BE(BigInt(counter));
      const digest = createHmac('sha1', HOTP_KEY).update(message).digest();
      const offset = (digest[19] ?? 0) & 0x0f;
      return String((digest.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits).padStart(digits, '0');
    };
    const config = hotpConfiguration({ key: HOTP_KEY });
    const stored = Buffer.concat([config.bytes.subarray(22, 38), config.bytes.subarray(16, 20)]);
    expect(stored.equals(Buffer.from(HOTP_KEY))).toBe(true);
    expect(hotp(0, 6)).toBe(V.vectors.a_hotp6_slot2_no_acc.first_hotp_codes_for_reference.counter0_6digits);
    expect(hotp(1, 6)).toBe(V.vectors.a_hotp6_slot2_no_acc.first_hotp_codes_for_reference.counter1_6digits);
    expect(hotp(0, 8)).toBe(V.vectors.b_hotp8_slot2_set_acc.first_hotp_codes_for_reference.counter0_8digits);
  });
});

describe('YubiKey OTP vectors: challenge-response', () => {
  const cases = V.vectors.e_hmac_challenges_slot2.cases;
  for (const name of ['challenge_6_bytes', 'challenge_64_bytes', 'challenge_ending_in_00'] as const) {
    it(`e: ${name}: padding, frame, reports, the response read and the answer`, async () => {
      const c = cases[name];
      const challenge = bytes(c.challenge_hex);
      const block = padChallenge(challenge);
      expect(hex(block)).toBe(c['padded_64_hex (yubikit rule)']);
      const frame = buildFrame(0x38, block);
      expect(hex(frame)).toBe(c.write_frame_70_hex);
      expect(reportsOf(frame)).toEqual(c.feature_reports_sent);

      const expected = c['expected_response_20_hex (slot has HMAC_LT64)'];
      const hmac = (message: Uint8Array) => createHmac('sha1', HMAC_KEY).update(message).digest('hex');
      expect(hmac(hmacLt64Message(block))).toBe(expected);
      expect(hmac(challenge)).toBe(c['plain_hmac_sha1(key, challenge)']);
      const withoutLt64 = c['expected_response_20_hex (slot WITHOUT HMAC_LT64)'];
      if (withoutLt64 !== undefined) expect(hmac(block)).toBe(withoutLt64);
      const otherPadding = c['padded_64_hex (python-yubico rule)'];
      if (otherPadding !== undefined) expect(hmac(hmacLt64Message(bytes(otherPadding)))).toBe(expected);

      const reads = c['response_reports_read (modelled device)'].map((line) => line.split(' ')[0] ?? '');
      const answered = reads.slice(0, 4).map((report) => report.slice(0, 14)).join('');
      expect(crc16(bytes(answered.slice(0, 44)))).toBe(CRC_OK_RESIDUAL);

      const { result, remaining } = await replay(c.yubikit_conversation, (s) => s.calculateHmacSha1(2, challenge));
      expect(remaining).toBe(0);
      expect(result).toBeInstanceOf(Uint8Array);
      expect(hex(result as Uint8Array)).toBe(expected);
    });
  }

  it('e: RFC 2202 case 1 through the padding model', () => {
    const c = cases.sanity_rfc2202_case1;
    const block = padChallenge(bytes(c.challenge_hex));
    expect(createHmac('sha1', bytes(c.key_hex)).update(hmacLt64Message(block)).digest('hex')).toBe(c.expected_response_20_hex);
  });
});

describe('YubiKey OTP vectors: status and serial', () => {
  const f = V.vectors.f_status;
  const check = (example: StatusExample) => {
    const status = parseStatus(bytes(example.raw8_hex));
    const { major, minor, build } = status.firmware;
    expect(`${String(major)}.${String(minor)}.${String(build)}`).toBe(example.version);
    expect(status.pgmSeq).toBe(example.pgm_seq);
    expect(status.touchLevel).toBe(Number(example.touch_level));
    expect(status.slots[0]).toMatchObject({ configured: example.slot1_valid, touchTriggered: example.slot1_touch });
    expect(status.slots[1]).toMatchObject({ configured: example.slot2_valid, touchTriggered: example.slot2_touch });
    expect(status.ledInverted).toBe(example.led_inverted);
    expect(`0x${(bytes(example.raw8_hex)[7] ?? 0).toString(16).padStart(2, '0')}`).toBe(example.flags_byte7);
  };

  it('f: the idle, busy and touch-wait examples parse as the sheet says', () => {
    check(f.example);
    check(f.busy_example);
    check(f.touch_wait_example);
    expect(parseStatus(bytes(f.example.raw8_hex)).slots[0].mayHoldFactoryCredential).toBe(true);
  });

  it("f: the .NET SDK's six status bytes are report bytes 1..6", () => {
    const dotnet = f['second_example_from_Yubico.NET.SDK_docs'] as {
      'status6_hex (APDU form, = raw8[1:7])': string;
      parsed: { version: string; pgm_seq: number; touch_level: string };
    };
    const status = parseStatus(bytes(`00${dotnet['status6_hex (APDU form, = raw8[1:7])']}00`));
    expect(`${String(status.firmware.major)}.${String(status.firmware.minor)}.${String(status.firmware.build)}`).toBe(dotnet.parsed.version);
    expect(status.pgmSeq).toBe(dotnet.parsed.pgm_seq);
    expect(status.touchLevel).toBe(Number(dotnet.parsed.touch_level));
  });

  it('f: a plain status read is one GET of the idle report', async () => {
    const device = new ScriptedHidDevice([
      ['GET', f.example.raw8_hex],
      ['GET', f.example.raw8_hex],
    ]);
    const session = await YubiOtpSession.open(device, { clock: createManualClock() });
    expect((await session.status()).pgmSeq).toBe(f.example.pgm_seq);
    expect(device.remaining).toBe(0);
  });

  it('g: the serial: frame, reports, one response part, and the number', async () => {
    const g = V.vectors.g_serial;
    const frame = buildFrame(0x10, new Uint8Array(0));
    expect(hex(frame)).toBe(g.write_frame_70_hex);
    expect(reportsOf(frame)).toEqual(g.feature_reports_sent);
    const part = (g['response_reports_read (modelled device)'][0] ?? '').slice(0, 12);
    expect(crc16(bytes(part))).toBe(CRC_OK_RESIDUAL);
    const { result, remaining } = await replay(g.yubikit_conversation, (s) => s.serial());
    expect(remaining).toBe(0);
    expect(result).toBe(g.serial);
  });
});
