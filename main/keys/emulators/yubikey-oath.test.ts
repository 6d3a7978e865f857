import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.js';
import { EmulatedYubiKeyOath, factoryOathCardState, OATH_TOUCH_TIMEOUT_MS, openEmulatedYubiKeyOath } from './yubikey-oath.js';

/** Behaviour beyond the vectors: firmware gates, capacity, chaining, touch, state file, faults. */
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const SELECT = '00a4040007a0000005272101';
const SEED = Buffer.from('12345678901234567890');

function tlv(tag: number, value: Uint8Array | Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag, value.length]), value]);
}

function apdu(ins: number, p1: number, p2: number, data: Buffer = Buffer.alloc(0)): Uint8Array {
  return Uint8Array.from([0x00, ins, p1, p2, ...(data.length > 0 ? [data.length, ...data] : [])]);
}

function put(id: string, options: { typeAlgo?: number; digits?: number; touch?: boolean; secret?: Buffer } = {}): Uint8Array {
  const key = Buffer.concat([Buffer.from([options.typeAlgo ?? 0x21, options.digits ?? 6]), options.secret ?? SEED]);
  return apdu(0x01, 0, 0, Buffer.concat([tlv(0x71, Buffer.from(id)), tlv(0x73, key), options.touch === true ? Buffer.from([0x78, 0x02]) : Buffer.alloc(0)]));
}

function calculate(id: string, challenge = '00000000023523ec'): Uint8Array {
  return apdu(0xa2, 0, 1, Buffer.concat([tlv(0x71, Buffer.from(id)), tlv(0x74, Buffer.from(challenge, 'hex'))]));
}

function newCard(firmware: readonly [number, number, number] = [5, 4, 3]) {
  const clock = createManualClock(0);
  const random = (n: number) => new Uint8Array(n).fill(7);
  const card = new EmulatedYubiKeyOath({ state: factoryOathCardState(random, { firmware, serial: 1 }), random, clock });
  return { card, clock, send: async (bytes: Uint8Array | string) => hex(await card.transmit(typeof bytes === 'string' ? new Uint8Array(Buffer.from(bytes, 'hex')) : bytes)) };
}

describe('firmware gates and capacity', () => {
  it('RENAME exists from 5.3.1; SHA512 from 4.3.1; touch from 4.2.4', async () => {
    const old = newCard([5, 2, 7]);
    await old.send(SELECT);
    expect(await old.send(put('a:b'))).toBe('9000');
    expect(await old.send(apdu(0x05, 0, 0, Buffer.concat([tlv(0x71, Buffer.from('a:b')), tlv(0x71, Buffer.from('a:c'))])))).toBe('6d00');
    const current = newCard([5, 3, 1]);
    await current.send(SELECT);
    await current.send(put('a:b'));
    expect(await current.send(apdu(0x05, 0, 0, Buffer.concat([tlv(0x71, Buffer.from('a:b')), tlv(0x71, Buffer.from('a:c'))])))).toBe('9000');
    expect(current.card.snapshot().credentials.map((c) => Buffer.from(c.idHex, 'hex').toString())).toEqual(['a:c']);

    const yk4 = newCard([4, 3, 0]);
    await yk4.send(SELECT);
    expect(await yk4.send(put('x', { typeAlgo: 0x23, secret: Buffer.alloc(64, 1) }))).toBe('6a80');
    expect(await yk4.send(put('x', { touch: true }))).toBe('9000');
    const older = newCard([4, 2, 3]);
    await older.send(SELECT);
    expect(await older.send(put('x', { touch: true }))).toBe('6a80');
  });

  for (const [firmware, capacity] of [[[5, 4, 3], 32], [[5, 7, 0], 64]] as const) {
    it(`holds ${String(capacity)} credentials on ${firmware.join('.')}, then 6A84; overwriting still works`, async () => {
      const { send } = newCard(firmware);
      await send(SELECT);
      for (let n = 0; n < capacity; n++) expect(await send(put(`n:${String(n)}`))).toBe('9000');
      expect(await send(put('one:too-many'))).toBe('6a84');
      expect(await send(put('n:0', { digits: 8 }))).toBe('9000');
    });
  }
});

