import { randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.js';
import type { HidDevice } from '../hid/hid-device.js';
import { SCRIPTED_DESCRIPTOR } from '../hid/scripted-hid-device.js';
import { peerAvailable, runPython } from '../../test-support/python-peer.js';
import type { OtpSlot } from './model.js';
import { YubiOtpSession } from './session.js';

/**
 * For fresh random keys and settings, the feature reports our driver sends are those Yubico's own
 * yubikit (Debian python3-ykman, installed by .ci/run) sends for the same command. Both drive the
 * same minimal key: status always idle; a write command (code < 0x20) advances pgmSeq once its
 * last part arrives; a challenge is rejected (so only the host's reports are compared).
 */
type Op =
  | { op: 'hotp'; slot: OtpSlot; key: string; digits8: boolean; imf: number; acc: string | null; cur: string | null }
  | { op: 'hmac'; slot: OtpSlot; key: string; touch: boolean; lt64: boolean; acc: string | null; cur: string | null }
  | { op: 'update'; slot: OtpSlot; acc: string | null; cur: string | null; appendCr: boolean }
  | { op: 'delete'; slot: OtpSlot; cur: string | null }
  | { op: 'swap' }
  | { op: 'challenge'; slot: OtpSlot; challenge: string };

const PYTHON = `
import json, sys
from yubikit.core.otp import OtpConnection
from yubikit.yubiotp import YubiOtpSession, SLOT, HotpSlotConfiguration, HmacSha1SlotConfiguration, UpdateConfiguration

class Key(OtpConnection):
    def __init__(self):
        self.seq = 1
        self.sets = []
    def receive(self):
        return bytes([0, 5, 4, 3, self.seq, 0, 0, 0])
    def send(self, data):
        self.sets.append(data.hex())
        if data[7] == 0x89 and data[1] < 0x20:
            self.seq += 1
    def close(self):
        pass

h = lambda s: None if s is None else bytes.fromhex(s)
out = []
for o in json.load(sys.stdin):
    key = Key()
    session = YubiOtpSession(key)
    slot = SLOT(o.get('slot', 1))
    try:
        if o['op'] == 'hotp':
            session.put_configuration(slot, HotpSlotConfiguration(h(o['key'])).digits8(o['digits8']).imf(o['imf']), h(o['acc']), h(o['cur']))
        elif o['op'] == 'hmac':
            session.put_configuration(slot, HmacSha1SlotConfiguration(h(o['key'])).require_touch(o['touch']).lt64(o['lt64']), h(o['acc']), h(o['cur']))
        elif o['op'] == 'update':
            session.update_configuration(slot, UpdateConfiguration().append_cr(o['appendCr']), h(o['acc']), h(o['cur']))
        elif o['op'] == 'delete':
            session.delete_slot(slot, h(o['cur']))
        elif o['op'] == 'swap':
            session.swap_slots()
        elif o['op'] == 'challenge':
            session.calculate_hmac_sha1(slot, h(o['challenge']))
    except Exception as e:
        if o['op'] != 'challenge':
            raise
    out.append(key.sets)
print(json.dumps(out))
`;

/** The same minimal key for our driver. */
function minimalKey(): HidDevice & { sets: string[] } {
  let seq = 1;
  const sets: string[] = [];
  return {
    descriptor: SCRIPTED_DESCRIPTOR,
    sets,
    sendFeatureReport: (report) => {
      sets.push(Buffer.from(report).toString('hex'));
      if (report[7] === 0x89 && (report[1] ?? 0) < 0x20) seq++;
      return Promise.resolve();
    },
    getFeatureReport: () => Promise.resolve(Uint8Array.of(0, 5, 4, 3, seq & 0xff, 0, 0, 0)),
    write: () => Promise.resolve(),
    read: () => Promise.resolve(null),
    close: () => Promise.resolve(),
  };
}

const hex = (length: number) => randomBytes(length).toString('hex');
const maybe = <T>(value: () => T): T | null => (randomInt(2) === 0 ? null : value());
const slotOf = (): OtpSlot => (randomInt(2) === 0 ? 1 : 2);
const bytesOf = (value: string | null) => (value === null ? undefined : Uint8Array.from(Buffer.from(value, 'hex')));

function randomOps(): Op[] {
  const ops: Op[] = [];
  for (let i = 0; i < 12; i++) {
    ops.push({ op: 'hotp', slot: slotOf(), key: hex(randomInt(1, 21)), digits8: randomInt(2) === 1, imf: randomInt(0, 65536) * 16, acc: maybe(() => hex(6)), cur: maybe(() => hex(6)) });
    ops.push({ op: 'hmac', slot: slotOf(), key: hex(randomInt(1, 21)), touch: randomInt(2) === 1, lt64: randomInt(2) === 1, acc: maybe(() => hex(6)), cur: maybe(() => hex(6)) });
    ops.push({ op: 'challenge', slot: slotOf(), challenge: hex(randomInt(0, 65)) });
  }
  // Keys over 64 bytes are hashed first, by yubikit and by us.
  ops.push({ op: 'hotp', slot: 2, key: hex(randomInt(65, 129)), digits8: false, imf: 0, acc: null, cur: null });
  ops.push({ op: 'hmac', slot: 1, key: hex(randomInt(65, 129)), touch: false, lt64: true, acc: null, cur: null });
  const cur = hex(6);
  ops.push({ op: 'update', slot: 2, acc: cur, cur, appendCr: false }, { op: 'update', slot: 1, acc: null, cur: null, appendCr: true });
  ops.push({ op: 'delete', slot: 1, cur: null }, { op: 'delete', slot: 2, cur: hex(6) }, { op: 'swap' });
  return ops;
}

async function ours(op: Op): Promise<string[]> {
  const key = minimalKey();
  const session = await YubiOtpSession.open(key, { clock: createManualClock() });
  const write = (cur: string | null) => ({ overwrite: true, ...(cur === null ? {} : { currentAccessCode: bytesOf(cur) }) });
  const acc = (value: string | null) => (value === null ? {} : { accessCode: bytesOf(value) });
  switch (op.op) {
    case 'hotp':
      await session.programHotp(op.slot, { key: Buffer.from(op.key, 'hex'), digits: op.digits8 ? 8 : 6, initialMovingFactor: op.imf, ...acc(op.acc) }, write(op.cur));
      break;
    case 'hmac':
      await session.programChallengeResponse(op.slot, { key: Buffer.from(op.key, 'hex'), requireTouch: op.touch, variableLength: op.lt64, ...acc(op.acc) }, write(op.cur));
      break;
    case 'update':
      await session.updateSlot(op.slot, { appendCr: op.appendCr, ...acc(op.acc) }, op.cur === null ? {} : { currentAccessCode: bytesOf(op.cur) });
      break;
    case 'delete':
      await session.deleteSlot(op.slot, op.cur === null ? {} : { currentAccessCode: bytesOf(op.cur) });
      break;
    case 'swap':
      await session.swapSlots();
      break;
    case 'challenge':
      await expect(session.calculateHmacSha1(op.slot, Buffer.from(op.challenge, 'hex'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      break;
  }
  return key.sets;
}

describe.skipIf(!peerAvailable('yubikit'))('our reports against yubikit', () => {
  it('every command with fresh random keys and settings sends the reports yubikit sends', async () => {
    const ops = randomOps();
    const theirs = runPython(PYTHON, ops) as string[][];
    expect(theirs).toHaveLength(ops.length);
    for (const [index, op] of ops.entries()) {
      expect({ op, reports: await ours(op) }).toEqual({ op, reports: theirs[index] });
    }
  });
});
