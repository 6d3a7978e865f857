import { connect, type Socket } from 'node:net';

/**
 * The card's end of vsmartcard's vpcd protocol (sheet §13): TCP, every message both ways a 2-byte
 * big-endian length and a payload. A 1-byte payload from pcscd is control — 00 power off, 01 power
 * on, 02 reset (no answer), 04 "send your ATR" (also pcscd's presence poll, answered any time);
 * anything longer is a command APDU, answered with the response APDU. Connecting is "card inserted",
 * closing "card removed".
 */
export interface VpcdCard {
  readonly atr: Uint8Array;
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
  /** Power off, power on and reset: nothing selected, no VALIDATE, no pending parts. */
  powerCycle(): void;
}

export interface VpcdConnection {
  /** Resolves when the connection ends (removed, pcscd gone, or the card failed). */
  readonly closed: Promise<void>;
  /**
   * Resolves at pcscd's first power-on: it has read the ATR and the reader shows a card, so a
   * PC/SC connect succeeds from now on (about 0.5 s after connecting, pcscd polls).
   */
  readonly inserted: Promise<void>;
  /** Control bytes and APDUs seen so far (for tests: pcscd powers the card on before the first APDU). */
  readonly seen: { powerOn: number; powerOff: number; reset: number; atrRequests: number; apdus: number };
  /** Takes the card out. */
  close(): Promise<void>;
}

const CONTROL = { POWER_OFF: 0x00, POWER_ON: 0x01, RESET: 0x02, GET_ATR: 0x04 } as const;

export async function connectToVpcd(card: VpcdCard, host: string, port: number, options: { retryForMs?: number } = {}): Promise<VpcdConnection> {
  const deadline = Date.now() + (options.retryForMs ?? 0);
  for (;;) {
    try {
      const socket = await open(host, port);
      return attach(card, socket);
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function open(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function attach(card: VpcdCard, socket: Socket): VpcdConnection {
  socket.setNoDelay(true);
  const seen = { powerOn: 0, powerOff: 0, reset: 0, atrRequests: 0, apdus: 0 };
  const closed = new Promise<void>((resolve) => socket.once('close', () => { resolve(); }));
  let markInserted: () => void = () => undefined;
  const inserted = new Promise<void>((resolve, reject) => {
    markInserted = resolve;
    void closed.then(() => { reject(new Error('vpcd closed the connection before powering the card on')); });
  });
  // Nobody may be waiting for it: a removal before insertion is not an unhandled rejection.
  inserted.catch(() => undefined);
  socket.on('error', () => socket.destroy());
  let buffered = Buffer.alloc(0);
  let queue = Promise.resolve();
  const send = (payload: Uint8Array) => {
    if (socket.destroyed) return;
    const header = Buffer.alloc(2);
    header.writeUInt16BE(payload.length);
    socket.write(Buffer.concat([header, payload]));
  };
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2) {
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) return;
      const payload = new Uint8Array(buffered.subarray(2, 2 + length));
      buffered = buffered.subarray(2 + length);
      // One message at a time, in order: an APDU waiting for a touch holds the ones behind it.
      queue = queue.then(async () => {
        if (payload.length === 1) {
          control(payload[0] ?? 0);
          return;
        }
        seen.apdus++;
        try {
          send(await card.transmit(payload));
        } catch {
          // The card is gone (unplugged): pcscd sees it removed.
          socket.destroy();
        }
      });
    }
  });
  function control(byte: number): void {
    switch (byte) {
      case CONTROL.POWER_OFF:
        seen.powerOff++;
        card.powerCycle();
        return;
      case CONTROL.POWER_ON:
        seen.powerOn++;
        card.powerCycle();
        markInserted();
        return;
      case CONTROL.RESET:
        seen.reset++;
        card.powerCycle();
        return;
      case CONTROL.GET_ATR:
        seen.atrRequests++;
        send(card.atr);
        return;
      default:
        // unknown control byte: vpcd sends no others; ignore
        return;
    }
  }
  return {
    closed,
    inserted,
    seen,
    close: async () => {
      socket.end();
      socket.destroy();
      await closed;
    },
  };
}
