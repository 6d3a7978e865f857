import { readFileSync } from 'node:fs';
import type { LatchkeyClient } from '../../shared/client.js';
import { LatchkeyError, UsageError } from '../../shared/errors.js';
import { fileErrorOf } from '../service/index.js';
import type { GlobalOptions } from './globals.js';
import type { CliIo } from './io.js';
import { readPasswordFile, readVaultPassword } from './password-source.js';

/** How the vault is to be opened: its password, or the recovery key shown once at `init`. */
export type VaultCredential = { readonly password: string } | { readonly recoveryKey: string };

/** Tries at a terminal before a wrong password ends the command (a wait the vault imposes ends it sooner). */
export const TERMINAL_TRIES = 3;

/**
 * A secret's file option: the file's first line, or standard input's for `-` (once per command:
 * a second `-` is USAGE, see io.ts).
 */
export async function readSecretFile(path: string, io: CliIo): Promise<string> {
  if (path !== '-') return readPasswordFile(path);
  const line = (await io.readStdin()).split('\n')[0]?.replace(/\r$/, '') ?? '';
  if (line === '') throw new UsageError('no password on standard input (its first line is read)');
  return line;
}

/** A line that looks like a recovery key: 14 groups of four Base32 characters (0, 1, 8 read as O, I, B). */
const RECOVERY_KEY_LINE = /^\s*([A-Za-z2-7018]{4}[-\s]?){13}[A-Za-z2-7018]{4}\s*$/;

/**
 * The recovery key from its file (`-`: standard input): the first line that looks like one, so the
 * file the app saves ("Latchkey recovery key", the key, a reminder) works as it is; else the first line.
 */
async function readRecoveryKeyFile(path: string, io: CliIo): Promise<string> {
  let text: string;
  if (path === '-') text = await io.readStdin();
  else {
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw fileErrorOf(`cannot read the recovery key file ${path}`, path, error);
    }
  }
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  const key = lines.find((line) => RECOVERY_KEY_LINE.test(line)) ?? lines[0] ?? '';
  if (key.trim() === '') throw new UsageError(`no recovery key in ${path === '-' ? 'standard input' : path} (its first line is read)`);
  return key.trim();
}

/** The vault password from --password-file, --password-command or LATCHKEY_PASSWORD_FILE (`-`: standard input), if one is given. */
async function passwordFromSource(globals: GlobalOptions, io: CliIo): Promise<string | undefined> {
  if (globals.passwordFile !== undefined) return readSecretFile(globals.passwordFile, io);
  if (globals.passwordCommand !== undefined) return readVaultPassword(globals, io);
  const fromEnv = io.env['LATCHKEY_PASSWORD_FILE'];
  if (fromEnv !== undefined && fromEnv !== '') return readSecretFile(fromEnv, io);
  return undefined;
}

/**
 * The credential from the command line or the environment, without asking: --recovery-key-file,
 * else the password sources in their order. Undefined when none is given (a terminal may ask).
 */
export async function sourcedCredential(globals: GlobalOptions, io: CliIo): Promise<VaultCredential | undefined> {
  if (globals.recoveryKeyFile !== undefined) {
    if (globals.passwordFile !== undefined || globals.passwordCommand !== undefined) {
      throw new UsageError('give the vault password (--password-file, --password-command) or --recovery-key-file, not both');
    }
    return { recoveryKey: await readRecoveryKeyFile(globals.recoveryKeyFile, io) };
  }
  const password = await passwordFromSource(globals, io);
  return password === undefined ? undefined : { password };
}

/**
 * At a terminal with no source: the password, or, after an empty line, the recovery key. Typing the
 * recovery key at the password prompt is never tried as one: the choice is explicit.
 */
export async function promptCredential(io: CliIo): Promise<VaultCredential> {
  const password = await io.prompt('Vault password (or just Enter to use the recovery key): ', { hidden: true });
  if (password !== '') return { password };
  const recoveryKey = await io.prompt('Recovery key: ', { hidden: true });
  if (recoveryKey.trim() === '') throw new LatchkeyError('CANCELLED', 'no password and no recovery key was given');
  return { recoveryKey };
}

/** The vault password alone (for a re-authentication that needs it), from its sources or a plain prompt. */
export async function sourcedPassword(globals: GlobalOptions, io: CliIo): Promise<string> {
  return (await passwordFromSource(globals, io)) ?? readVaultPassword(globals, io);
}

export type NewPasswordPurpose = 'vault' | 'backup' | 'transfer';

const NEW_PROMPTS: Record<NewPasswordPurpose, { first: string; again: string }> = {
  vault: { first: 'New vault password: ', again: 'Repeat the new vault password: ' },
  backup: { first: 'Backup password: ', again: 'Repeat the backup password: ' },
  transfer: { first: 'Password for the transfer block: ', again: 'Repeat the transfer block password: ' },
};

/**
 * A new password typed at a terminal: judged as it is typed (the service's own rule, via
 * `password.estimate`; up to three tries with the estimator's words), then asked a second time.
 */
export async function promptNewPassword(io: CliIo, client: LatchkeyClient, purpose: NewPasswordPurpose): Promise<string> {
  const prompts = NEW_PROMPTS[purpose];
  for (let attempt = 1; ; attempt++) {
    const first = await io.prompt(prompts.first, { hidden: true });
    const estimate = await client.call('password.estimate', { password: first });
    if (!estimate.acceptable) {
      const advice = `that ${purpose} password is too easy to guess${estimate.feedback.length === 0 ? '' : `: ${estimate.feedback.join(' ')}`}`;
      if (attempt < TERMINAL_TRIES) {
        io.writeErr(`latchkey: ${advice} Try another (8 characters or more; a few unrelated words make a good one).\n`);
        continue;
      }
      throw new LatchkeyError('PASSWORD_REJECTED', advice);
    }
    const second = await io.prompt(prompts.again, { hidden: true });
    if (first !== second) throw new UsageError('the two passwords differ; nothing was changed');
    return first;
  }
}

/** A new password from its file option (`-`: standard input), or typed twice at a terminal. */
export async function readNewSecret(file: string | undefined, io: CliIo, client: LatchkeyClient, purpose: NewPasswordPurpose, option: string): Promise<string> {
  if (file !== undefined) return readSecretFile(file, io);
  if (!io.interactive) throw new UsageError(`no new ${purpose} password: give ${option} FILE, or run in a terminal`);
  return promptNewPassword(io, client, purpose);
}
