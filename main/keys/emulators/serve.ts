import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ReportCapture } from './report-capture.js';
import { serveOnUnixSocket } from './socket-server.js';
import { openEmulatedYubiKeyOtp, parseTouchPolicy } from './yubikey-otp.js';

/**
 * `npm run emulate -- yubikey-otp --socket PATH [--state FILE] [--touch auto|never|after:MS] [--capture FILE]`
 *
 * Serves an emulated YubiKey OTP interface on a UNIX socket (protocol in socket-server.ts). With
 * --state the key persists to FILE on every change; --capture writes every report and decoded
 * frame as JSON when the server stops. Stops cleanly on SIGTERM or SIGINT, removing the socket.
 */
const USAGE = 'usage: npm run emulate -- yubikey-otp --socket PATH [--state FILE] [--touch auto|never|after:MS] [--capture FILE]';

function fail(message: string): never {
  process.stderr.write(`emulate: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: { socket: { type: 'string' }, state: { type: 'string' }, touch: { type: 'string' }, capture: { type: 'string' } },
  });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const { positionals, values } = args;
if (positionals.length !== 1 || positionals[0] !== 'yubikey-otp') fail('the one kind served so far is yubikey-otp');
if (values.socket === undefined) fail('--socket PATH is required');

const capture = values.capture === undefined ? null : new ReportCapture();
let key;
try {
  key = openEmulatedYubiKeyOtp({
    ...(values.state === undefined ? {} : { stateFile: values.state }),
    ...(values.touch === undefined ? {} : { touchPolicy: parseTouchPolicy(values.touch) }),
    ...(capture === null ? {} : { onFrame: capture.onFrame }),
  });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const emulated = key;
const server = await serveOnUnixSocket(values.socket, {
  device: capture === null ? emulated : capture.wrap(emulated),
  touch: () => {
    emulated.touch();
  },
});
process.stdout.write(`emulate: YubiKey OTP serial ${String(emulated.snapshot().serial)} listening on ${server.socketPath}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.close();
  await emulated.close();
  if (capture !== null && values.capture !== undefined) writeFileSync(values.capture, `${JSON.stringify(capture.toJSON(), null, 2)}\n`);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
