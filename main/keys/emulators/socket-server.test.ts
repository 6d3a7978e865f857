import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEBIAN_PYTHON } from '../../test-support/python-peer.js';
import { serveOnUnixSocket, type EmulatorSocketServer } from './socket-server.js';
import { frameReports, hex } from './test-support/otp-host.js';
import { EmulatedYubiKeyOtp, factoryState } from './yubikey-otp.js';

const seeded = (length: number) => new Uint8Array(length).map((_, i) => i + 7);

/** Sends `bytes` (in the given chunks) and collects `expected` answer bytes, or what came before the close. */
function exchange(path: string, chunks: Uint8Array[], expected: number): Promise<{ answer: Buffer; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(path);
    let answer = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (data: Buffer) => {
      answer = Buffer.concat([answer, data]);
      if (answer.length >= expected) {
        socket.end();
        resolve({ answer, closed: false });
      }
    });
    socket.on('close', () => { resolve({ answer, closed: true }); });
    socket.on('connect', () => {
      void (async () => {
        for (const chunk of chunks) {
          socket.write(chunk);
          await new Promise((r) => setImmediate(r));
        }
      })();
    });
  });
}

describe('the emulator socket', () => {
  let dir = '';
  let path = '';
  let key: EmulatedYubiKeyOtp;
  let server: EmulatorSocketServer | null = null;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-sock-'));
    path = join(dir, 'key.sock');
    key = new EmulatedYubiKeyOtp({ state: factoryState(seeded) });
    server = await serveOnUnixSocket(path, { device: key, touch: () => key.touch() });
  });
  afterEach(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a request stream however it is cut: one byte at a time, or many requests in one write', async () => {
    const requests = Buffer.concat([...frameReports(0x10, new Uint8Array(64)).map((r) => Buffer.from([0x01, ...r])), Buffer.from([0x02, 0x02, 0x02])]);
    const expected = 2 + 3 * 8;
    const byteByByte = await exchange(path, [...requests].map((b) => Uint8Array.of(b)), expected);
    expect(byteByByte.answer.subarray(0, 2)).toEqual(Buffer.from([0, 0]));
    const reads = [0, 1, 2].map((n) => hex(byteByByte.answer.subarray(2 + 8 * n, 10 + 8 * n)));
    const serial = key.snapshot().serial.toString(16).padStart(8, '0');
    expect(reads[0]?.slice(8)).toBe('01050089'); // busy: fw … pgmSeq 1, slot 1 valid+touch, part 9 pending
    expect(reads[1]?.startsWith(serial)).toBe(true);
    expect(reads[1]?.endsWith('40')).toBe(true);
    const oneWrite = await exchange(path, [Uint8Array.of(0x02, 0x03)], 9);
    expect(oneWrite.answer.length).toBe(9);
    expect(oneWrite.answer[8]).toBe(0);
  });

  it('closes a connection on an unknown request, and when the key is unplugged', async () => {
    expect(await exchange(path, [Uint8Array.of(0x07)], 1)).toEqual({ answer: Buffer.alloc(0), closed: true });
    key.unplug();
    expect(await exchange(path, [Uint8Array.of(0x02)], 8)).toEqual({ answer: Buffer.alloc(0), closed: true });
  });

  it('close() removes the socket; a stale socket is replaced; a live one or any other file is refused', async () => {
    await server?.close();
    server = null;
    expect(existsSync(path)).toBe(false);
    // A socket file with nobody listening, as a killed server leaves it (Python does not unlink on exit).
    execFileSync(DEBIAN_PYTHON, ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', path]);
    expect(lstatSync(path).isSocket()).toBe(true);
    server = await serveOnUnixSocket(path, { device: key, touch: () => undefined });
    expect((await exchange(path, [Uint8Array.of(0x02)], 8)).answer.length).toBe(8);
    await expect(serveOnUnixSocket(path, { device: key, touch: () => undefined })).rejects.toThrow(/in use/);
    await server.close();
    server = null;
    writeFileSync(path, 'not a socket');
    await expect(serveOnUnixSocket(path, { device: key, touch: () => undefined })).rejects.toThrow(/not a socket/);
  });
});
