import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { HidDevice } from '../hid/hid-device.js';

/**
 * Serves one emulated CTAPHID key on a UNIX stream socket: every 64 bytes a client writes are one
 * output report to the key, and every input report the key sends is written back, 64 bytes, to
 * every connected client (as hidraw gives each open handle a copy). Nothing else is in the stream.
 */
export const CTAPHID_PACKET = 64;

export interface PacketSocketServer {
  readonly socketPath: string;
  /** Stops listening and reading the key, drops connections and removes the socket file. */
  close(): Promise<void>;
}

export async function servePacketsOnUnixSocket(socketPath: string, device: HidDevice): Promise<PacketSocketServer> {
  await removeStaleSocket(socketPath);
  const connections = new Set<Socket>();
  let writes = Promise.resolve();
  const server: Server = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= CTAPHID_PACKET) {
        const packet = new Uint8Array(pending.subarray(0, CTAPHID_PACKET));
        pending = pending.subarray(CTAPHID_PACKET);
        // In arrival order; a key that is gone closes the connection, as an unplug would.
        writes = writes.then(() => device.write(packet)).catch(() => { socket.destroy(); });
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

  const pumping = { on: true };
  const pump = (async () => {
    while (pumping.on) {
      let packet: Uint8Array | null;
      try {
        packet = await device.read(250);
      } catch {
        for (const socket of connections) socket.destroy();
        return;
      }
      if (packet !== null) for (const socket of connections) socket.write(packet);
    }
  })();

  return {
    socketPath,
    close: async () => {
      pumping.on = false;
      for (const socket of connections) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
      await pump;
      if (existsSync(socketPath)) unlinkSync(socketPath);
    },
  };
}

/** A socket left by a killed server would make listen fail; a live one, or any other file, is not ours. */
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
