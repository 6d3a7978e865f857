import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readVectors } from '../../test-support/facts.js';
import { EmulatedYubiKeyOtp, factoryState, type EmulatorState, type SlotState } from './yubikey-otp.js';
import { crc16, withInvertedCrc } from './yubikey-otp/crc16.js';
import { parseConfig } from './yubikey-otp/slot-config.js';
import { slotFromConfig } from './yubikey-otp/state.js';
import { configurePayload, hex, hmacConfig, transact, unhex } from './test-support/otp-host.js';

/** Replays every host report of shared/vectors/yubikey-otp.json into the emulator, byte for byte. */
const conversation = z.array(z.tuple([z.enum(['GET', 'SET']), z.string()]));
const withConversation = z.object({ yubikit_conversation: conversation }).loose();
const vectors = z
  .object({
    crc16: z.object({ cases: z.array(z.object({ input_hex: z.string(), crc16_raw: z.string(), le_bytes_of_inverted: z.string() }).loose()) }).loose(),
    vectors: z
      .object({
        a_hotp6_slot2_no_acc: withConversation.extend({ config_52_hex: z.string() }),
        b_hotp8_slot2_set_acc: withConversation.extend({
          config_52_hex: z.string(),
          reprogram_with_wrong_current_code: withConversation,
          reprogram_with_current_code: z.object({ feature_reports_sent: z.array(z.string()) }).loose(),
        }),
        c_hmac_slot2_no_touch: withConversation.extend({ config_52_hex: z.string(), variant_button_required_config_52_hex: z.string() }),
        e_hmac_challenges_slot2: z
          .object({
            cases: z.object({
              challenge_6_bytes: withConversation,
              challenge_64_bytes: withConversation.extend({ 'padded_64_hex (yubikit rule)': z.string(), 'expected_response_20_hex (slot WITHOUT HMAC_LT64)': z.string() }),
              challenge_ending_in_00: withConversation.extend({ 'padded_64_hex (python-yubico rule)': z.string(), 'expected_response_20_hex (slot has HMAC_LT64)': z.string() }),
              sanity_rfc2202_case1: z.object({ key_hex: z.string(), challenge_hex: z.string(), expected_response_20_hex: z.string() }).loose(),
            }),
          })
          .loose(),
        d_delete_slot1: z.object({ yubikit_conversation_other_slot_still_valid: conversation, yubikit_conversation_last_slot_deleted: conversation }).loose(),
        f_status: z
          .object({
            example: z.object({ raw8_hex: z.string() }).loose(),
            busy_example: z.object({ raw8_hex: z.string() }).loose(),
            touch_wait_example: z.object({ raw8_hex: z.string() }).loose(),
          })
          .loose(),
        g_serial: withConversation.extend({ serial: z.number() }),
      })
      .loose(),
  })
  .loose()
  .parse(readVectors('yubikey-otp.json'));
const v = vectors.vectors;

const seeded = (length: number) => new Uint8Array(length).map((_, i) => (i * 37 + 11) & 0xff);
const slot = (configHex: string): SlotState => slotFromConfig(parseConfig(unhex(configHex)));
const factorySlot1 = factoryState(seeded).slots[0];

function keyWith(pgmSeq: number, slot1: SlotState | null, slot2: SlotState | null, serial = 12345678): EmulatedYubiKeyOtp {
  const state: EmulatorState = { serial, firmware: [5, 4, 3], pgmSeq, touchPolicy: { kind: 'auto' }, slots: [slot1, slot2] };
  return new EmulatedYubiKeyOtp({ state, clock: { now: () => 0 } });
}

/** SETs go to the key; each GET must come back exactly as the vector has it. */
async function replay(key: EmulatedYubiKeyOtp, steps: z.infer<typeof conversation>): Promise<void> {
  for (const [index, [direction, report]] of steps.entries()) {
    if (direction === 'SET') await key.sendFeatureReport(unhex(report));
    else expect(`${String(index)}: ${hex(await key.getFeatureReport(8))}`).toBe(`${String(index)}: ${report}`);
  }
}

