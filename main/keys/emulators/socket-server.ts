import type { HidDevice } from '../hid/hid-device.js';
import { listenOnUnixSocket, type MessageLength } from './unix-socket-listener.js';

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
  let queue = Promise.resolve();
  const listener = await listenOnUnixSocket(socketPath, requestLength, (request, socket) => {
    queue = queue.then(async () => {
      const answer = await handle(key, request).catch(() => null);
      // A device error (unplugged) closes the connection: the host sees the key vanish.
      if (answer === null) socket.destroy();
      else if (!socket.destroyed) socket.write(answer);
    });
  });
  return { socketPath, close: () => listener.close() };
}

function requestLength(buffer: Buffer): MessageLength {
  const kind = buffer[0];
  if (kind === undefined) return 'incomplete';
  if (kind === REQUEST.WRITE_FEATURE) return buffer.length < 1 + REPORT_SIZE ? 'incomplete' : 1 + REPORT_SIZE;
  if (kind === REQUEST.READ_FEATURE || kind === REQUEST.TOUCH) return 1;
  return 'invalid';
}

async function handle(key: ServedKey, request: Uint8Array): Promise<Uint8Array> {
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
