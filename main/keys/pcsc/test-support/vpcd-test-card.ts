import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * A minimal scripted card for vsmartcard's vpcd reader, for the PC/SC adapter's own tests (the
 * YubiKey OATH emulator is the real card; this one answers only what the tests need). vpcd's wire
 * format (sheet §13): every message is a 2-byte big-endian length + payload; a 1-byte payload from
 * pcscd is a control (00 power off, 01 power on, 02 reset, 04 "send your ATR", also its presence
 * poll); anything longer is a command APDU, answered with the response APDU. Connecting is "card
 * inserted", closing the socket "card removed".
 *
 * The card runs in a CHILD process: the addon makes some PC/SC calls synchronously (a disconnect
 * with reset, a listing), and pcscd then waits for the card; a card on the test's own event loop
 * could never answer, and both would wait forever.
 *
 * Script (command header → answer):
 * - `00 A4 04 00` SELECT → `79 03 05 04 03 90 00`
 * - `00 A1 00 00` → the first 256 bytes of LONG_ANSWER + `61 2C`; then `00 A5 00 00` (SEND
 *   REMAINING) → the other 44 + `90 00`
 * - `00 B0 00 00` → 1000 bytes of 5A + `90 00` (longer than npm smartcard's default buffer)
 * - `00 EE 00 00` → no answer ever (a card stuck mid-exchange)
 * - anything else → `6D 00`
 */

export const LONG_ANSWER = Uint8Array.from({ length: 300 }, (_, index) => (index * 7) % 256);
export const SELECT_ANSWER = Uint8Array.from([0x79, 0x03, 0x05, 0x04, 0x03, 0x90, 0x00]);

export interface VpcdTestCard {
  /** Every command APDU the card received, in order, as hex. */
  readonly received: string[];
  /** Every control byte other than the ATR poll, in order (power on/off, reset). */
  readonly controls: number[];
  /** Closes the connection (the reader reports the card removed) and ends the card's process. */
  remove(): Promise<void>;
}

export function insertVpcdTestCard(options: { readonly port: number; readonly atr: Uint8Array }): Promise<VpcdTestCard> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(options.port), Buffer.from(options.atr).toString('hex')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const received: string[] = [];
  const controls: number[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  const remove = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [kind, value = ''] = line.split(' ');
      if (kind === 'connected') resolve({ received, controls, remove });
      else if (kind === 'apdu') received.push(value);
      else if (kind === 'control') controls.push(Number(value));
    });
    void exited.then(() => { reject(new Error(`the vpcd test card exited before connecting: ${stderr}`)); });
  });
}

function answer(apdu: Uint8Array): Uint8Array | 'hang' {
  switch (Buffer.from(apdu.subarray(0, 4)).toString('hex')) {
    case '00a40400':
      return SELECT_ANSWER;
    case '00a10000':
      return Uint8Array.from([...LONG_ANSWER.subarray(0, 256), 0x61, LONG_ANSWER.length - 256]);
    case '00a50000':
      return Uint8Array.from([...LONG_ANSWER.subarray(256), 0x90, 0x00]);
    case '00b00000':
      return Uint8Array.from([...new Uint8Array(1000).fill(0x5a), 0x90, 0x00]);
    case '00ee0000':
      return 'hang';
    default:
      return Uint8Array.from([0x6d, 0x00]);
  }
}

const CONTROL_ATR = 0x04;

/** The card itself (the child process): connects to vpcd and answers until it is killed. */
async function serveCard(port: number, atr: Uint8Array): Promise<void> {
  const socket = await connectWithRetry(port);
  let pending = Buffer.alloc(0);
  const send = (payload: Uint8Array) => {
    const frame = Buffer.alloc(2 + payload.length);
    frame.writeUInt16BE(payload.length, 0);
    frame.set(payload, 2);
    socket.write(frame);
  };
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
      const payload = Uint8Array.from(pending.subarray(2, 2 + pending.readUInt16BE(0)));
      pending = pending.subarray(2 + payload.length);
      if (payload.length === 1) {
        if (payload[0] === CONTROL_ATR) send(atr);
        else process.stdout.write(`control ${String(payload[0])}\n`);
        continue;
      }
      process.stdout.write(`apdu ${Buffer.from(payload).toString('hex')}\n`);
      const reply = answer(payload);
      if (reply !== 'hang') send(reply);
    }
  });
  socket.on('close', () => process.exit(0));
  process.once('SIGTERM', () => {
    socket.destroy();
    process.exit(0);
  });
  process.stdout.write('connected\n');
}

/** vpcd may still be binding its port when the card starts: try for a few seconds. */
async function connectWithRetry(port: number): Promise<Socket> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port }, () => {
          socket.removeListener('error', reject);
          resolve(socket);
        });
        socket.once('error', reject);
      });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await serveCard(Number(process.argv[2]), Uint8Array.from(Buffer.from(process.argv[3] ?? '', 'hex')));
}
