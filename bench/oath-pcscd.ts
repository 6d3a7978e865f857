import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { oathCardStateToJson, type OathCardState } from '../main/keys/emulators/yubikey-oath.js';
import { privatePcscdMissing, startPrivatePcscd, type PrivatePcscd } from '../main/keys/emulators/pcscd/private-pcscd.js';
import { startEmulatorProcess, type EmulatorProcess } from '../main/keys/emulators/serve-process.js';
import { OathSession, yubikeyDialect } from '../main/keys/oath/index.js';
import { createSmartcardBackend, loadSmartcard, withPcscCard, type PcscBackend } from '../main/keys/pcsc/index.js';
import { CREDENTIAL_COUNT, countingTransport, measureOathOperations, median, type KeyUnderTest, type OathCosts } from './oath-operations.js';

/**
 * The emulated YubiKey OATH card through the real PC/SC stack: a private pcscd (own mount
 * namespace), vsmartcard's vpcd reader, and the card served by the compiled `serve.js` (what
 * `npm run emulate -- yubikey-oath --vpcd` runs) in a child process: the smartcard addon's
 * synchronous calls wait on pcscd, which waits on the card, so the card cannot share our event loop.
 *
 * Measured: our PcscApduTransport + OathSession per operation (connect, SELECT, the command,
 * disconnect with reset), then whole processes through the same pcscd: `ykman oath accounts list`
 * and `code`, a node process doing the same with our driver (oath-pcsc-once.ts), `latchkey keys
 * credentials --emulator yubikey-oath:FILE` (the CLI's card is in its own process, behind no pcscd),
 * and each side's start-up floor (`ykman --version`, `python3 -c ''`, `node -e ''`, `latchkey --version`).
 * APDUs of other programs are counted in pcscd's `--apdu` log.
 */

const SERVE_JS = fileURLToPath(new URL('../main/keys/emulators/serve.js', import.meta.url));
const ONCE_JS = fileURLToPath(new URL('./oath-pcsc-once.js', import.meta.url));
const LATCHKEY_JS = fileURLToPath(new URL('../../bin/latchkey.js', import.meta.url));
const SESSION_RUNS = 21;
const PROCESS_RUNS = 7;

/** Everything this part measured. */
export interface PcscdFigures {
  readonly ours: OathCosts;
  /** pcscd's own count of the APDUs in one of our sessions (cross-checks the counting transport). */
  readonly oursSeenByPcscd: { readonly list: number; readonly calculateAll: number };
  /** Median card round trip per APDU as pcscd logged it: the vpcd link's cost, paid by every client. */
  readonly apduRoundTripMs: number;
  readonly processes: ProcessFigures;
}

/** A whole process: its median time and the APDUs pcscd saw it send to the card. */
export interface ProcessCost {
  readonly medianMs: number;
  readonly apdus: number;
}

export interface ProcessFigures {
  readonly node: { readonly list: ProcessCost; readonly code: ProcessCost; readonly bare: ProcessCost };
  /** `latchkey keys credentials --emulator yubikey-oath:FILE` (its card in process, no pcscd) and `latchkey --version`. */
  readonly latchkey: { readonly credentials: ProcessCost; readonly version: ProcessCost };
  readonly ykman: { readonly list: ProcessCost; readonly code: ProcessCost; readonly version: ProcessCost; readonly python: ProcessCost } | null;
}

/** Why the pcscd rows cannot run here, or null. */
export async function pcscdBenchMissing(): Promise<string | null> {
  const missing = privatePcscdMissing();
  if (missing !== null) return missing;
  return loadSmartcard().then(
    () => null,
    (error: unknown) => `the smartcard addon did not load (${error instanceof Error ? error.message : String(error)})`,
  );
}

