import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { createManualClock } from '../clock.js';
import { CtaphidConnection } from './connection.js';
import { ctaphidError } from './errors.js';
import { encodeMessage, parsePacket } from './packets.js';
import { MessageReassembler } from './reassembler.js';
import { PacketScriptDevice, packet, type PacketStep } from './test-support/packet-script-device.js';
import { CtaphidApduTransport } from './vendor-apdu.js';

interface Nk3Vector {
  readonly id: string;
  readonly requestPayloadHex?: string;
  readonly hostToDevicePackets: readonly string[];
  readonly deviceToHostPackets?: readonly string[];
  readonly response?: { readonly newCid: string; readonly protocolVersion: number; readonly capabilities: number };
}
const vectors = (JSON.parse(readFileSync(new URL('../../../../shared/vectors/nitrokey3-secrets.json', import.meta.url), 'utf8')) as { vectors: Nk3Vector[] }).vectors;
const vector = (id: string) => {
  const found = vectors.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no vector ${id}`);
  return found;
};

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');
const init = vector('ctaphid-init');
const NONCE = 'a1b2c3d4e5f60718';
const initSteps: PacketStep[] = [...init.hostToDevicePackets.map((write) => ({ write })), ...(init.deviceToHostPackets ?? []).map((reply) => ({ reply }))];

async function rejection(promise: Promise<unknown>): Promise<LatchkeyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

async function opened(after: PacketStep[], options: { trace?: (line: string) => void } = {}) {
  const clock = createManualClock(1_000_000);
  const device = new PacketScriptDevice([...initSteps, ...after], clock);
  const connection = await CtaphidConnection.open(device, { clock, nonce: () => bytes(NONCE), maxMessageSize: 3072, ...options });
  return { clock, device, connection };
}

/** The packets of a message on channel 1, as hex (what the key would send or expect). */
const framed = (cmd: number, payloadHex: string, cid = 1) => encodeMessage({ cid, cmd, payload: bytes(payloadHex) }).map(hex);

describe('CtaphidConnection: channel allocation', () => {
  it('INIT on the broadcast channel is the vector byte for byte, and the answer gives channel 1, protocol 2, WINK|CBOR', async () => {
    const { connection, device } = await opened([]);
    expect(device.remaining).toBe(0);
    expect(connection.cid).toBe(1);
    expect(connection.info).toEqual({ protocolVersion: 2, deviceVersion: [0, 0, 0], capabilities: 5 });
  });

  it('an INIT answer with another program’s nonce is skipped; ours is taken', async () => {
    const clock = createManualClock();
    const theirs = packet('ffffffff860011' + '0102030405060708' + '00000009' + '0200000005');
    const device = new PacketScriptDevice([{ write: init.hostToDevicePackets[0] ?? '' }, { reply: theirs }, ...(init.deviceToHostPackets ?? []).map((reply) => ({ reply }))], clock);
    const connection = await CtaphidConnection.open(device, { clock, nonce: () => bytes(NONCE) });
    expect(connection.cid).toBe(1);
  });

  it('an INIT answer too short, or handing out a reserved channel, is KEY_PROTOCOL', async () => {
    for (const answer of ['ffffffff86000aa1b2c3d4e5f6071800000001', 'ffffffff860011a1b2c3d4e5f60718ffffffff0200000005']) {
      const clock = createManualClock();
      const device = new PacketScriptDevice([{ write: init.hostToDevicePackets[0] ?? '' }, { reply: packet(answer) }], clock);
      expect((await rejection(CtaphidConnection.open(device, { clock, nonce: () => bytes(NONCE) }))).code).toBe('KEY_PROTOCOL');
    }
  });

  it('no INIT answer at all is KEY_TIMEOUT after the default 3 s of the injected clock', async () => {
    const clock = createManualClock();
    const device = new PacketScriptDevice([{ write: init.hostToDevicePackets[0] ?? '' }], clock);
    const error = await rejection(CtaphidConnection.open(device, { clock, nonce: () => bytes(NONCE) }));
    expect(error.code).toBe('KEY_TIMEOUT');
    expect(clock.slept).toBe(3000);
  });
});

describe('CtaphidConnection: calls', () => {
  const select = vector('select-status');

  it('a vendor APDU goes out and comes back as the vector’s packets; the transport turns SW-first into data‖SW', async () => {
    const { connection, device } = await opened([
      ...select.hostToDevicePackets.map((write) => ({ write })),
      ...(select.deviceToHostPackets ?? []).map((reply) => ({ reply })),
    ]);
    const response = await new CtaphidApduTransport(connection).transmit(bytes(select.requestPayloadHex ?? ''));
    expect(hex(response)).toBe('7903040e007108269f14543a0ec7ac8f041a2b3c4d9000');
    expect(device.remaining).toBe(0);
  });

  it('keepalives before the answer are skipped and told as keepalives (never as a touch prompt)', async () => {
    const calc = vector('calculate-hotp-touch-keepalive');
    const { connection } = await opened([
      ...calc.hostToDevicePackets.map((write) => ({ write })),
      ...(calc.deviceToHostPackets ?? []).map((reply) => ({ reply })),
    ]);
    const heard: string[] = [];
    const answer = await connection.call(0x70, bytes(calc.requestPayloadHex ?? ''), { onKeepalive: (status) => heard.push(status) });
    expect(hex(answer)).toBe('90007605082c78e04e');
    expect(heard).toEqual(['user-presence-needed', 'user-presence-needed']);
  });

  it('a vendor command on the broadcast channel: the vector’s packets, and its ERROR 0x0B is KEY_PROTOCOL INVALID_CHANNEL', () => {
    const refused = vector('ctaphid-error-invalid-channel');
    expect(framed(0x70, refused.requestPayloadHex ?? '', 0xffffffff)).toEqual(refused.hostToDevicePackets);
    const result = new MessageReassembler(0xffffffff).feed(parsePacket(bytes(refused.deviceToHostPackets?.[0] ?? '')));
    if (result.status !== 'complete') throw new Error('expected a complete ERROR message');
    expect(result.message.cmd).toBe(0x3f);
    expect(ctaphidError(result.message.payload).toInfo()).toMatchObject({ code: 'KEY_PROTOCOL', details: { ctaphidError: 'INVALID_CHANNEL' } });
  });

  it.each([
    [0x01, 'KEY_UNSUPPORTED', 'INVALID_CMD'],
    [0x03, 'KEY_PROTOCOL', 'INVALID_LEN'],
    [0x04, 'KEY_PROTOCOL', 'INVALID_SEQ'],
    [0x05, 'KEY_TIMEOUT', 'MSG_TIMEOUT'],
    [0x0b, 'KEY_PROTOCOL', 'INVALID_CHANNEL'],
    [0x7f, 'KEY_PROTOCOL', 'OTHER'],
  ] as const)('ERROR 0x%s from the key is %s (%s)', async (code, expected, name) => {
    const { connection } = await opened([...framed(0x70, '00a10000').map((write) => ({ write })), { reply: framed(0x3f, code.toString(16).padStart(2, '0'))[0] ?? '' }]);
    const error = await rejection(connection.call(0x70, bytes('00a10000')));
    expect(error.code).toBe(expected);
    expect(error.details).toMatchObject({ ctaphidError: name });
  });

  it('CHANNEL_BUSY is retried after 100 ms of the injected clock, then the answer is taken', async () => {
    const request = framed(0x70, '00a10000').map((write) => ({ write }));
    const { connection, clock } = await opened([...request, { reply: framed(0x3f, '06')[0] ?? '' }, ...request, { reply: framed(0x70, '9000')[0] ?? '' }]);
    const before = clock.slept;
    expect(hex(await connection.call(0x70, bytes('00a10000')))).toBe('9000');
    expect(clock.slept - before).toBe(100);
  });

  it('a key busy with another program until our deadline is KEY_TIMEOUT naming CHANNEL_BUSY', async () => {
    const request = framed(0x70, '00a10000').map((write) => ({ write }));
    const busy = { reply: framed(0x3f, '06')[0] ?? '' };
    const { connection } = await opened([...request, busy, ...request, busy, ...request, busy]);
    const error = await rejection(connection.call(0x70, bytes('00a10000'), { timeoutMs: 250 }));
    expect(error.toInfo()).toMatchObject({ code: 'KEY_TIMEOUT', details: { ctaphidError: 'CHANNEL_BUSY' } });
  });

  it('an answer for another command is KEY_PROTOCOL', async () => {
    const { connection } = await opened([...framed(0x70, '00a10000').map((write) => ({ write })), { reply: framed(0x01, '9000')[0] ?? '' }]);
    expect((await rejection(connection.call(0x70, bytes('00a10000')))).code).toBe('KEY_PROTOCOL');
  });
});

describe('CtaphidConnection: silence, cancel and unplug', () => {
  const cancel = vector('ctaphid-cancel');

  it('a key that never answers is KEY_TIMEOUT at the call’s own deadline (30 s of the injected clock), and is sent CANCEL', async () => {
    const { connection, clock, device } = await opened([...framed(0x70, '00a10000').map((write) => ({ write })), { write: cancel.hostToDevicePackets[0] ?? '' }]);
    const before = clock.slept;
    const error = await rejection(connection.call(0x70, bytes('00a10000'), { timeoutMs: 30_000 }));
    expect(error.code).toBe('KEY_TIMEOUT');
    expect(clock.slept - before).toBe(30_000);
    expect(device.remaining).toBe(0);
  });

  it('an abort while the key waits sends the vector’s CANCEL packet, drains the key’s late answer, and is CANCELLED', async () => {
    const controller = new AbortController();
    const clock = createManualClock();
    const device = new PacketScriptDevice(
      [...initSteps, ...framed(0x70, '00a10000').map((write) => ({ write })), { write: cancel.hostToDevicePackets[0] ?? '' }, { reply: framed(0x70, '6500')[0] ?? '' }],
      clock,
    );
    const connection = await CtaphidConnection.open(device, { clock, nonce: () => bytes(NONCE) });
    const read = device.read.bind(device);
    let reads = 0;
    device.read = (timeoutMs) => {
      if (++reads === 3) controller.abort();
      return read(timeoutMs);
    };
    const error = await rejection(connection.call(0x70, bytes('00a10000'), { signal: controller.signal, timeoutMs: 30_000 }));
    expect(error.code).toBe('CANCELLED');
    expect(device.remaining).toBe(0);
  });

  it('an already aborted signal sends nothing', async () => {
    const { connection, device } = await opened([]);
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(connection.call(0x70, bytes('00a10000'), { signal: controller.signal }))).code).toBe('CANCELLED');
    expect(device.written).toHaveLength(1);
  });

  it('unplugged between our packets: KEY_UNPLUGGED saying how far the message got', async () => {
    const put = vector('put-hotp-multipacket');
    const { connection } = await opened([{ write: put.hostToDevicePackets[0] ?? '' }, { unplug: true }]);
    const error = await rejection(connection.call(0x70, bytes(put.requestPayloadHex ?? '')));
    expect(error.code).toBe('KEY_UNPLUGGED');
    expect(error.details).toMatchObject({ where: 'after 1 of 3 packets of our message' });
  });

  it('unplugged in the middle of the key’s answer: KEY_UNPLUGGED, "in the middle of its answer"', async () => {
    const list = vector('list-v1-two-credentials');
    const { connection } = await opened([
      ...list.hostToDevicePackets.map((write) => ({ write })),
      { reply: list.deviceToHostPackets?.[0] ?? '' },
      { unplug: true },
    ]);
    const error = await rejection(connection.call(0x70, bytes(list.requestPayloadHex ?? '')));
    expect(error.code).toBe('KEY_UNPLUGGED');
    expect(error.details).toMatchObject({ where: 'in the middle of its answer' });
  });

  it('an answer that stops after its first packet is KEY_TIMEOUT, not a short payload', async () => {
    const list = vector('list-v1-two-credentials');
    const { connection } = await opened([...list.hostToDevicePackets.map((write) => ({ write })), { reply: list.deviceToHostPackets?.[0] ?? '' }, { write: cancel.hostToDevicePackets[0] ?? '' }]);
    const error = await rejection(connection.call(0x70, bytes(list.requestPayloadHex ?? '')));
    expect(error.code).toBe('KEY_TIMEOUT');
    expect(error.message).toMatch(/middle/);
  });
});

describe('CtaphidConnection: trace', () => {
  it('one line per packet; a sensitive call shows only the framing header and the length', async () => {
    const lines: string[] = [];
    const put = vector('put-hotp-multipacket');
    const { connection } = await opened(
      [...put.hostToDevicePackets.map((write) => ({ write })), ...(put.deviceToHostPackets ?? []).map((reply) => ({ reply }))],
      { trace: (line) => lines.push(line) },
    );
    lines.length = 0;
    await connection.call(0x70, bytes(put.requestPayloadHex ?? ''), { sensitive: true });
    expect(lines).toEqual(['> 00000001f00075 [57 bytes redacted]', '> 0000000100 [59 bytes redacted]', '> 0000000101 [59 bytes redacted]', '< 00000001f00002 [57 bytes redacted]']);
    expect(lines.join('\n')).not.toContain('3132333435');
  });
});