describe('the emulated YubiKey OTP answers the vectors byte for byte', () => {
  it('CRC16 cases', () => {
    for (const c of vectors.crc16.cases) {
      expect(crc16(unhex(c.input_hex))).toBe(Number(c.crc16_raw));
      expect(hex(withInvertedCrc(unhex(c.input_hex)).subarray(-2))).toBe(c.le_bytes_of_inverted);
    }
  });

  it('a: programs OATH-HOTP 6 digits into slot 2; the counter starts at the IMF', async () => {
    const key = keyWith(1, factorySlot1, null);
    await replay(key, v.a_hotp6_slot2_no_acc.yubikit_conversation);
    const slot2 = key.snapshot().slots[1];
    expect(slot2?.counter).toBe(0);
    expect(key.typeOtp(2)).toBe('755224');
    expect(key.typeOtp(2)).toBe('287082');
    expect(key.snapshot().slots[1]?.counter).toBe(2);
  });

  it('b: sets an access code; a wrong current code is ignored, the right one accepted', async () => {
    const key = keyWith(2, factorySlot1, null);
    await replay(key, v.b_hotp8_slot2_set_acc.yubikit_conversation);
    expect(key.typeOtp(2)).toBe('84755224');
    const before = key.snapshot();
    await replay(key, v.b_hotp8_slot2_set_acc.reprogram_with_wrong_current_code.yubikit_conversation);
    expect(key.lastRejection).toBe('wrong-access-code');
    expect(key.snapshot()).toEqual(before);
    for (const report of v.b_hotp8_slot2_set_acc.reprogram_with_current_code.feature_reports_sent) await key.sendFeatureReport(unhex(report));
    expect(hex(await key.getFeatureReport(8))).toBe('00050403040f0089');
    expect(hex(await key.getFeatureReport(8))).toBe('00050403040f0000');
    expect(key.snapshot().slots[1]?.counter).toBe(0);
  });

  it('c + e: programs HMAC-SHA1 into slot 2 and answers the challenges (HMAC_LT64 padding rule)', async () => {
    const key = keyWith(3, factorySlot1, null);
    await replay(key, v.c_hmac_slot2_no_touch.yubikit_conversation);
    const cases = v.e_hmac_challenges_slot2.cases;
    await replay(key, cases.challenge_6_bytes.yubikit_conversation);
    await replay(key, cases.challenge_64_bytes.yubikit_conversation);
    await replay(key, cases.challenge_ending_in_00.yubikit_conversation);
    // python-yubico pads with 0xff instead of 0x01: the key strips either.
    const other = await transact(key, 0x38, unhex(cases.challenge_ending_in_00['padded_64_hex (python-yubico rule)']));
    expect(other.kind === 'data' && hex(other.data.subarray(0, 20))).toBe(cases.challenge_ending_in_00['expected_response_20_hex (slot has HMAC_LT64)']);
    expect(key.snapshot().pgmSeq).toBe(4);
  });

  it('e: without HMAC_LT64 the key HMACs all 64 bytes', async () => {
    const config = unhex(v.c_hmac_slot2_no_touch.config_52_hex);
    const key = keyWith(1, null, null);
    const keyBytes = unhex('303132333435363738393a3b3c3d3e3f40414243');
    expect(hex(hmacConfig(keyBytes))).toBe(hex(config));
    await transact(key, 0x03, configurePayload(hmacConfig(keyBytes, { lt64: false })));
    const c = v.e_hmac_challenges_slot2.cases.challenge_64_bytes;
    const answer = await transact(key, 0x38, unhex(c['padded_64_hex (yubikit rule)']));
    expect(answer.kind === 'data' && hex(answer.data.subarray(0, 20))).toBe(c['expected_response_20_hex (slot WITHOUT HMAC_LT64)']);
  });

  it('e: RFC 2202 case 1 through the LT64 model', async () => {
    const c = v.e_hmac_challenges_slot2.cases.sanity_rfc2202_case1;
    const key = keyWith(0, null, null);
    await transact(key, 0x01, configurePayload(hmacConfig(unhex(c.key_hex))));
    const padded = new Uint8Array(64);
    padded.set(unhex(c.challenge_hex));
    const answer = await transact(key, 0x30, padded);
    expect(answer.kind === 'data' && hex(answer.data.subarray(0, 20))).toBe(c.expected_response_20_hex);
    expect(answer.kind === 'data' && crc16(answer.data.subarray(0, 22))).toBe(0xf0b8);
    expect(createHmac('sha1', unhex(c.key_hex)).update(unhex(c.challenge_hex)).digest('hex')).toBe(c.expected_response_20_hex);
  });

  it('d: deletes slot 1 (pgmSeq+1), and the last slot (pgmSeq 0)', async () => {
    const hmac = slot(v.c_hmac_slot2_no_touch.config_52_hex);
    const both = keyWith(4, factorySlot1, hmac);
    await replay(both, v.d_delete_slot1.yubikit_conversation_other_slot_still_valid);
    expect(both.snapshot().slots[0]).toBeNull();
    const last = keyWith(9, hmac, null);
    await replay(last, v.d_delete_slot1.yubikit_conversation_last_slot_deleted);
    expect(last.snapshot()).toMatchObject({ pgmSeq: 0, slots: [null, null] });
  });

  it('f: status, busy and touch-wait reports', async () => {
    const hmacTouch = slot(v.c_hmac_slot2_no_touch.variant_button_required_config_52_hex);
    let now = 0;
    const key = new EmulatedYubiKeyOtp({
      state: { serial: 1, firmware: [5, 4, 3], pgmSeq: 3, touchPolicy: { kind: 'never' }, slots: [factorySlot1, hmacTouch] },
      clock: { now: () => now },
    });
    expect(hex(await key.getFeatureReport(8))).toBe(v.f_status.example.raw8_hex);
    const challenge = new Uint8Array(64).fill(1);
    challenge[0] = 7;
    const reads: string[] = [];
    const pending = transact(key, 0x38, challenge, {
      onRead: (r) => {
        reads.push(hex(r));
        now += 1500;
      },
    });
    const result = await pending;
    expect(reads[0]).toBe(v.f_status.busy_example.raw8_hex);
    expect(reads).toContain(v.f_status.touch_wait_example.raw8_hex);
    // Touch never came: the key went back to status after 15 s, nothing changed.
    expect(result.kind).toBe('status');
    expect(now).toBeGreaterThanOrEqual(15_000);
  });

  it('g: serial', async () => {
    const key = keyWith(1, slot(v.c_hmac_slot2_no_touch.config_52_hex), null, v.g_serial.serial);
    await replay(key, v.g_serial.yubikit_conversation);
  });
});
