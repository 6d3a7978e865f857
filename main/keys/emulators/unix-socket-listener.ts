import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** Where the next message ends in what a client has sent so far. */
export type MessageLength = number | 'incomplete' | 'invalid';

export interface UnixSocketListener {
  /** The clients connected now. */
  readonly connections: ReadonlySet<Socket>;
  /** Stops listening, drops every connection and removes the socket file. */
  close(): Promise<void>;
}

/**
 * The socket side shared by the emulator servers: listens on a UNIX stream socket (a stale file left
 * by a killed server is removed first) and cuts each client's byte stream into messages by their
 * length, so the protocols need no framing of their own. `lengthOf` is asked with what has arrived
 * and not yet been handed on; 'incomplete' waits for more bytes, 'invalid' closes that connection.
 */
export async function listenOnUnixSocket(
  socketPath: string,
  lengthOf: (pending: Buffer) => MessageLength,
  onMessage: (message: Uint8Array, socket: Socket) => void,
): Promise<UnixSocketListener> {
  await removeStaleSocket(socketPath);
  const connections = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const length = lengthOf(pending);
        if (length === 'incomplete') return;
        if (length === 'invalid') {
          socket.destroy();
          return;
        }
        const message = new Uint8Array(pending.subarray(0, length));
        pending = pending.subarray(length);
        onMessage(message, socket);
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
    connections,
    close: async () => {
      for (const socket of connections) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
      if (existsSync(socketPath)) unlinkSync(socketPath);
    },
  };
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
