import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { REPO_ROOT } from '../../../test-support/facts.js';
import { DEBIAN_PYTHON } from '../../../test-support/python-peer.js';
import { ReportCapture, type ReportCaptureJson } from '../report-capture.js';
import { serveOnUnixSocket } from '../socket-server.js';
import { openEmulatedYubiKeyOtp, type EmulatorState, type TouchPolicy } from '../yubikey-otp.js';

/**
 * The reports Yubico's yubikit sends for given operations, captured through the socket emulator:
 * what our driver's reports are compared with, for the same keys and options. Hex everywhere.
 */
export type YubikitOp =
  | { readonly op: 'status' }
  | { readonly op: 'serial' }
  | { readonly op: 'put-hmac'; readonly slot: 1 | 2; readonly key: string; readonly touch?: boolean; readonly lt64?: boolean; readonly accessCode?: string; readonly currentAccessCode?: string }
  | { readonly op: 'put-hotp'; readonly slot: 1 | 2; readonly key: string; readonly digits?: 6 | 8; readonly imf?: number; readonly accessCode?: string; readonly currentAccessCode?: string }
  | { readonly op: 'update'; readonly slot: 1 | 2; readonly appendCr?: boolean; readonly accessCode?: string; readonly currentAccessCode?: string }
  | { readonly op: 'delete'; readonly slot: 1 | 2; readonly currentAccessCode?: string }
  | { readonly op: 'swap' }
  /** `touchAfterMs`: a second connection sends a touch (0x03) that long after the challenge starts. */
  | { readonly op: 'challenge'; readonly slot: 1 | 2; readonly challenge: string; readonly touchAfterMs?: number };

const resultSchema = z.array(z.object({ op: z.string(), result: z.enum(['ok', 'rejected']) }).loose());

export interface YubikitCaptureResult extends ReportCaptureJson {
  /**
   * One per operation: `result` ok|rejected, `reports` {set, get} (how many feature reports yubikit
   * needed against this emulator, for the bench), plus serial / response / status fields.
   */
  readonly results: readonly z.infer<typeof resultSchema>[number][];
  /** The emulated key's state afterwards. */
  readonly state: EmulatorState;
}

export const YUBIKIT_DRIVER = join(REPO_ROOT, 'main', 'keys', 'emulators', 'yubikit_driver.py');

export async function captureYubikitReports(
  ops: readonly YubikitOp[],
  options: { initialState?: EmulatorState; touchPolicy?: TouchPolicy } = {},
): Promise<YubikitCaptureResult> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-yubikit-'));
  const capture = new ReportCapture();
  const key = openEmulatedYubiKeyOtp({
    touchPolicy: options.touchPolicy ?? { kind: 'auto' },
    onFrame: capture.onFrame,
    ...(options.initialState === undefined ? {} : { initialState: options.initialState }),
  });
  const server = await serveOnUnixSocket(join(dir, 'key.sock'), { device: capture.wrap(key), touch: () => key.touch() });
  try {
    const stdout = await runPython([YUBIKIT_DRIVER, server.socketPath, '--ops'], JSON.stringify(ops));
    return { ...capture.toJSON(), results: resultSchema.parse(JSON.parse(stdout)), state: key.snapshot() };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes `data` as `<name>.json` under $LATCHKEY_ARTIFACTS_DIR (default: the temp dir's latchkey-artifacts/). */
export function saveArtifact(name: string, data: unknown): string {
  const dir = process.env['LATCHKEY_ARTIFACTS_DIR'] ?? join(tmpdir(), 'latchkey-artifacts');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}

function runPython(args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(DEBIAN_PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`yubikit driver exited ${String(code)}:\n${stderr}`));
    });
    child.stdin.end(input);
  });
}
