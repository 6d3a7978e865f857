import type { HidDevice } from '../hid/hid-device.js';
import { listenOnUnixSocket } from './unix-socket-listener.js';

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
  let writes = Promise.resolve();
  const listener = await listenOnUnixSocket(
    socketPath,
    (pending) => (pending.length >= CTAPHID_PACKET ? CTAPHID_PACKET : 'incomplete'),
    (packet, socket) => {
      // In arrival order; a key that is gone closes the connection, as an unplug would.
      writes = writes.then(() => device.write(packet)).catch(() => { socket.destroy(); });
    },
  );

  const pumping = { on: true };
  const pump = (async () => {
    while (pumping.on) {
      let packet: Uint8Array | null;
      try {
        packet = await device.read(250);
      } catch {
        for (const socket of listener.connections) socket.destroy();
        return;
      }
      if (packet !== null) for (const socket of listener.connections) socket.write(packet);
    }
  })();

  return {
    socketPath,
    close: async () => {
      pumping.on = false;
      await listener.close();
      await pump;
    },
  };
}
