import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { LatchkeyError, UsageError } from '../../shared/errors.js';
// Directly, not through the service's index: the KDF head start loads this module before the service.
import { fileErrorOf } from '../service/fs-words.js';
import type { GlobalOptions } from './globals.js';
import type { CliIo } from './io.js';

/**
 * The vault password, from (in order) --password-file, --password-command, LATCHKEY_PASSWORD_FILE
 * or a terminal prompt; never from an argument. Without a terminal and without a source, fail at once.
 */
export async function readVaultPassword(globals: GlobalOptions, io: CliIo, prompt = 'Vault password: '): Promise<string> {
  if (globals.passwordFile !== undefined) return readPasswordFile(globals.passwordFile);
  if (globals.passwordCommand !== undefined) return runPasswordCommand(globals.passwordCommand);
  const fromEnv = io.env['LATCHKEY_PASSWORD_FILE'];
  if (fromEnv !== undefined && fromEnv !== '') return readPasswordFile(fromEnv);
  if (io.interactive) return io.prompt(prompt, { hidden: true });
  throw new UsageError('no vault password: give --password-file FILE, --password-command CMD or LATCHKEY_PASSWORD_FILE, or run in a terminal');
}

/** A password file's first line, its trailing CR/LF stripped. */
export function readPasswordFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fileErrorOf(`cannot read the password file ${path}`, path, error);
  }
  return nonEmpty(firstLine(text), `the password file ${path} is empty (the password is its first line)`);
}

/** An empty password is a mistake in how it was given, said before anything is tried with it. */
function nonEmpty(password: string, problem: string): string {
  if (password === '') throw new UsageError(problem);
  return password;
}

function runPasswordCommand(command: string): string {
  let output: string;
  try {
    output = execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 60_000 });
  } catch {
    throw new LatchkeyError('IO_ERROR', 'the --password-command failed');
  }
  return nonEmpty(firstLine(output), 'the --password-command printed no password (the password is its first line)');
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.replace(/\r$/, '') ?? '';
}
