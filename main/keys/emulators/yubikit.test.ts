import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { REPO_ROOT } from '../../test-support/facts.js';
import { DEBIAN_PYTHON, peerAvailable, pythonHas } from '../../test-support/python-peer.js';
import type { ReportCaptureJson } from './report-capture.js';
import { frameReports, hex, transact, unhex } from './test-support/otp-host.js';
import { saveArtifact, YUBIKIT_DRIVER } from './test-support/yubikit-capture.js';
import { openEmulatedYubiKeyOtp } from './yubikey-otp.js';

/**
 * Yubico's own host software proves the emulator: yubikit (Debian python3-ykman) drives
 * `npm run emulate`'s program over its UNIX socket, then the same state file is opened here.
 * Under CI=true a missing yubikit fails this test; elsewhere it is skipped.
 */
const available = peerAvailable('yubikit');

const challengeResult = z.union([
  z.object({ rejected: z.literal(true) }),
  z.object({ length: z.number(), response: z.string(), matchesPythonHmac: z.boolean(), matchesLt64Model: z.boolean(), touchPrompted: z.boolean() }),
]);
const slotState = z.object({ configured: z.tuple([z.boolean(), z.boolean()]), touch: z.tuple([z.boolean(), z.boolean()]) });
const frameStep = z
  .object({
    op: z.enum(['serial', 'put', 'challenge', 'swap', 'delete', 'update']),
    slot: z.number().optional(),
    config: z.string().optional(),
    curAccCode: z.string().nullable().optional(),
    challenge: z.string().optional(),
    result: z.enum(['ok', 'rejected']).optional(),
  })
  .loose();
const driverOutput = z.object({
  frames: z.array(frameStep),
  version: z.string(),
  serial: z.number(),
  initial: slotState,
  initialPgmSeq: z.number(),
  keys: z.object({ k1: z.string(), k2: z.string(), k3: z.string(), accessCode: z.string(), imf: z.number() }),
  hotpCodes: z.array(z.string()),
  slot2Challenges: z.array(challengeResult),
  stateAfterPuts: slotState,
  touchChallenge: challengeResult,
  afterSwap: z.object({ slot1: challengeResult, slot2: challengeResult, state: slotState }),
  afterDelete: z.object({ slot2: challengeResult, state: slotState }),
  wrongCode: z.object({ reprogram: z.string(), reprogramWithoutCode: z.string(), delete: z.string() }),
  pgmSeqAfterWrongCodes: z.number(),
  final: z.object({ state: slotState, pgmSeq: z.number(), slot2: challengeResult }),
});
type DriverOutput = z.infer<typeof driverOutput>;

function startServer(args: string[]): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/keys/emulators/serve.ts', 'yubikey-otp', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code); }));
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) resolve({ child, exited });
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => { reject(new Error(`emulator exited (${String(code)}) before listening:\n${output}`)); });
  });
}

function runDriver(socketPath: string): Promise<DriverOutput> {
  return new Promise((resolve, reject) => {
    execFile(DEBIAN_PYTHON, [YUBIKIT_DRIVER, socketPath], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`yubikit driver failed: ${error.message}\n${stderr}`));
      else resolve(driverOutput.parse(JSON.parse(stdout)));
    });
  });
}

const ok = (r: z.infer<typeof challengeResult>) => ('rejected' in r ? null : r);

if (!peerAvailable('yubikit')) it.skip('skipped: Yubico yubikit is not installed for /usr/bin/python3 (apt install python3-ykman)');