/** Serves `filled` (a card holding the 32 bench credentials) through a private pcscd and measures. */
export async function measureThroughPcscd(filled: OathCardState): Promise<PcscdFigures> {
  const home = mkdtempSync(join(tmpdir(), 'latchkey-bench-oath-'));
  const stateFile = join(home, 'card.json');
  writeFileSync(stateFile, oathCardStateToJson(filled), { mode: 0o600 });
  let pcscd: PrivatePcscd | undefined;
  let served: EmulatorProcess | undefined;
  const socketBefore = process.env['PCSCLITE_CSOCK_NAME'];
  try {
    // --apdu: pcscd logs every APDU, so another program's (ykman's) can be counted too.
    pcscd = await startPrivatePcscd({ logApdus: true });
    // libpcsclite reads this at its first context: before the backend's first call.
    process.env['PCSCLITE_CSOCK_NAME'] = pcscd.env.PCSCLITE_CSOCK_NAME;
    const backend = createSmartcardBackend();
    served = await startEmulatorProcess([process.execPath, SERVE_JS], ['yubikey-oath', '--vpcd', `127.0.0.1:${String(pcscd.vpcdPort)}`, '--state', stateFile]);
    await waitForCard(backend, pcscd);
    const key = pcscKey(backend, pcscd.readerName);
    const oursSeenByPcscd = {
      list: await apdusSeenByPcscd(pcscd, () => key.withSession((session) => session.list())),
      calculateAll: await apdusSeenByPcscd(pcscd, () => key.withSession((session) => session.calculateAll())),
    };
    const logStart = pcscd.log().length;
    const ours = await measureOathOperations(key, SESSION_RUNS);
    const apduRoundTripMs = median(roundTripsMs(pcscd.log().slice(logStart)));
    const processes = await measureProcesses(pcscd, home, filled);
    return { ours, oursSeenByPcscd, apduRoundTripMs, processes };
  } finally {
    await served?.stop();
    await pcscd?.stop();
    if (socketBefore === undefined) delete process.env['PCSCLITE_CSOCK_NAME'];
    else process.env['PCSCLITE_CSOCK_NAME'] = socketBefore;
    rmSync(home, { recursive: true, force: true });
  }
}

function pcscKey(backend: PcscBackend, reader: string): KeyUnderTest {
  return {
    withSession: (work) =>
      withPcscCard(backend, reader, async (transport) => {
        const counted = countingTransport(transport);
        const result = await work(await OathSession.open(counted.transport, yubikeyDialect));
        return { result, exchanges: { apdus: counted.apdus() } };
      }),
  };
}

