import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A pcscd of our own, for tests and benchmarks that need a real PC/SC stack
 * (shared/protocols/yubikey-oath-pcsc.md §13). It lives beside the emulators rather than in
 * test-support because `npm run bench` (compiled without test-support) uses it too; the app never
 * imports it. Started in a private mount namespace (`unshare -m`) with a tmpfs over its socket folder, so
 * the machine's own pcscd (if any) is untouched and clients see only our readers; its readers are
 * vsmartcard's vpcd driver, where an emulated card connects over TCP as "inserted".
 *
 * Clients reach it two ways:
 * - `run(command, args)`: a program started inside the namespace (nsenter), as the sheet does it;
 * - `env`: PCSCLITE_CSOCK_NAME pointing at the socket through /proc/PID/root, for a client in this
 *   process or one spawned outside the namespace. libpcsclite reads it once, at its first context, so
 *   set it in process.env before the first PC/SC call and use one private pcscd per process.
 *
 * Needs root (unshare), pcscd and the vpcd driver; `privatePcscdMissing()` says what is absent.
 * `stop()` ends pcscd and every process `run` started; an exit hook does the same if a test dies.
 */

export const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
/** The reader name ykman needs to treat a card as a USB YubiKey 5 (sheet §13, "What ykman needs"). */
export const YUBIKEY_READER_FRIENDLY_NAME = 'Yubico YubiKey OTP+FIDO+CCID';

const PCSCD_CANDIDATES = ['/usr/sbin/pcscd', '/sbin/pcscd', '/usr/bin/pcscd'];

export interface PrivatePcscdOptions {
  /** FRIENDLYNAME of the vpcd reader; pcscd appends " 00 00" (slot 0) and " 00 01" (slot 1). */
  readonly friendlyName?: string;
  /** How long pcscd may take to create its socket (default 10 s). */
  readonly readyTimeoutMs?: number;
  /** pcscd `--apdu`: every APDU and answer in `log()` (how a benchmark counts another program's APDUs). */
  readonly logApdus?: boolean;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly timeoutMs?: number;
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Each piece of stderr as it comes, while the program still runs: how a test notices a prompt
   * (ykman's "Touch your YubiKey...") and acts on it before the program ends.
   */
  readonly onStderr?: (text: string) => void;
}

export interface PrivatePcscd {
  readonly pid: number;
  /** Slot 0's vpcd port on 127.0.0.1: a card connecting there is inserted in `readerName`. */
  readonly vpcdPort: number;
  /** The full PC/SC name of slot 0, e.g. "Yubico YubiKey OTP+FIDO+CCID 00 00". */
  readonly readerName: string;
  /** The daemon's socket as seen from outside the namespace. */
  readonly socketPath: string;
  readonly env: { readonly PCSCLITE_CSOCK_NAME: string };
  /** Its reader.conf folder (removed by stop()). */
  readonly configDir: string;
  /** Runs a program inside the namespace; killed (SIGKILL) after `timeoutMs` (default 60 s). */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** What pcscd printed so far (for a failing test's message). */
  log(): string;
  /** Ends every process this instance started and removes its config; safe to call twice. */
  stop(): Promise<void>;
}

/** The first missing piece as a sentence, or null when a private pcscd can be started here. */
export function privatePcscdMissing(): string | null {
  if (process.platform !== 'linux') return 'a private pcscd needs Linux';
  if (findPcscd() === null) return 'pcscd is not installed (Debian: apt install pcscd)';
  if (!existsSync(VPCD_DRIVER)) return `the vpcd reader driver ${VPCD_DRIVER} is missing (Debian: apt install vsmartcard-vpcd)`;
  for (const tool of ['unshare', 'nsenter']) {
    if (spawnSync('which', [tool]).status !== 0) return `${tool} is not on PATH (util-linux)`;
  }
  const probe = spawnSync('unshare', ['-m', '--propagation', 'private', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) return `unshare -m is not permitted here (${probe.stderr.trim() || `exit ${String(probe.status)}`}); run as root`;
  return null;
}

function findPcscd(): string | null {
  for (const candidate of PCSCD_CANDIDATES) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next place
    }
  }
  return null;
}

/**
 * `setpriv --pdeathsig KILL` before a command: the kernel kills it when this process dies, even by
 * SIGKILL (a test runner's timeout), when no exit hook can run. Empty where setpriv is missing.
 */
let setprivPresent: boolean | null = null;
function diesWithUs(): string[] {
  setprivPresent ??= spawnSync('which', ['setpriv']).status === 0;
  return setprivPresent ? ['setpriv', '--pdeathsig', 'KILL'] : [];
}

/** Processes of every live instance in this process: killed synchronously if the process exits first. */
const everyChild = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  everyChild.add(child);
  child.once('exit', () => everyChild.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const leftover of everyChild) leftover.kill('SIGKILL');
    });
  }
}

