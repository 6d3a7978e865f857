import { InvalidArgumentError, Option, type Command } from 'commander';
import { UsageError } from '../../../shared/errors.js';
import type { CliContext } from '../context.js';
import { promptNewPassword, sourcedPassword } from '../credential-source.js';
import { printResult } from '../output.js';

const MiB = 1024 * 1024;

export function registerInit(program: Command, context: CliContext): void {
  program
    .command('init')
    .summary('create a new encrypted vault')
    .description('Create a new vault, protected by a password and a recovery key that is shown once.')
    .addOption(new Option('--kdf <ops,MiB>', 'fixed Argon2id cost instead of calibrating (e.g. 3,128; 2-10 passes, 64-1024 MiB)').argParser(parseKdf))
    .addHelpText(
      'after',
      `
The password comes from --password-file, --password-command, LATCHKEY_PASSWORD_FILE, or is asked
twice at the terminal. It needs 8 characters or more and must not be easy to guess (zxcvbn-ts score
2 of 4; a few unrelated words make a good one), else PASSWORD_REJECTED says why. Argon2id is
calibrated to this machine (about 0.4-1.2 s per unlock).

Examples:
  $ latchkey init
  $ latchkey init --password-file ~/.config/latchkey/pw --vault ~/vaults/work.sqlite
  $ latchkey init --json --password-command 'pass show latchkey'`,
    )
    .action(async (options: { kdf?: { ops: number; mem: number } }, cmd: Command) => {
      const { client, globals } = context.connect(cmd);
      const { io } = context;
      if (globals.recoveryKeyFile !== undefined) throw new UsageError('a new vault has no recovery key yet: init prints one');
      const fromSource = globals.passwordFile !== undefined || globals.passwordCommand !== undefined || (io.env['LATCHKEY_PASSWORD_FILE'] ?? '') !== '';
      // Typed at a terminal: judged as typed, then asked twice; from a source, the service judges it.
      const password = fromSource || !io.interactive ? await sourcedPassword(globals, io) : await promptNewPassword(io, client, 'vault');
      const created = await client.call('vault.create', { password, ...(options.kdf === undefined ? {} : { kdf: options.kdf }) });
      printResult(io, globals.json, created, () =>
        [
          `Created a vault at ${created.path} (Argon2id, ${String(created.kdf.ops)} passes, ${String(created.kdf.mem / MiB)} MiB).`,
          '',
          'Recovery key: the only way in if you forget the password. It is shown once; write it down',
          'and keep it offline, away from this computer:',
          '',
          `    ${created.recoveryKey}`,
          '',
          'To use it, press Enter at the password prompt, or give --recovery-key-file FILE.',
        ].join('\n'),
      );
    });
}

function parseKdf(value: string): { ops: number; mem: number } {
  const match = /^(\d{1,2}),(\d{2,4})$/.exec(value);
  if (match === null) throw new InvalidArgumentError('expected OPS,MiB, e.g. 3,128');
  return { ops: Number(match[1]), mem: Number(match[2]) * MiB };
}
