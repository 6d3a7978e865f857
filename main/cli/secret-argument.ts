import type { CliIo } from './io.js';

/** `-` (for `--secret`, `--uri`, `uri parse`) reads the value from standard input, so it stays out of the process list. */
export async function resolveSecretArgument(io: CliIo, value: string): Promise<string> {
  return value === '-' ? (await io.readStdin()).trim() : value;
}
