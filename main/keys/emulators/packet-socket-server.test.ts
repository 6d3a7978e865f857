import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatedNitrokey3, factoryNk3State, framePackets } from './nitrokey3.js';
import { servePacketsOnUnixSocket, type PacketSocketServer } from './packet-socket-server.js';

/** The 64-byte packet stream: packets cut anywhere by the client, answers copied to every client. */
function open(path: string): Promise<{ socket: Socket; packets: () => Promise<Buffer> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let buffered = Buffer.alloc(0);
    const waiting: ((packet: Buffer) => void)[] = [];
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 64 && waiting.length > 0) {
        const packet = buffered.subarray(0, 64);
        buffered = buffered.subarray(64);
        waiting.shift()?.(packet);
      }
    });
    const packets = () =>
      new Promise<Buffer>((done) => {
        if (buffered.length >= 64) {
          const packet = buffered.subarray(0, 64);
          buffered = buffered.subarray(64);
          done(packet);
        } else {
          waiting.push(done);
        }
      });
    socket.once('connect', () => { resolve({ socket, packets }); });
    socket.once('error', reject);
  });
}

describe('servePacketsOnUnixSocket', () => {
  let dir = '';
  let server: PacketSocketServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reassembles packets written in odd pieces, sends each answer to every client, and removes its socket on close', async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-packets-'));
    const path = join(dir, 'key.sock');
    const random = (n: number) => new Uint8Array(n).fill(1);
    const key = new EmulatedNitrokey3({ state: factoryNk3State(random, { serial: 1 }), random });
    server = await servePacketsOnUnixSocket(path, key);
    const writer = await open(path);
    const watcher = await open(path);

    const [init] = framePackets(0xffffffff, 0x06, Buffer.from('0102030405060708', 'hex'));
    if (init === undefined) throw new Error('no packet');
    writer.socket.write(init.subarray(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 20));
    writer.socket.write(init.subarray(10));
    const answer = (await writer.packets()).toString('hex');
    expect(answer.slice(0, 14 + 16 + 8)).toBe('ffffffff860011010203040506070800000001');
    expect((await watcher.packets()).toString('hex')).toBe(answer);

    writer.socket.destroy();
    watcher.socket.destroy();
    await server.close();
    server = null;
    expect(existsSync(path)).toBe(false);
  });
});