describe('PUT fields', () => {
  it('78 (no length) then 7A: a touch HOTP from counter 5; any other order or a stray tag is 6A80', async () => {
    const { card, send } = newCard();
    await send(SELECT);
    const name = tlv(0x71, Buffer.from('H:touch'));
    const key = tlv(0x73, Buffer.concat([Buffer.from([0x11, 6]), SEED]));
    const property = Buffer.from([0x78, 0x02]);
    const imf = Buffer.from([0x7a, 0x04, 0, 0, 0, 5]);
    expect(await send(apdu(0x01, 0, 0, Buffer.concat([name, key, imf, property])))).toBe('6a80');
    expect(await send(apdu(0x01, 0, 0, Buffer.concat([name, key, property, imf, Buffer.from([0x7b, 0x01, 0x21])])))).toBe('6a80');
    expect(await send(apdu(0x01, 0, 0, Buffer.concat([name, key, property, imf])))).toBe('9000');
    expect(card.snapshot().credentials).toMatchObject([{ type: 'HOTP', touch: true, counter: 5 }]);
    expect(await send(calculate('H:touch', ''))).toBe('76050633c083d49000'); // RFC 4226 count 5: 254676
  });
});

describe('chaining', () => {
  it('CALCULATE ALL of 64 credentials comes in 256-byte parts that concatenate to the whole list; another command drops the rest', async () => {
    const { send } = newCard([5, 7, 0]);
    await send(SELECT);
    for (let n = 0; n < 64; n++) await send(put(`Chaining:user${String(n)}@example.com`));
    const first = await send('00a400010a740800000000023523ec');
    expect(first.length).toBe((256 + 2) * 2);
    expect(first.slice(-4, -2)).toBe('61');
    let all = first.slice(0, -4);
    let sw = first.slice(-4);
    while (sw.startsWith('61')) {
      const next = await send('00a50000');
      all += next.slice(0, -4);
      sw = next.slice(-4);
    }
    expect(sw).toBe('9000');
    // 64 × (71 len id + 76 05 digits value)
    const entries = all.match(/71(..)((?:..)*?)7605063610f84c/g) ?? [];
    expect(entries).toHaveLength(64);

    expect((await send('00a400010a740800000000023523ec')).slice(-4)).toBe('6100');
    expect(await send(calculate('Chaining:user0@example.com'))).toBe('7605063610f84c9000');
    expect(await send('00a50000')).toBe('9000'); // nothing pending any more
  });
});

describe('touch', () => {
  it('policy never: 6982 once the timeout has passed on the card clock; touch() answers a wait', async () => {
    const { card, clock, send } = newCard();
    await send(SELECT);
    await send(put('Touch:me', { touch: true }));
    card.setTouchPolicy({ kind: 'never' });
    expect(await send(calculate('Touch:me'))).toBe('6982');
    expect(clock.now()).toBeGreaterThanOrEqual(OATH_TOUCH_TIMEOUT_MS);

    const pending = card.transmit(calculate('Touch:me'));
    while (!card.waitingForTouch) await new Promise((resolve) => setImmediate(resolve));
    expect(card.touch()).toBe(true);
    expect(hex(await pending)).toBe('7605063610f84c9000');
  });

  it('after:MS answers once that much card time has passed; the touch-never fault beats any policy', async () => {
    const { card, clock, send } = newCard();
    await send(SELECT);
    await send(put('Touch:me', { touch: true }));
    card.setTouchPolicy({ kind: 'after', ms: 700 });
    const start = clock.now();
    expect(await send(calculate('Touch:me'))).toBe('7605063610f84c9000');
    expect(clock.now() - start).toBe(700);
    card.setTouchPolicy({ kind: 'auto' });
    card.injectFault({ kind: 'touch-never' });
    expect(await send(calculate('Touch:me'))).toBe('6982');
  });
});