describe.skipIf(!available)('Yubico yubikit drives the socket emulator', () => {
  let dir = '';
  let stateFile = '';
  let captureFile = '';
  let socketPath = '';
  let driver: DriverOutput;
  let exitCode: number | null;

  beforeAll(async () => {
    expect(pythonHas('yubikit'), 'yubikit is missing: install Debian python3-ykman (.ci/run does)').toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'latchkey-yubikit-'));
    stateFile = join(dir, 'key.json');
    captureFile = join(dir, 'capture.json');
    socketPath = join(dir, 'key.sock');
    const server = await startServer(['--socket', socketPath, '--state', stateFile, '--capture', captureFile, '--touch', 'auto']);
    try {
      driver = await runDriver(socketPath);
    } finally {
      server.child.kill('SIGTERM');
      exitCode = await server.exited;
    }
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the server stopped cleanly on SIGTERM and removed its socket', () => {
    expect(exitCode).toBe(0);
    expect(existsSync(socketPath)).toBe(false);
  });

  it('status, version and serial as yubikit reads them', () => {
    expect(driver.version).toBe('5.4.3');
    expect(driver.initial).toEqual({ configured: [true, false], touch: [true, false] });
    expect(driver.initialPgmSeq).toBe(1);
    expect(driver.serial).toBe(openEmulatedYubiKeyOtp({ stateFile }).snapshot().serial);
  });

  it('HMAC-SHA1 answers match Python hmac (a 64-byte challenge follows the HMAC_LT64 rule)', () => {
    for (const result of driver.slot2Challenges.map(ok)) {
      expect(result).not.toBeNull();
      if (result === null) continue;
      expect(result.matchesLt64Model).toBe(true);
      expect(result.matchesPythonHmac).toBe(result.length < 64);
      expect(result.touchPrompted).toBe(false);
    }
    expect(ok(driver.touchChallenge)).toMatchObject({ matchesPythonHmac: true, touchPrompted: true });
    expect(driver.stateAfterPuts).toEqual({ configured: [true, true], touch: [false, false] });
  });

  it('swap, delete, access codes and update as yubikit sees them', () => {
    expect(ok(driver.afterSwap.slot1)).toMatchObject({ matchesPythonHmac: true, touchPrompted: false });
    expect(ok(driver.afterSwap.slot2)).toMatchObject({ matchesPythonHmac: true, touchPrompted: true });
    expect(driver.afterDelete.slot2).toEqual({ rejected: true });
    expect(driver.afterDelete.state.configured).toEqual([true, false]);
    expect(driver.wrongCode).toEqual({ reprogram: 'rejected', reprogramWithoutCode: 'rejected', delete: 'rejected' });
    // Rejected writes leave pgmSeq where five writes (two puts, swap, delete, put) took it.
    expect(driver.pgmSeqAfterWrongCodes).toBe(driver.initialPgmSeq + 5);
    expect(driver.final.state).toEqual({ configured: [true, true], touch: [true, false] });
    expect(ok(driver.final.slot2)).toMatchObject({ matchesPythonHmac: true });
  });

  it('the state file agrees: slots, secrets, access code, HOTP counter, pgmSeq', async () => {
    const key = openEmulatedYubiKeyOtp({ stateFile });
    const state = key.snapshot();
    const writes = driver.frames.filter((f) => ['put', 'delete', 'swap', 'update'].includes(f.op) && f.result !== 'rejected').length;
    expect(state.pgmSeq).toBe(driver.initialPgmSeq + writes);
    expect(state.pgmSeq).toBe(driver.final.pgmSeq);
    const { k2, k3, accessCode, imf } = driver.keys;
    const imfField = (imf / 16).toString(16).padStart(4, '0');
    expect(state.slots[0]).toEqual({
      fixed: '00'.repeat(16),
      uid: `${k3.slice(32)}${imfField}`,
      key: k3.slice(0, 32),
      accessCode,
      fixedSize: 0,
      extFlags: 0x34,
      tktFlags: 0x40, // OATH_HOTP; the update cleared APPEND_CR
      cfgFlags: 0x42,
      counter: imf + 3, // three touches over the socket typed three codes
    });
    expect(state.slots[1]).toMatchObject({ key: k2.slice(0, 32), uid: `${k2.slice(32)}0000`, cfgFlags: 0x26, tktFlags: 0x40 });
    expect(key.typeOtp(1)).toBe(driver.hotpCodes[3]);
    const block = new Uint8Array(64);
    block.set(Buffer.from('final'));
    const answer = await transact(key, 0x38, block);
    const final = ok(driver.final.slot2);
    expect(answer.kind === 'data' && hex(answer.data.subarray(0, 20))).toBe(final?.response);
  });

  it('every frame yubikit sent is the one the emulator decoded (capture saved for driver comparison)', () => {
    const capture = JSON.parse(readFileSync(captureFile, 'utf8')) as ReportCaptureJson;
    expect(capture.frames).toHaveLength(driver.frames.length);
    const rows = driver.frames.map((step, index) => {
      const frame = capture.frames[index];
      if (frame === undefined) throw new Error(`no frame ${String(index)}`);
      const payload = unhex(frame.payloadHex);
      // What the sheet says those reports must be, from the decoded frame: yubikit agrees.
      expect(frame.hostReports).toEqual(frameReports(frame.command, payload).map(hex));
      expect(frame.crcValid).toBe(true);
      expect(frame.outcome.startsWith('rejected')).toBe(step.result === 'rejected');
      const slotCommand = (one: number, two: number) => (step.slot === 1 ? one : two);
      switch (step.op) {
        case 'serial':
          expect(frame.command).toBe(0x10);
          break;
        case 'put':
          expect(frame.command).toBe(slotCommand(0x01, 0x03));
          expect(frame.payloadHex.slice(0, 104)).toBe(step.config);
          expect(frame.payloadHex.slice(104, 116)).toBe(step.curAccCode ?? '000000000000');
          break;
        case 'delete':
          expect(frame.command).toBe(slotCommand(0x01, 0x03));
          expect(frame.payloadHex.slice(0, 104)).toBe('00'.repeat(52));
          break;
        case 'update':
          expect(frame.command).toBe(slotCommand(0x04, 0x05));
          break;
        case 'swap':
          expect(frame.command).toBe(0x06);
          break;
        case 'challenge':
          expect(frame.command).toBe(slotCommand(0x30, 0x38));
          expect(frame.payloadHex.startsWith(step.challenge ?? '')).toBe(true);
      }
      return { ...step, command: frame.command, hostReports: frame.hostReports, outcome: frame.outcome };
    });
    const artifact = saveArtifact('yubikit-otp-reports', { source: 'yubikit (Debian python3-ykman) via the socket emulator', keys: driver.keys, frames: rows, conversation: capture.conversation });
    console.log(`yubikit's reports for fresh random keys: ${artifact}`);
  });
});
