import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../clock.js';
import { factoryOathCardState, EmulatedYubiKeyOath, YUBIKEY5_USB_ATR } from '../yubikey-oath.js';
import { connectToVpcd } from './vpcd.js';

/**
 * The card's side of the vpcd protocol against a stand-in for pcscd's vpcd driver (a TCP server
 * speaking the sheet's framing), so it is checked where pcscd is not installed too.
 */
class FakeVpcd {
  private socket: Socket | null = null;
  private buffered = Buffer.alloc(0);
  private readonly waiting: ((message: Buffer) => void)[] = [];
  readonly server: Server;
  readonly connected: Promise<void>;

  constructor() {
    let accept: () => void = () => undefined;
    this.connected = new Promise((resolve) => (accept = resolve));
    this.server = createServer((socket) => {
      this.socket = socket;
      socket.on('data', (chunk: Buffer) => {
        this.buffered = Buffer.concat([this.buffered, chunk]);
        while (this.buffered.length >= 2 && this.buffered.length >= 2 + this.buffered.readUInt16BE(0)) {
          const message = this.buffered.subarray(2, 2 + this.buffered.readUInt16BE(0));
          this.buffered = this.buffered.subarray(2 + message.length);
          this.waiting.shift()?.(message);
        }
      });
      accept();
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  }

  send(payload: string): void {
    const bytes = Buffer.from(payload, 'hex');
    this.socket?.write(Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]));
  }

  /** Sends and waits for the card's answer. */
  ask(payload: string): Promise<string> {
    const answer = new Promise<Buffer>((resolve) => this.waiting.push(resolve));
    this.send(payload);
    return answer.then((message) => message.toString('hex'));
  }

  close(): Promise<void> {
    this.socket?.destroy();
    return new Promise((resolve) => this.server.close(() => { resolve(); }));
  }
}

describe('the card end of vpcd', () => {
  let fake: FakeVpcd | null = null;
  afterEach(async () => {
    await fake?.close();
    fake = null;
  });

  it('answers ATR requests and APDUs, counts control bytes, and loses the session on power off', async () => {
    fake = new FakeVpcd();
    const port = await fake.listen();
    const random = (n: number) => new Uint8Array(n).fill(5);
    const card = new EmulatedYubiKeyOath({ state: factoryOathCardState(random, { serial: 7 }), random, clock: createManualClock(0) });
    const connection = await connectToVpcd(card, '127.0.0.1', port);
    await fake.connected;

    expect(await fake.ask('04')).toBe(Buffer.from(YUBIKEY5_USB_ATR).toString('hex'));
    fake.send('01');
    await connection.inserted;
    expect(await fake.ask('00a4040007a0000005272101')).toBe('79030504037108050505050505050590' + '00');
    expect(await fake.ask('00a10000')).toBe('9000');
    fake.send('00'); // power off: nothing selected afterwards
    expect(await fake.ask('00a10000')).toBe('6d00');
    expect(connection.seen).toEqual({ powerOn: 1, powerOff: 1, reset: 0, atrRequests: 1, apdus: 3 });

    await connection.close();
  });

  it('an unplugged card drops the connection (pcscd sees it removed)', async () => {
    fake = new FakeVpcd();
    const port = await fake.listen();
    const random = (n: number) => new Uint8Array(n);
    const card = new EmulatedYubiKeyOath({ state: factoryOathCardState(random), random });
    const connection = await connectToVpcd(card, '127.0.0.1', port);
    await fake.connected;
    card.unplug();
    fake.send('00a10000');
    await connection.closed;
    await expect(connection.inserted).rejects.toThrow(/before powering the card on/);
  });
});
