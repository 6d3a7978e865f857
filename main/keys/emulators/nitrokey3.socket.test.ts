import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framePackets, PACKET_SIZE } from './nitrokey3.js';
import { startEmulatorCli, type EmulatorProcess } from './test-support/emulate-cli.js';

/**
 * `npm run emulate -- nitrokey3 --socket PATH --state FILE` as another program sees it: 64-byte
 * CTAPHID packets each way; a touch given by rewriting the touch policy in the state file while
 * the key waits; SIGTERM removes the socket and leaves a 0600 state.
 */
const SECRETS = 0x70;
const INIT = 0x06;
const ERROR = 0x3f;

class PacketClient {
  private buffered = Buffer.alloc(0);
  private readonly waiting: ((packet: Uint8Array) => void)[] = [];
  private readonly queued: Uint8Array[] = [];

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= PACKET_SIZE) {
        const packet = new Uint8Array(this.buffered.subarray(0, PACKET_SIZE));
        this.buffered = this.buffered.subarray(PACKET_SIZE);
        const waiter = this.waiting.shift();
        if (waiter === undefined) this.queued.push(packet);
        else waiter(packet);
      }
    });
  }

  static open(path: string): Promise<PacketClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('connect', () => { resolve(new PacketClient(socket)); });
      socket.once('error', reject);
    });
  }

  next(): Promise<Uint8Array> {
    const packet = this.queued.shift();
    if (packet !== undefined) return Promise.resolve(packet);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  get hasPacket(): boolean {
    return this.queued.length > 0;
  }

  /** Sends one message and reassembles the answer (skipping keepalives). */
  async request(cid: number, cmd: number, payload: Uint8Array): Promise<{ cmd: number; payload: Uint8Array }> {
    for (const packet of framePackets(cid, cmd, payload)) this.socket.write(packet);
    let first = await this.next();
    while ((first[4] ?? 0) === (0x80 | 0x3b)) first = await this.next();
    const length = ((first[5] ?? 0) << 8) | (first[6] ?? 0);
    const parts = [first.subarray(7)];
    let have = Math.min(57, length);
    while (have < length) {
      const next = await this.next();
      parts.push(next.subarray(5));
      have += 59;
    }
    return { cmd: (first[4] ?? 0) & 0x7f, payload: new Uint8Array(Buffer.concat(parts).subarray(0, length)) };
  }

  close(): void {
    this.socket.destroy();
  }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const unhex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

function putApdu(label: string, secretHex: string, property: number): Uint8Array {
  const name = Buffer.from(label);
  const key = Buffer.concat([Buffer.from([0x21, 0x06]), Buffer.from(secretHex, 'hex')]);
  const data = Buffer.concat([Buffer.from([0x71, name.length]), name, Buffer.from([0x73, key.length]), key, Buffer.from([0x78, property])]);
  return Uint8Array.from([0x00, 0x01, 0x00, 0x00, data.length, ...data]);
}

function calculateApdu(label: string, challengeHex: string): Uint8Array {
  const name = Buffer.from(label);
  const data = Buffer.concat([Buffer.from([0x71, name.length]), name, Buffer.from([0x74, 0x08]), Buffer.from(challengeHex, 'hex')]);
  return Uint8Array.from([0x00, 0xa2, 0x00, 0x01, data.length, ...data]);
}

describe('npm run emulate -- nitrokey3 --socket PATH --state FILE', () => {
  let dir = '';
  let emulator: EmulatorProcess | null = null;
  let client: PacketClient | null = null;
  const socketPath = () => join(dir, 'nk3.sock');
  const stateFile = () => join(dir, 'nk3.json');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-nk3-socket-'));
    emulator = await startEmulatorCli(['nitrokey3', '--socket', socketPath(), '--state', stateFile(), '--touch', 'never']);
    client = await PacketClient.open(socketPath());
  });

  afterAll(async () => {
    client?.close();
    await emulator?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('allocates a channel, stores a TOTP credential and computes the RFC 6238 value', async () => {
    const host = client;
    if (host === null) throw new Error('no client');
    expect(emulator?.banner).toMatch(/^emulate: Nitrokey 3 serial [0-9a-f]{8} listening on /);
    const init = await host.request(0xffffffff, INIT, unhex('0102030405060708'));
    expect(hex(init.payload.subarray(0, 8))).toBe('0102030405060708');
    expect(hex(init.payload.subarray(8, 12))).toBe('00000001');

    const put = await host.request(1, SECRETS, putApdu('GitHub:alice', '3132333435363738393031323334353637383930', 0x00));
    expect(hex(put.payload)).toBe('9000');
    const again = await host.request(1, SECRETS, putApdu('GitHub:alice', '3132333435363738393031323334353637383930', 0x00));
    expect(hex(again.payload)).toBe('6983');
    const code = await host.request(1, SECRETS, calculateApdu('GitHub:alice', '00000000023523ec'));
    expect(hex(code.payload)).toBe('90007605063610f84c');

    const wrongChannel = await host.request(0xffffffff, SECRETS, unhex('00a10000'));
    expect(wrongChannel.cmd).toBe(ERROR);
    expect(hex(wrongChannel.payload)).toBe('0b');
  });

  it('waits silently for a touch until the state file\'s policy says a touch came', async () => {
    const host = client;
    if (host === null) throw new Error('no client');
    const answer = host.request(1, SECRETS, putApdu('Touch:bob', '3132333435363738393031323334353637383930', 0x02));
    const before = JSON.parse(readFileSync(stateFile(), 'utf8')) as { touchPolicy: string; credentials: { label: string }[] };
    expect(before.touchPolicy).toBe('never');
    expect(before.credentials.map((c) => c.label)).toEqual(['GitHub:alice']);
    expect(host.hasPacket).toBe(false);

    writeFileSync(stateFile(), `${JSON.stringify({ ...before, touchPolicy: 'auto' }, null, 2)}\n`);
    expect(hex((await answer).payload)).toBe('9000');
    const after = JSON.parse(readFileSync(stateFile(), 'utf8')) as { touchPolicy: string; credentials: { label: string; touch: boolean }[] };
    expect(after.credentials.map((c) => [c.label, c.touch])).toEqual([['GitHub:alice', false], ['Touch:bob', true]]);
  });

  it('stops on SIGTERM, removing its socket and leaving the state 0600', async () => {
    client?.close();
    client = null;
    expect(await emulator?.stop()).toBe(0);
    emulator = null;
    expect(existsSync(socketPath())).toBe(false);
    expect(statSync(stateFile()).mode & 0o777).toBe(0o600);
  });
});
