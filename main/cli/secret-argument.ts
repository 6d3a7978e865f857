import type { CliIo } from './io.js';

/** `--secret -` reads the secret from standard input, so it stays out of the process list. */
export async function resolveSecretArgument(io: CliIo, value: string): Promise<string> {
  return value === '-' ? (await io.readStdin()).trim() : value;
}
