import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HidDevice } from '../hid/hid-device.js';
import { createEmulatedNitrokey3Backend, EmulatedNitrokey3, factoryNk3State, framePackets, NK3_TOUCH_TIMEOUT_MS } from './nitrokey3.js';

/** Behaviour beyond the vectors: PIN, SHA512, capacity, chunked LIST, touch, CTAPHID errors, faults. */
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const SEED = Buffer.from('12345678901234567890');
const BROADCAST = 0xffffffff;

function tlv(tag: number, value: Uint8Array | Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag, value.length]), value]);
}

function apdu(ins: number, p1: number, p2: number, data: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.from([0x00, ins, p1, p2, ...(data.length > 0 ? [data.length, ...data] : [])]);
}

function put(label: string, options: { kindAlgo?: number; property?: number; counter?: number } = {}): Buffer {
  const parts = [tlv(0x71, Buffer.from(label)), tlv(0x73, Buffer.concat([Buffer.from([options.kindAlgo ?? 0x21, 6]), SEED]))];
  if (options.property !== undefined) parts.push(Buffer.from([0x78, options.property]));
  if (options.counter !== undefined) parts.push(Buffer.from([0x7a, 0x04, 0, 0, 0, options.counter]));
  return apdu(0x01, 0, 0, Buffer.concat(parts));
}

const calculate = (label: string) => apdu(0xa2, 0, 1, Buffer.concat([tlv(0x71, Buffer.from(label)), tlv(0x74, Buffer.from('00000000023523ec', 'hex'))]));
const pinTlv = (tag: number, pin: string) => tlv(tag, Buffer.from(pin));

/** A host: INIT once, then one vendor message at a time, answers reassembled, keepalives counted. */
async function host(options: { random?: (n: number) => Uint8Array } = {}) {
  const clock = createManualClock(0);
  const random = options.random ?? ((n: number) => new Uint8Array(n).fill(3));
  const key = new EmulatedNitrokey3({ state: factoryNk3State(random, { serial: 0x01020304 }), random, clock });
  let keepalives = 0;
  async function message(cid: number, cmd: number, payload: Uint8Array): Promise<{ cmd: number; payload: string }> {
    for (const packet of framePackets(cid, cmd, payload)) await key.write(packet);
    return receive();
  }
  async function receive(timeoutMs = 30_000): Promise<{ cmd: number; payload: string }> {
    let first = await key.read(timeoutMs);
    while (first !== null && first[4] === 0xbb) {
      keepalives++;
      first = await key.read(timeoutMs);
    }
    if (first === null) return { cmd: -1, payload: '' };
    const length = ((first[5] ?? 0) << 8) | (first[6] ?? 0);
    const parts = [first.subarray(7)];
    for (let have = 57; have < length; have += 59) {
      const next = await key.read(timeoutMs);
      if (next === null) throw new Error('truncated answer');
      parts.push(next.subarray(5));
    }
    return { cmd: (first[4] ?? 0) & 0x7f, payload: hex(Buffer.concat(parts).subarray(0, length)) };
  }
  const init = await message(BROADCAST, 0x06, Buffer.from('0011223344556677', 'hex'));
  const cid = Buffer.from(init.payload.slice(16, 24), 'hex').readUInt32BE(0);
  return {
    key,
    clock,
    cid,
    message,
    receive,
    keepalives: () => keepalives,
    send: async (bytes: Uint8Array) => (await message(cid, 0x70, bytes)).payload,
  };
}

