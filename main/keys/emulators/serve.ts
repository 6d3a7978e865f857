import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { servePacketsOnUnixSocket } from './packet-socket-server.js';
import { ReportCapture } from './report-capture.js';
import { serveOnUnixSocket } from './socket-server.js';
import { openEmulatedNitrokey3 } from './nitrokey3.js';
import { connectToVpcd, openEmulatedYubiKeyOath } from './yubikey-oath.js';
import { openEmulatedYubiKeyOtp, parseTouchPolicy } from './yubikey-otp.js';

/**
 * `npm run emulate -- KIND …` serves one emulated key to other programs:
 *   yubikey-otp   --socket PATH [--state FILE] [--touch auto|never|after:MS] [--capture FILE]
 *                 the OTP interface on a UNIX socket (protocol in socket-server.ts); --capture writes
 *                 every report and decoded frame as JSON when the server stops
 *   yubikey-oath  --vpcd HOST:PORT [--state FILE] [--touch …] [--firmware X.Y.Z]
 *                 the OATH card, connected to vsmartcard's vpcd as its card (so pcscd, ykman and our
 *                 PC/SC transport reach it); --firmware picks a fresh key's version (capacity, gates)
 *   nitrokey3     --socket PATH [--state FILE] [--touch …] [--keepalives MS]
 *                 the CTAPHID interface on a UNIX socket: 64-byte packets each way
 *                 (packet-socket-server.ts); --keepalives sends KEEPALIVE while waiting for a touch
 * With --state the key persists to FILE on every change, and a touch policy written into FILE is
 * obeyed at once (OATH kinds). Stops cleanly on SIGTERM or SIGINT.
 */
const USAGE = [
  'usage: npm run emulate -- yubikey-otp --socket PATH [--state FILE] [--touch auto|never|after:MS] [--capture FILE]',
  '       npm run emulate -- yubikey-oath --vpcd HOST:PORT [--state FILE] [--touch auto|never|after:MS] [--firmware X.Y.Z]',
  '       npm run emulate -- nitrokey3 --socket PATH [--state FILE] [--touch auto|never|after:MS] [--keepalives MS]',
].join('\n');

function fail(message: string): never {
  process.stderr.write(`emulate: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function attempt<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}

const args = attempt(() =>
  parseArgs({
    allowPositionals: true,
    options: {
      socket: { type: 'string' },
      vpcd: { type: 'string' },
      state: { type: 'string' },
      touch: { type: 'string' },
      capture: { type: 'string' },
      firmware: { type: 'string' },
      keepalives: { type: 'string' },
    },
  }),
);
const { positionals, values } = args;
const kind = positionals[0];
if (positionals.length !== 1) fail('name one kind: yubikey-otp, yubikey-oath or nitrokey3');
const stateOption = values.state === undefined ? {} : { stateFile: values.state };
const touchOption = values.touch === undefined ? {} : { touchPolicy: attempt(() => parseTouchPolicy(values.touch ?? '')) };

/** Everything to undo on SIGTERM/SIGINT, in order. */
let stopSteps: (() => Promise<void> | void)[] = [];
let stopping = false;
async function stop(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const step of stopSteps) await step();
  process.exit(code);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

switch (kind) {
  case 'yubikey-otp':
    await serveYubiKeyOtp();
    break;
  case 'yubikey-oath':
    await serveYubiKeyOath();
    break;
  case 'nitrokey3':
    await serveNitrokey3();
    break;
  default:
    fail(`unknown kind "${String(kind)}"`);
}

async function serveYubiKeyOtp(): Promise<void> {
  if (values.socket === undefined) fail('--socket PATH is required');
  const capture = values.capture === undefined ? null : new ReportCapture();
  const emulated = attempt(() => openEmulatedYubiKeyOtp({ ...stateOption, ...touchOption, ...(capture === null ? {} : { onFrame: capture.onFrame }) }));
  const server = await serveOnUnixSocket(values.socket, {
    device: capture === null ? emulated : capture.wrap(emulated),
    touch: () => {
      emulated.touch();
    },
  });
  process.stdout.write(`emulate: YubiKey OTP serial ${String(emulated.snapshot().serial)} listening on ${server.socketPath}\n`);
  stopSteps = [
    () => server.close(),
    () => emulated.close(),
    () => {
      if (capture !== null && values.capture !== undefined) writeFileSync(values.capture, `${JSON.stringify(capture.toJSON(), null, 2)}\n`);
    },
  ];
}

async function serveYubiKeyOath(): Promise<void> {
  const target = values.vpcd === undefined ? null : /^(.+):(\d{1,5})$/.exec(values.vpcd);
  if (target?.[1] === undefined || target[2] === undefined) fail('--vpcd HOST:PORT is required (vpcd\'s port: 35963 for slot 0 with Debian\'s reader.conf)');
  const firmware = values.firmware === undefined ? undefined : parseFirmware(values.firmware);
  const card = attempt(() => openEmulatedYubiKeyOath({ ...stateOption, ...touchOption, ...(firmware === undefined ? {} : { firmware }) }));
  const connection = await connectToVpcd(card, target[1], Number(target[2]), { retryForMs: 10_000 }).catch((error: unknown) =>
    fail(`cannot reach vpcd at ${String(values.vpcd)} (${error instanceof Error ? error.message : String(error)}): is pcscd running with the vpcd reader?`),
  );
  const { serial, firmware: version } = card.snapshot();
  process.stdout.write(`emulate: YubiKey OATH serial ${String(serial)} firmware ${version.join('.')} inserted in vpcd at ${String(values.vpcd)}\n`);
  stopSteps = [() => connection.close()];
  // pcscd went away (or the card was pulled): nothing left to serve.
  void connection.closed.then(() => stop(stopping ? 0 : 1));
}

async function serveNitrokey3(): Promise<void> {
  if (values.socket === undefined) fail('--socket PATH is required');
  const keepalives = values.keepalives === undefined ? undefined : Number(values.keepalives);
  if (keepalives !== undefined && !(Number.isInteger(keepalives) && keepalives > 0)) fail('--keepalives takes milliseconds');
  const key = attempt(() => openEmulatedNitrokey3({ ...stateOption, ...touchOption, ...(keepalives === undefined ? {} : { keepalives: { everyMs: keepalives } }) }));
  const server = await servePacketsOnUnixSocket(values.socket, key);
  process.stdout.write(`emulate: Nitrokey 3 serial ${key.snapshot().serial.toString(16).padStart(8, '0')} listening on ${server.socketPath}\n`);
  stopSteps = [() => server.close(), () => key.close()];
}

function parseFirmware(text: string): [number, number, number] {
  const match = /^(\d{1,2})\.(\d)\.(\d)$/.exec(text);
  if (match === null) fail(`--firmware "${text}" is not X.Y.Z (one digit for Y and Z, as ykman reads it)`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}