describe('access code', () => {
  it('a power cycle forgets VALIDATE: the next session is locked again', async () => {
    const { card, send } = newCard();
    await send(SELECT);
    const key = Buffer.alloc(16, 9);
    const challenge = Buffer.alloc(8, 1);
    const { createHmac } = await import('node:crypto');
    const response = createHmac('sha1', key).update(challenge).digest();
    expect(await send(apdu(0x03, 0, 0, Buffer.concat([tlv(0x73, Buffer.concat([Buffer.from([0x21]), key])), tlv(0x74, challenge), tlv(0x75, response)])))).toBe('9000');
    expect(await send('00a10000')).toBe('9000');
    card.powerCycle();
    expect(await send('00a10000')).toBe('6d00'); // nothing selected after power-up
    const selected = await send(SELECT);
    expect(selected).toMatch(/7408[0-9a-f]{16}7b01219000$/);
    expect(await send('00a10000')).toBe('6982');
    expect(await send('0004dead')).toBe('9000'); // RESET needs no VALIDATE
    expect(card.snapshot().access).toBeNull();
  });
});

describe('malformed commands', () => {
  it('wrong length 6700, CLA ≠ 00 6E00, RESET with other P1P2 6B00, unknown AID 6A82', async () => {
    const { send } = newCard();
    await send(SELECT);
    expect(await send('00a1')).toBe('6700');
    expect(await send('00010000057101')).toBe('6700');
    expect(await send('80a10000')).toBe('6e00');
    expect(await send('00040000')).toBe('6b00');
    expect(await send('00a4040007a0000006472f0001')).toBe('6a82');
  });
});

describe('state file and faults', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  it('keeps the HOTP counter across openings (0600, atomic) and obeys a touch policy written by someone else', async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-oath-state-'));
    const stateFile = join(dir, 'card.json');
    const first = openEmulatedYubiKeyOath({ stateFile, clock: createManualClock(0) });
    await first.transmit(new Uint8Array(Buffer.from(SELECT, 'hex')));
    await first.transmit(put('H:otp', { typeAlgo: 0x11 }));
    await first.transmit(put('T:touch', { touch: true }));
    expect(hex(await first.transmit(calculate('H:otp', '')))).toBe('7605064c93cf189000'); // RFC 4226 count 0
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);

    const second = openEmulatedYubiKeyOath({ stateFile, clock: createManualClock(0) });
    await second.transmit(new Uint8Array(Buffer.from(SELECT, 'hex')));
    expect(hex(await second.transmit(calculate('H:otp', '')))).toBe('76050641397eea9000'); // count 1
    const file = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(stateFile, JSON.stringify({ ...file, touchPolicy: 'never' }));
    expect(hex(await second.transmit(calculate('T:touch')))).toBe('6982');
  });

  it('unplug after N APDUs, a corrupted answer, and an APDU never answered until the card is pulled', async () => {
    const { card, send } = newCard();
    card.injectFault({ kind: 'corrupt-response' });
    expect(await send(SELECT)).toMatch(/^78/); // 79 … with its lowest bit flipped
    expect(await send('00a10000')).toBe('9000'); // one-shot: the next answer is intact
    card.injectFault({ kind: 'never-answer' });
    const never = card.transmit(new Uint8Array(Buffer.from('00a10000', 'hex')));
    const queued = card.transmit(new Uint8Array(Buffer.from('00a10000', 'hex')));
    await new Promise((resolve) => setImmediate(resolve));
    card.unplug();
    await expect(queued).rejects.toMatchObject({ code: 'KEY_UNPLUGGED' });
    await expect(never).rejects.toMatchObject({ code: 'KEY_UNPLUGGED' });

    const other = newCard();
    other.card.injectFault({ kind: 'unplug-after', apdus: 2 });
    await other.send(SELECT);
    await other.send('00a10000');
    await expect(other.send('00a10000')).rejects.toMatchObject({ code: 'KEY_UNPLUGGED' });
    expect(other.card.isUnplugged).toBe(true);
  });
});