describe('PIN', () => {
  it('8 retries shown in SELECT; a wrong PIN costs one; at 0 even the right PIN fails', async () => {
    const { send } = await host();
    expect(await send(apdu(0xb2, 0, 0, pinTlv(0x80, '1234')))).toBe('6982'); // no PIN yet
    expect(await send(apdu(0xb4, 0, 0, pinTlv(0x80, '1234')))).toBe('9000');
    expect(await send(apdu(0xb4, 0, 0, pinTlv(0x80, '9999')))).toBe('6982'); // already set
    expect(await send(Buffer.from('00a4040007a0000005272101', 'hex'))).toBe('90007903040e00820108' + '8f0401020304');
    for (let left = 7; left >= 0; left--) {
      expect(await send(apdu(0xb2, 0, 0, pinTlv(0x80, '0000')))).toBe('6300');
      expect((await send(Buffer.from('00a4040007a0000005272101', 'hex'))).slice(14, 20)).toBe(`8201${left.toString(16).padStart(2, '0')}`);
    }
    expect(await send(apdu(0xb2, 0, 0, pinTlv(0x80, '1234')))).toBe('6300');
  });

  it('VERIFY_PIN authorises exactly the next command: PIN-encrypted credentials exist only then', async () => {
    const { send } = await host();
    await send(apdu(0xb4, 0, 0, pinTlv(0x80, '1234')));
    expect(await send(put('Secret:one', { property: 0x04 }))).toBe('6982');
    expect(await send(apdu(0xb2, 0, 0, pinTlv(0x80, '1234')))).toBe('9000');
    expect(await send(put('Secret:one', { property: 0x04 }))).toBe('9000');
    expect(await send(put('Plain:two'))).toBe('9000');
    expect(await send(apdu(0xa1, 0, 0, Buffer.from([0x01])))).toBe(`9000720b21${Buffer.from('Plain:two').toString('hex')}00`);
    expect(await send(calculate('Secret:one'))).toBe('6a82');
    await send(apdu(0xb2, 0, 0, pinTlv(0x80, '1234')));
    expect(await send(calculate('Secret:one'))).toBe('90007605063610f84c');
    expect(await send(apdu(0xb3, 0, 0, Buffer.concat([pinTlv(0x80, '1234'), pinTlv(0x81, '5678')])))).toBe('9000');
    expect(await send(apdu(0xb2, 0, 0, pinTlv(0x80, '1234')))).toBe('6300');
    expect(await send(apdu(0xb2, 0, 0, pinTlv(0x80, '5678')))).toBe('9000');
  });
});

describe('credentials', () => {
  it('SHA512 is stored but not computed (6A81); an HOTP SHA512 still burns its counter', async () => {
    const { key, send } = await host();
    expect(await send(put('Sha:512', { kindAlgo: 0x23 }))).toBe('9000');
    expect(await send(calculate('Sha:512'))).toBe('6a81');
    expect(await send(put('Hotp:512', { kindAlgo: 0x13, property: 0x00, counter: 4 }))).toBe('9000');
    expect(await send(calculate('Hotp:512'))).toBe('6a81');
    expect(key.snapshot().credentials.find((c) => c.algorithm === 'SHA512' && c.kind === 'HOTP')?.counter).toBe(5);
  });

  it('a TOTP PUT with 7A is refused; an existing name is refused with 6983', async () => {
    const { send } = await host();
    expect(await send(put('Totp:counter', { property: 0x00, counter: 1 }))).toBe('6a80');
    expect(await send(put('Same:name'))).toBe('9000');
    expect(await send(put('Same:name'))).toBe('6983');
  });

  it('50 credentials, then 6A84; LIST of long labels in chunks with 61FF and SEND REMAINING', async () => {
    const { send } = await host();
    const label = (n: number) => `Issuer ${String(n).padStart(2, '0')}:${'x'.repeat(110)}`;
    for (let n = 0; n < 50; n++) expect(await send(put(label(n)))).toBe('9000');
    expect(await send(put('one:too-many'))).toBe('6a84');
    let answer = await send(apdu(0xa1, 0, 0, Buffer.from([0x01])));
    let listed = '';
    let chunks = 1;
    while (answer.startsWith('61ff')) {
      listed += answer.slice(4);
      answer = await send(apdu(0xa5, 0, 0));
      chunks++;
    }
    expect(answer.slice(0, 4)).toBe('9000');
    listed += answer.slice(4);
    expect(chunks).toBeGreaterThan(1);
    const labels = [...Buffer.from(listed, 'hex').toString('latin1').matchAll(/Issuer (\d\d):x{110}/g)].map((m) => Number(m[1]));
    expect(labels).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(await send(apdu(0xa5, 0, 0))).toBe('6985');
  });
});

