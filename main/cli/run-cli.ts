import { CommanderError, type Command } from 'commander';
import { createClient } from '../../shared/client.js';
import { exitCodeFor, LatchkeyError } from '../../shared/errors.js';
import { commandScreenCapture, createService, defaultVaultPath, systemClock, type Clock, type Devices, type Service, type ServiceDeps, type UserPrompts } from '../service/index.js';
import { connectionFor, globalOptionsOf, type Connection } from './context.js';
import type { CliIo } from './io.js';
import { NotedError } from './noted-error.js';
import { printError } from './output.js';
import { buildProgram } from './program.js';
import { packageVersion } from './version.js';

/**
 * The CLI runs from the user's own shell: `scan --screen` is itself the consent to capture, and every
 * path comes from the command line, so there is nothing to pick.
 */
const CLI_PROMPTS: UserPrompts = {
  pickPath: () => Promise.resolve(undefined),
  confirmCapture: () => Promise.resolve(true),
};

export interface CliOptions {
  readonly clock?: Clock;
  /** Where security keys are found instead of node-hid or `--emulator` (tests: a key with a fault). */
  readonly keyDevices?: Devices;
  /** The vault's key derivation (main.ts: one a head start may answer, kdf-head-start.ts); the service's own by default. */
  readonly deriveKey?: ServiceDeps['deriveKey'];
}

/** Runs one CLI invocation in-process and returns its exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo, options: CliOptions = {}): Promise<number> {
  // Read before parsing, so even a usage error is reported in the form the caller asked for.
  const json = argv.includes('--json');
  let internalError: unknown;
  const services: Service[] = [];
  const connect = (command: Command): Connection => {
    const globals = globalOptionsOf(command);
    const service = createService({
      clock: options.clock ?? systemClock,
      vaultPath: globals.vault ?? defaultVaultPath(io.env),
      capture: commandScreenCapture(io.env),
      prompts: CLI_PROMPTS,
      appVersion: `latchkey ${packageVersion()}`,
      dailyBackups: false,
      ...(options.deriveKey === undefined ? {} : { deriveKey: options.deriveKey }),
      // A touch is asked for with --json too: someone must touch the key (stdout stays JSON).
      onProgress: (message, detail) => {
        if (!globals.json || detail?.needsTouch === true) io.writeErr(`latchkey: ${message}\n`);
      },
      onInternalError: (error) => {
        internalError = error;
      },
      keys: {
        emulators: globals.emulator,
        // --trace: every HID report, as sent and received, one line each.
        ...(globals.trace ? { trace: (line: string) => { io.writeErr(`${line}\n`); } } : {}),
        ...(options.keyDevices === undefined ? {} : { devices: options.keyDevices }),
      },
    });
    // A command that names its operation (so Ctrl-C can cancel it) hears its progress as events: the
    // same one line on stderr as the stages of unnamed ones ("Touch your YubiKey…").
    // A touch is asked for even with --json (stderr stays out of the JSON): someone must touch the key.
    service.onEvent((name, payload) => {
      if (name !== 'op.progress') return;
      const { stage, needsTouch } = payload as { stage: string; needsTouch?: boolean };
      if (!globals.json || needsTouch === true) io.writeErr(`latchkey: ${stage}\n`);
    });
    services.push(service);
    return connectionFor(
      createClient((channel, payload) => service.dispatch(channel, payload)),
      globals,
      io,
    );
  };
  const program = buildProgram({ io, connect });

  let code = await runProgram(program, argv, io, json, () => internalError);
  // A change made by this command is backed up now if automatic backups are on: no timer outlives us.
  // A backup that fails makes the command fail too (the change itself is saved; the message says so).
  for (const service of services) {
    try {
      await service.flush();
    } catch (error) {
      const info = error instanceof LatchkeyError ? error.toInfo() : { code: 'IO_ERROR' as const, message: 'the change was saved, but the automatic backup failed' };
      if (code === 0) code = printError(io, json, info);
      else io.writeErr(`latchkey: warning: ${info.message}\n`);
    }
  }
  for (const service of services) service.lock();
  return code;
}

async function runProgram(program: Command, argv: readonly string[], io: CliIo, json: boolean, internalError: () => unknown): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      // Help printed because a command group was called bare: commander already wrote it to stderr.
      if (error.code === 'commander.help') return exitCodeFor('USAGE');
      return printError(io, json, { code: 'USAGE', message: error.message.replace(/^error: /, '') });
    }
    if (error instanceof LatchkeyError) {
      if (error.code === 'INTERNAL') reportBug(io, internalError());
      const exitCode = printError(io, json, error.toInfo());
      if (!json && error instanceof NotedError) for (const note of error.notes) io.writeErr(`latchkey: ${note}\n`);
      return exitCode;
    }
    reportBug(io, error);
    return printError(io, json, { code: 'INTERNAL', message: 'an unexpected internal error occurred' });
  }
}

/** A bug, not a user mistake: the one case where a stack trace is printed. */
function reportBug(io: CliIo, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.writeErr(`latchkey: this is a bug in Latchkey; please report it with the lines below.\n${detail}\n`);
}
