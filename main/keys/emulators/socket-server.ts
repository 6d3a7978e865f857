import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { HidDevice } from '../hid/hid-device.js';

/**
 * Serves one emulated HID key on a UNIX stream socket so programs in other languages (yubikit)
 * can drive it. One request per message, each a fixed length, so the stream needs no framing:
 *   0x01 + 8 bytes  a feature report written to the key   → 0x00
 *   0x02            a feature report read from the key      → the 8 bytes
 *   0x03            a touch of the key's button             → 0x00
 * Anything else closes that connection. Requests are handled one at a time across connections,
 * as a single USB device would.
 */
export const REQUEST = { WRITE_FEATURE: 0x01, READ_FEATURE: 0x02, TOUCH: 0x03 } as const;
const REPORT_SIZE = 8;

export interface ServedKey {
  readonly device: HidDevice;
  /** The button: answers a touch wait, or (idle) what the key does on a short press. */
  touch(): void;
}

export interface EmulatorSocketServer {
  readonly socketPath: string;
  /** Stops listening, drops connections and removes the socket file. */
  close(): Promise<void>;
}

export async function serveOnUnixSocket(socketPath: string, key: ServedKey): Promise<EmulatorSocketServer> {
  await removeStaleSocket(socketPath);
  const connections = new Set<Socket>();
  let queue = Promise.resolve();
  const server: Server = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const request = takeRequest(pending);
        if (request === 'incomplete') return;
        if (request === 'invalid') {
          socket.destroy();
          return;
        }
        pending = pending.subarray(request.length);
        const bytes = request.bytes;
        queue = queue.then(async () => {
          const answer = await handle(key, bytes).catch(() => null);
          // A device error (unplugged) closes the connection: the host sees the key vanish.
          if (answer === null) socket.destroy();
          else if (!socket.destroyed) socket.write(answer);
        });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    socketPath,
    close: async () => {
      for (const socket of connections) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
      if (existsSync(socketPath)) unlinkSync(socketPath);
    },
  };
}

function takeRequest(buffer: Buffer): { bytes: Buffer; length: number } | 'incomplete' | 'invalid' {
  const kind = buffer[0];
  if (kind === undefined) return 'incomplete';
  if (kind === REQUEST.WRITE_FEATURE) {
    return buffer.length < 1 + REPORT_SIZE ? 'incomplete' : { bytes: buffer.subarray(0, 1 + REPORT_SIZE), length: 1 + REPORT_SIZE };
  }
  if (kind === REQUEST.READ_FEATURE || kind === REQUEST.TOUCH) return { bytes: buffer.subarray(0, 1), length: 1 };
  return 'invalid';
}

async function handle(key: ServedKey, request: Buffer): Promise<Uint8Array> {
  switch (request[0]) {
    case REQUEST.WRITE_FEATURE:
      await key.device.sendFeatureReport(new Uint8Array(request.subarray(1)));
      return Uint8Array.of(0);
    case REQUEST.READ_FEATURE:
      return key.device.getFeatureReport(REPORT_SIZE);
    default:
      key.touch();
      return Uint8Array.of(0);
  }
}

/** A socket left by a killed server would make listen fail; a live one, or any other file, is not ours to remove. */
async function removeStaleSocket(socketPath: string): Promise<void> {
  if (!existsSync(socketPath)) return;
  if (!lstatSync(socketPath).isSocket()) throw new Error(`${socketPath} exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => { resolve(false); });
  });
  if (live) throw new Error(`${socketPath} is in use by another server`);
  unlinkSync(socketPath);
}