describe('touch', () => {
  it('silent while waiting; 6982 after 15 s; DELETE of a missing name costs a touch first', async () => {
    const { key, clock, send, keepalives } = await host();
    await send(put('Touch:me', { property: 0x02 }));
    key.setTouchPolicy({ kind: 'never' });
    const start = clock.now();
    expect(await send(calculate('Touch:me'))).toBe('6982');
    expect(clock.now() - start).toBeGreaterThanOrEqual(NK3_TOUCH_TIMEOUT_MS);
    expect(keepalives()).toBe(0);
    expect(await send(apdu(0x02, 0, 0, tlv(0x71, Buffer.from('Not:there'))))).toBe('6982');
    key.setTouchPolicy({ kind: 'auto' });
    expect(await send(apdu(0x02, 0, 0, tlv(0x71, Buffer.from('Not:there'))))).toBe('6a82');
  });
});

describe('CTAPHID', () => {
  it('refuses oversized messages, bad APDUs, unknown commands and wrong sequence numbers; INIT hands out fresh channels', async () => {
    const { key, cid, message, receive } = await host();
    expect(await message(cid, 0x70, Buffer.alloc(3073))).toEqual({ cmd: 0x3f, payload: '03' });
    expect(await message(cid, 0x70, Buffer.from('00a10000050102', 'hex'))).toEqual({ cmd: 0x3f, payload: '03' });
    expect(await message(cid, 0x73, Buffer.from('00a10000', 'hex'))).toEqual({ cmd: 0x3f, payload: '01' });

    const [first, , second] = framePackets(cid, 0x70, put('Long:' + 'y'.repeat(100)));
    if (first === undefined || second === undefined) throw new Error('expected three packets');
    await key.write(first);
    await key.write(second); // SEQ 1 where 0 was due
    expect(await receive()).toEqual({ cmd: 0x3f, payload: '04' });

    const other = await message(BROADCAST, 0x06, Buffer.from('8899aabbccddeeff', 'hex'));
    expect(other.payload.slice(16, 24)).toBe('00000002');
  });

  it('a message whose continuation does not come within 550 ms is MSG_TIMEOUT; a foreign CID with the expected SEQ is dropped', async () => {
    const { key, cid, receive } = await host();
    const [first, second, third] = framePackets(cid, 0x70, put('Long:' + 'y'.repeat(100)));
    if (first === undefined || second === undefined || third === undefined) throw new Error('expected three packets');
    await key.write(first);
    expect(await receive(1_000)).toEqual({ cmd: 0x3f, payload: '05' });

    await key.write(first);
    const foreign = Uint8Array.from(second);
    foreign.set([0xaa, 0xbb, 0xcc, 0xdd], 0);
    await key.write(foreign); // right SEQ, other channel: ignored
    await key.write(second);
    await key.write(third);
    expect(await receive()).toEqual({ cmd: 0x70, payload: '9000' });
  });

  it('a second channel gets CHANNEL_BUSY while a touch wait holds the first; INIT with BCNT ≠ 8 is ignored', async () => {
    const { key, cid, message, receive } = await host();
    key.setTouchPolicy({ kind: 'after', ms: 5_000 });
    for (const packet of framePackets(cid, 0x70, put('Touch:wait', { property: 0x02 }))) await key.write(packet);
    expect(key.waitingForTouch).toBe(true);
    expect(await message(cid + 1, 0x70, Buffer.from('00a10000', 'hex'))).toEqual({ cmd: 0x3f, payload: '06' });
    expect(await receive()).toEqual({ cmd: 0x70, payload: '9000' });
    for (const packet of framePackets(BROADCAST, 0x06, Buffer.alloc(7))) await key.write(packet);
    expect(await receive(100)).toEqual({ cmd: -1, payload: '' });
  });

  it('keepalives when asked for: UPNEEDED every interval of the wait', async () => {
    const { key, send, keepalives } = await host();
    key.setKeepalives({ everyMs: 1_000 });
    key.setTouchPolicy({ kind: 'after', ms: 3_500 });
    expect(await send(put('Touch:slow', { property: 0x02 }))).toBe('9000');
    expect(keepalives()).toBe(4); // at 0, 1, 2 and 3 s
  });
});

