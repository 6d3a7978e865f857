import { statSync } from 'node:fs';
import { defaultVaultPath } from '../service/paths.js';
import type { KdfHeadStart } from '../vault/kdf-head-start.js';
import { readPasswordFile } from './password-source.js';

/**
 * The CLI's side of the KDF head start (main/vault/kdf-head-start.ts, issue 14): which command lines
 * get one. `code QUERY` and `list` unlock with the vault password before anything else; given the
 * password by file, the vault's Argon2id can start before the rest of the CLI loads.
 */
export interface HeadStartPlan {
  readonly vaultPath: string;
  readonly passwordFile: string;
}

/** Global options that take a value (globals.ts): the command is the first word that is none of their values. */
const VALUE_OPTIONS = new Set(['--vault', '--password-file', '--password-command', '--recovery-key-file', '--emulator', '--key']);
/** Commands that always unlock with the vault password first. */
const UNLOCKING_COMMANDS = new Set(['code', 'list']);
/** Flags under which those commands unlock another way, or not at all. */
const NO_HEAD_START = new Set(['--secret', '--uri', '--recovery-key-file', '--password-command', '--help', '-h']);

/** The head start for this command line, when it is one that unlocks with a password file. */
export function headStartPlan(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): HeadStartPlan | undefined {
  const values = new Map<string, string>();
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? '';
    const equals = word.startsWith('--') ? word.indexOf('=') : -1;
    const flag = equals > 0 ? word.slice(0, equals) : word;
    if (NO_HEAD_START.has(flag)) return undefined;
    if (VALUE_OPTIONS.has(flag)) {
      const value = equals > 0 ? word.slice(equals + 1) : argv[++i];
      if (value === undefined) return undefined;
      values.set(flag, value);
    } else if (command === undefined && !word.startsWith('-')) command = word;
  }
  if (command === undefined || !UNLOCKING_COMMANDS.has(command)) return undefined;
  const passwordFile = values.get('--password-file') ?? env['LATCHKEY_PASSWORD_FILE'];
  // "-" is standard input: read once, by the command itself.
  if (passwordFile === undefined || passwordFile === '' || passwordFile === '-') return undefined;
  return { vaultPath: values.get('--vault') ?? defaultVaultPath(env), passwordFile };
}

/**
 * Starts the head start for `plan`, or nothing: a password file that can't be read is the command's to
 * report. Only a regular file is read here, since the command reads it again: a pipe
 * (`--password-file <(pass show latchkey)`, /dev/fd/N) or a FIFO gives its bytes once, and the command
 * would have found it empty.
 */
export async function startHeadStart(plan: HeadStartPlan, env: Readonly<Record<string, string | undefined>>): Promise<KdfHeadStart | undefined> {
  let password: string;
  try {
    if (!statSync(plan.passwordFile).isFile()) return undefined;
    password = readPasswordFile(plan.passwordFile);
  } catch {
    return undefined;
  }
  const { startKdfHeadStart } = await import('../vault/kdf-head-start.js');
  return startKdfHeadStart(plan.vaultPath, password, { env });
}
