import type { Command } from 'commander';
import { LatchkeyError } from '../../../../shared/errors.js';
import type { CliContext } from '../../context.js';
import { plural, printResult } from '../../output.js';
import { readNewPassword, readVaultPassword } from '../../password-source.js';

const MiB = 1024 * 1024;

export function registerVault(program: Command, context: CliContext): void {
  const vault = program.command('vault').summary('manage the vault: password, verification, slots, recovery key').description('Manage the vault.');
  const { io } = context;

  vault
    .command('passwd')
    .summary('change the vault password')
    .option('--new-password-file <file>', "read the new password from the file's first line")
    .addHelpText(
      'after',
      `
The current password comes from the usual sources (--password-file …); the new one from
--new-password-file or is asked twice. Only the key slot is rewritten; accounts are untouched.

Example:
  $ latchkey vault passwd --password-file old.txt --new-password-file new.txt`,
    )
    .action(async (options: { newPasswordFile?: string }, cmd: Command) => {
      const connection = context.connect(cmd);
      const current = await readVaultPassword(connection.globals, io, 'Current vault password: ');
      await connection.client.call('vault.unlock', { password: current });
      const next = await readNewPassword(options.newPasswordFile, io);
      const { kdf } = await connection.client.call('vault.changePassword', { current, next });
      printResult(io, connection.globals.json, { kdf }, () => `Password changed (Argon2id, ${String(kdf.ops)} passes, ${String(kdf.mem / MiB)} MiB).`);
    });

  vault
    .command('verify')
    .summary('open every sealed row and check the manifest')
    .option('--accept', 'after reviewing a manifest mismatch, sign the rows as they are now', false)
    .addHelpText('after', '\nExits with VAULT_INTEGRITY (16) when anything fails.\n\nExample:\n  $ latchkey vault verify')
    .action(async (options: { accept: boolean }, cmd: Command) => {
      const connection = context.connect(cmd);
      await connection.unlock();
      // Accepting re-signs the rows as they are: the service checks the vault password again.
      const report = await connection.client.call('vault.verify', options.accept ? { acceptCurrentRows: true, vaultPassword: await connection.vaultPassword() } : {});
      printResult(io, connection.globals.json, report, () =>
        [
          `${plural(report.rows, 'account')} checked; manifest ${report.manifest === 'ok' ? 'ok' : 'MISMATCH (rows deleted, added or rolled back outside Latchkey)'}.`,
          ...report.damaged.map((row) => `damaged: account ${row.id} (${row.field})`),
        ].join('\n'),
      );
      if (report.damaged.length > 0 || (report.manifest === 'mismatch' && !options.accept)) {
        throw new LatchkeyError('VAULT_INTEGRITY', 'the vault fails its integrity check; nothing was changed', { part: report.damaged.length > 0 ? 'rows' : 'manifest' });
      }
    });

  vault
    .command('slots')
    .summary('list the key slots that can unlock the vault')
    .addHelpText('after', '\nExample:\n  $ latchkey vault slots --json')
    .action(async (_options: unknown, cmd: Command) => {
      const connection = context.connect(cmd);
      await connection.unlock();
      const { slots } = await connection.client.call('vault.slots', {});
      printResult(io, connection.globals.json, slots, () =>
        slots.map((slot) => `${slot.kind.padEnd(17)} ${slot.id}${slot.kdf === undefined ? '' : `  Argon2id ${String(slot.kdf.ops)} passes, ${String(slot.kdf.mem / MiB)} MiB`}`).join('\n'),
      );
    });

  vault
    .command('recovery-key')
    .summary('issue a new recovery key (the old one stops working)')
    .addHelpText('after', '\nExample:\n  $ latchkey vault recovery-key')
    .action(async (_options: unknown, cmd: Command) => {
      const connection = context.connect(cmd);
      const password = await readVaultPassword(connection.globals, io);
      await connection.client.call('vault.unlock', { password });
      const { recoveryKey } = await connection.client.call('vault.recoveryKey', { password });
      printResult(io, connection.globals.json, { recoveryKey }, () => `New recovery key (shown once; the old one no longer works):\n\n    ${recoveryKey}`);
    });

  vault
    .command('rekey')
    .summary('new master key: re-seal every account, new recovery key')
    .addHelpText('after', '\nFor when a password or backup may have leaked. Old backups keep their own passwords.\n\nExample:\n  $ latchkey vault rekey')
    .action(async (_options: unknown, cmd: Command) => {
      const connection = context.connect(cmd);
      const password = await readVaultPassword(connection.globals, io);
      await connection.client.call('vault.unlock', { password });
      const { recoveryKey } = await connection.client.call('vault.rekey', { password });
      printResult(io, connection.globals.json, { recoveryKey }, () => `Every account was re-sealed under a new master key.\nNew recovery key (shown once):\n\n    ${recoveryKey}`);
    });
}