describe('faults', () => {
  it('a corrupted answer, an answer that never comes (INIT resyncs), and an unplug after N reports', async () => {
    const { key, cid, send, message, receive } = await host();
    key.injectFault({ kind: 'corrupt-response' });
    expect(await send(apdu(0xa1, 0, 0))).toBe('9100');
    key.injectFault({ kind: 'never-answer' });
    for (const packet of framePackets(cid, 0x70, apdu(0xa1, 0, 0))) await key.write(packet);
    expect(await receive(1_000)).toEqual({ cmd: -1, payload: '' });
    const resync = await message(BROADCAST, 0x06, Buffer.from('0102030405060708', 'hex'));
    expect(resync.cmd).toBe(0x06);
    const fresh = Buffer.from(resync.payload.slice(16, 24), 'hex').readUInt32BE(0);
    expect((await message(fresh, 0x70, apdu(0xa1, 0, 0))).payload).toBe('9000');

    key.injectFault({ kind: 'unplug-after', reports: 0 });
    await expect(key.write(new Uint8Array(64))).rejects.toMatchObject({ code: 'KEY_UNPLUGGED' });
    await expect(key.read(10)).rejects.toMatchObject({ code: 'KEY_UNPLUGGED' });
  });
});

describe('createEmulatedNitrokey3Backend', () => {
  for (const withFile of [false, true]) {
    it(`lists the FIDO interface; a reopened connection finds what the last one wrote${withFile ? ' (state file)' : ''}; unplug`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'latchkey-nk3-backend-'));
      try {
        const backend = createEmulatedNitrokey3Backend({ clock: createManualClock(0), ...(withFile ? { stateFile: join(dir, 'nk3.json') } : {}) });
        const [descriptor] = await backend.devices();
        if (descriptor === undefined) throw new Error('not listed');
        expect([descriptor.vendorId, descriptor.productId, descriptor.usagePage, descriptor.usage]).toEqual([0x20a0, 0x42b2, 0xf1d0, 0x01]);
        const exchange = async (device: HidDevice, cid: number, bytes: Uint8Array) => {
          for (const packet of framePackets(cid, cid === BROADCAST ? 0x06 : 0x70, bytes)) await device.write(packet);
          const answer = await device.read(1_000);
          return answer === null ? '' : hex(answer.subarray(7, 7 + (((answer[5] ?? 0) << 8) | (answer[6] ?? 0))));
        };
        const first = await backend.open(descriptor);
        const cid = Buffer.from((await exchange(first, BROADCAST, Buffer.alloc(8))).slice(16, 24), 'hex').readUInt32BE(0);
        expect(await exchange(first, cid, put('Kept:one'))).toBe('9000');
        await first.close();
        const second = await backend.open(descriptor);
        const again = Buffer.from((await exchange(second, BROADCAST, Buffer.alloc(8))).slice(16, 24), 'hex').readUInt32BE(0);
        expect(await exchange(second, again, apdu(0xa1, 0, 0))).toBe(`9000720921${Buffer.from('Kept:one').toString('hex')}`);
        backend.unplug();
        expect(await backend.devices()).toEqual([]);
        await expect(second.write(new Uint8Array(64))).rejects.toMatchObject({ code: 'KEY_UNPLUGGED' });
        await expect(backend.open(descriptor)).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