export async function startPrivatePcscd(options: PrivatePcscdOptions = {}): Promise<PrivatePcscd> {
  const missing = privatePcscdMissing();
  if (missing !== null) throw new Error(missing);
  const pcscdPath = findPcscd() ?? 'pcscd';
  const friendlyName = options.friendlyName ?? YUBIKEY_READER_FRIENDLY_NAME;
  const port = await freePortPair();
  const configDir = mkdtempSync(join(tmpdir(), 'latchkey-pcscd-'));
  writeFileSync(join(configDir, 'vpcd'), readerConf(friendlyName, port));

  // The tmpfs goes over /run/pcscd when the folder exists, else over /run (then the folder is made
  // inside it): either way nothing is written to the machine's /run.
  const script = [
    'set -e',
    'if [ -d /run/pcscd ]; then mount -t tmpfs -o mode=0755 tmpfs /run/pcscd; else mount -t tmpfs -o mode=0755 tmpfs /run; mkdir /run/pcscd; fi',
    `exec ${pcscdPath} --foreground --config "$1"${options.logApdus === true ? ' --apdu' : ''}`,
  ].join('\n');
  const daemon = spawn('unshare', ['-m', '--propagation', 'private', ...diesWithUs(), 'sh', '-c', script, 'sh', configDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  track(daemon);
  let output = '';
  daemon.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  daemon.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const pid = daemon.pid;
  const runs = new Set<ChildProcess>();
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const child of runs) child.kill('SIGKILL');
    if (daemon.exitCode === null && daemon.signalCode === null) {
      const exited = new Promise<void>((resolve) => daemon.once('exit', () => { resolve(); }));
      daemon.kill('SIGTERM');
      const timer = setTimeout(() => daemon.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(configDir, { recursive: true, force: true });
  };

  if (pid === undefined) {
    await stop();
    throw new Error('could not start unshare/pcscd');
  }
  const socketPath = `/proc/${String(pid)}/root/run/pcscd/pcscd.comm`;
  try {
    await waitFor(() => existsSync(socketPath) && listening(pid, port), options.readyTimeoutMs ?? 10_000, () => daemon.exitCode !== null);
  } catch (error) {
    await stop();
    throw new Error(`private pcscd did not come up (${error instanceof Error ? error.message : String(error)}):\n${output}`);
  }

  return {
    pid,
    vpcdPort: port,
    readerName: `${friendlyName} 00 00`,
    socketPath,
    env: { PCSCLITE_CSOCK_NAME: socketPath },
    configDir,
    log: () => output,
    stop,
    run: (command, args, runOptions = {}) => {
      if (stopped) return Promise.reject(new Error('the private pcscd is stopped'));
      const child = spawn('nsenter', ['-t', String(pid), '-m', '--', ...diesWithUs(), command, ...args], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, ...runOptions.env },
      });
      track(child);
      runs.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        stderr += text;
        runOptions.onStderr?.(text);
      });
      child.stdin.end(runOptions.input ?? '');
      const timer = setTimeout(() => child.kill('SIGKILL'), runOptions.timeoutMs ?? 60_000);
      return new Promise<RunResult>((resolve, reject) => {
        child.once('error', (error) => {
          clearTimeout(timer);
          runs.delete(child);
          reject(error);
        });
        child.once('close', (code, signal) => {
          clearTimeout(timer);
          runs.delete(child);
          resolve({ code, signal, stdout, stderr });
        });
      });
    },
  };
}

/** Debian's /etc/reader.conf.d/vpcd with our name and port (sheet §13, "Private pcscd for tests"). */
function readerConf(friendlyName: string, port: number): string {
  const hex = `0x${port.toString(16).toUpperCase()}`;
  return [
    `FRIENDLYNAME "${friendlyName}"`,
    `DEVICENAME   /dev/null:${hex}`,
    `LIBPATH      ${VPCD_DRIVER}`,
    `CHANNELID    ${hex}`,
    '',
  ].join('\n');
}

/**
 * vpcd listens on the configured port (slot 0) and the next (slot 1), on all interfaces: pick a pair
 * nobody holds, so parallel test files each get their own daemon.
 */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    if ((await portFree(base)) && (await portFree(base + 1))) return base;
  }
  throw new Error('no free TCP port pair for vpcd');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => { resolve(false); });
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => {
      server.close(() => { resolve(true); });
    });
  });
}

/** True once pcscd's vpcd driver listens on `port` (read from /proc/net/tcp of its network namespace). */
function listening(pid: number, port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['tcp', 'tcp6']) {
    try {
      const lines = readFileSync(`/proc/${String(pid)}/net/${table}`, 'utf8').split('\n');
      // local_address is "ADDR:PORT"; state 0A = LISTEN
      if (lines.some((line) => line.trim().split(/\s+/)[1]?.endsWith(`:${hexPort}`) === true && line.trim().split(/\s+/)[3] === '0A')) return true;
    } catch {
      // the table may be absent (no IPv6)
    }
  }
  return false;
}

async function waitFor(ready: () => boolean, timeoutMs: number, died: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (died()) throw new Error('pcscd exited');
    if (Date.now() > deadline) throw new Error(`not ready after ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