async function waitForCard(backend: PcscBackend, pcscd: PrivatePcscd): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await backend.listReaders()).some((reader) => reader.name === pcscd.readerName && reader.cardPresent)) {
    if (Date.now() > deadline) throw new Error(`the served card never showed up in ${pcscd.readerName}:\n${pcscd.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Whole processes started inside the namespace (nsenter + setpriv, the same launch for every one),
 * interleaved run by run so a change in the machine's load falls on all of them alike; medians of
 * PROCESS_RUNS after one warm-up round (page cache, Python's bytecode cache), in which pcscd's log
 * counts each one's APDUs. Each listing and each page of codes is checked to name all 32 credentials.
 */
async function measureProcesses(pcscd: PrivatePcscd, home: string, filled: OathCardState): Promise<ProcessFigures> {
  const reader = pcscd.readerName;
  const ykmanPresent = spawnSync('which', ['ykman']).status === 0;
  const cli = latchkeyCli(home, filled);
  const commands: Record<string, TimedCommand> = {
    latchkeyCredentials: { command: process.execPath, args: cli.credentials, lines: CREDENTIAL_COUNT + 1, env: cli.env },
    latchkeyVersion: { command: process.execPath, args: [LATCHKEY_JS, '--version'], lines: null, env: cli.env },
    nodeList: { command: process.execPath, args: [ONCE_JS, reader, 'list'], lines: CREDENTIAL_COUNT },
    nodeCode: { command: process.execPath, args: [ONCE_JS, reader, 'code'], lines: CREDENTIAL_COUNT },
    nodeBare: { command: process.execPath, args: ['-e', ''], lines: null },
    ...(ykmanPresent
      ? {
          ykmanList: { command: 'ykman', args: ['--reader', reader, 'oath', 'accounts', 'list'], lines: CREDENTIAL_COUNT },
          ykmanCode: { command: 'ykman', args: ['--reader', reader, 'oath', 'accounts', 'code'], lines: CREDENTIAL_COUNT },
          ykmanVersion: { command: 'ykman', args: ['--version'], lines: null },
          python: { command: '/usr/bin/python3', args: ['-c', ''], lines: null },
        }
      : {}),
  };
  const times = new Map<string, number[]>();
  const apdus = new Map<string, number>();
  for (let run = 0; run <= PROCESS_RUNS; run++) {
    for (const [name, command] of Object.entries(commands)) {
      if (run === 0) apdus.set(name, await apdusSeenByPcscd(pcscd, () => timeProcess(pcscd, command, { HOME: home, ...command.env })));
      else times.set(name, [...(times.get(name) ?? []), await timeProcess(pcscd, command, { HOME: home, ...command.env })]);
    }
  }
  const cost = (name: string): ProcessCost => ({ medianMs: median(times.get(name) ?? []), apdus: apdus.get(name) ?? 0 });
  // The CLI's emulated card is in its own process, not behind pcscd: its --trace counts the APDUs.
  apdus.set('latchkeyCredentials', cli.tracedApdus());
  return {
    node: { list: cost('nodeList'), code: cost('nodeCode'), bare: cost('nodeBare') },
    latchkey: { credentials: cost('latchkeyCredentials'), version: cost('latchkeyVersion') },
    ykman: ykmanPresent ? { list: cost('ykmanList'), code: cost('ykmanCode'), version: cost('ykmanVersion'), python: cost('python') } : null,
  };
}

interface TimedCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** Lines it must print (one per credential), or null to take any output. */
  readonly lines: number | null;
  readonly env?: Readonly<Record<string, string>>;
}

/** `env` always moves HOME apart: ykman neither reads nor writes the user's remembered passwords. */
async function timeProcess(pcscd: PrivatePcscd, { command, args, lines }: TimedCommand, env: Readonly<Record<string, string>>): Promise<number> {
  const start = performance.now();
  const result = await pcscd.run(command, args, { timeoutMs: 60_000, env });
  const elapsed = performance.now() - start;
  const what = `${command} ${args.join(' ')}`;
  if (result.code !== 0) throw new Error(`${what} failed (${String(result.code)}): ${result.stderr}`);
  const printed = result.stdout.trim().split('\n').length;
  if (lines !== null && printed !== lines) throw new Error(`${what} printed ${String(printed)} lines, expected ${String(lines)}:\n${result.stdout}`);
  return elapsed;
}

/** pcscd --apdu logs "APDU: …" for each command it passes to the card and "SW: …" for the answer. */
const APDU_LINE = /^\d{8} APDU: /gm;
/** The answer's line starts with the microseconds since the previous log line (the command's). */
const ANSWER_LINE = /^(\d{8}) SW: /gm;

/** The APDUs pcscd passed to the card while `work` ran (its log read after a short settle: it arrives through a pipe). */
async function apdusSeenByPcscd(pcscd: PrivatePcscd, work: () => Promise<unknown>): Promise<number> {
  const before = pcscd.log().length;
  await work();
  await new Promise((resolve) => setTimeout(resolve, 200));
  return pcscd.log().slice(before).match(APDU_LINE)?.length ?? 0;
}

function roundTripsMs(log: string): number[] {
  return [...log.matchAll(ANSWER_LINE)].map((match) => Number(match[1]) / 1000);
}

/**
 * `latchkey keys credentials` on its own emulated card (`--emulator yubikey-oath:FILE`, a copy of the
 * filled card: the CLI's PC/SC backend over the emulator, in the CLI's process), in a home of its own
 * so no real vault or setting is read. `tracedApdus` runs it once with `--trace` and counts the APDUs.
 */
function latchkeyCli(home: string, filled: OathCardState): { credentials: string[]; env: Record<string, string>; tracedApdus(): number } {
  const cardFile = join(home, 'cli-card.json');
  writeFileSync(cardFile, oathCardStateToJson(filled), { mode: 0o600 });
  const env = { HOME: home, XDG_DATA_HOME: join(home, 'xdg-data'), XDG_CONFIG_HOME: join(home, 'xdg-config'), LATCHKEY_HOME: join(home, 'latchkey') };
  const credentials = [LATCHKEY_JS, 'keys', 'credentials', '--emulator', `yubikey-oath:${cardFile}`];
  return {
    credentials,
    env,
    tracedApdus: () => {
      const traced = spawnSync(process.execPath, [...credentials, '--trace'], { env: { ...process.env, ...env }, encoding: 'utf8' });
      if (traced.status !== 0) throw new Error(`latchkey keys credentials --trace failed: ${traced.stderr}`);
      return traced.stderr.split('\n').filter((line) => line.startsWith('pcsc > ')).length;
    },
  };
}
