import { UsageError } from '../../../../shared/errors.js';
import type { CliIo } from '../../io.js';

/** `--key SERIAL` as the service wants it: a key's serial is a whole decimal number. */
export function serialOption(value: string | undefined): { serial?: number } {
  if (value === undefined) return {};
  if (!/^\d{1,10}$/.test(value) || Number(value) > 0xffff_ffff) throw new UsageError(`--key takes a key's serial number (digits, as \`latchkey keys list\` shows it), not "${value}"`);
  return { serial: Number(value) };
}

export function parseSlot(value: string): 1 | 2 {
  if (value === '1') return 1;
  if (value === '2') return 2;
  throw new UsageError(`a YubiKey has OTP slots 1 and 2, not "${value}"`);
}

/**
 * Hex bytes given on the command line (`-`: read from standard input, so a secret stays out of the
 * process list); spaces and colons between bytes are allowed, as keys are often written in groups.
 */
export async function hexArgument(io: CliIo, flag: string, value: string): Promise<string> {
  const text = (value === '-' ? await io.readStdin() : value).trim().replace(/[\s:]/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) throw new UsageError(`${flag} takes bytes as hex digits (two per byte)`);
  return text.toLowerCase();
}
