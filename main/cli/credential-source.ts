import type { LatchkeyClient } from '../../shared/client.js';
import { LatchkeyError, UsageError } from '../../shared/errors.js';
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
export async function readSecretFile(path: string, io: CliIo, what = 'password'): Promise<string> {
  if (path !== '-') return readPasswordFile(path);
  const line = (await io.readStdin()).split('\n')[0]?.replace(/\r$/, '') ?? '';
  if (line === '') throw new UsageError(`no ${what} on standard input (its first line is read)`);
  return line;
}

function hasPasswordSource(globals: GlobalOptions, io: CliIo): boolean {
  return globals.passwordFile !== undefined || globals.passwordCommand !== undefined || (io.env['LATCHKEY_PASSWORD_FILE'] ?? '') !== '';
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
    return { recoveryKey: await readSecretFile(globals.recoveryKeyFile, io, 'recovery key') };
  }
  if (globals.passwordFile !== undefined) return { password: await readSecretFile(globals.passwordFile, io) };
  if (hasPasswordSource(globals, io)) return { password: await readVaultPassword(globals, io) };
  return undefined;
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
  if (globals.passwordFile !== undefined) return readSecretFile(globals.passwordFile, io);
  return readVaultPassword(globals, io);
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
