import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { LatchkeyClient } from '../../../../shared/client.js';
import type { AutoBackupStatus } from '../../../../shared/backup-api.js';
import { LatchkeyError, UsageError } from '../../../../shared/errors.js';
import type { CliContext } from '../../context.js';
import type { CliIo } from '../../io.js';
import { plural, printResult, printWarnings } from '../../output.js';
import { promptNewPassword, readSecretFile } from '../../credential-source.js';

interface BackupPasswordOption {
  readonly backupPasswordFile?: string;
}

const BACKUP_PASSWORD_OPTION = ['--backup-password-file <file>', "the backup's own password, from the file's first line (asked at a terminal otherwise)"] as const;
export const SKIP_DAMAGED_OPTION = ['--skip-damaged', 'leave out accounts that no longer open (named on stderr) instead of failing', false] as const;

export function registerBackup(program: Command, context: CliContext): void {
  const { io } = context;
  const backup = program.command('backup').summary('encrypted backups: create, verify, restore').description('Encrypted backups (.lkbak), with their own password.')
    .addHelpText('after', '\nExamples:\n  $ latchkey backup create ~/backups/latchkey.lkbak --backup-password-file bk.txt\n  $ latchkey backup verify ~/backups/latchkey.lkbak --backup-password-file bk.txt\n  $ latchkey backup auto --folder ~/backups/latchkey --backup-password-file bk.txt');

  backup
    .command('create')
    .summary('write an encrypted backup of every account')
    .argument('<file>', 'where to write it (e.g. ~/backups/latchkey.lkbak)')
    .option(...BACKUP_PASSWORD_OPTION)
    .option(...SKIP_DAMAGED_OPTION)
    .addHelpText('after', '\nThe backup has its own password, independent of the vault password; the vault password is\nchecked again, since a backup is a copy of every secret. A file already there is replaced only\nafter you confirm (or with --yes). An account that no longer opens (see `latchkey vault verify`) cannot\nbe copied: the backup fails naming its id, unless --skip-damaged leaves it out.\n\nExample:\n  $ latchkey backup create ~/backups/latchkey.lkbak --backup-password-file bk.txt')
    .action(async (file: string, options: BackupPasswordOption & { skipDamaged: boolean }, cmd: Command) => {
      const connection = context.connect(cmd);
      await connection.unlock();
      const path = resolve(file);
      const replace = existsSync(path) && (await confirmReplace(io, connection.globals.yes, file));
      const password = await backupPassword(io, options, connection.client);
      // A backup is a copy of every secret: the service asks for the vault password again.
      const created = await connection.client.call('backup.create', { path, password, vaultPassword: await connection.vaultPassword(), replace, skipDamaged: options.skipDamaged });
      printWarnings(io, created.leftOut.length === 0 ? [] : [leftOutLine(created.leftOut)]);
      printResult(io, connection.globals.json, created, () => `Wrote ${plural(created.accounts, 'account')} to ${created.path} (${String(created.bytes)} bytes, SHA-256 ${created.sha256.slice(0, 16)}…).`);
    });

  backup
    .command('verify')
    .summary('decrypt a backup and compare it with the vault, code by code')
    .argument('<file>', 'the backup')
    .option(...BACKUP_PASSWORD_OPTION)
    .addHelpText('after', '\nExits with VAULT_INTEGRITY (16) when the backup and the vault differ.\n\nExample:\n  $ latchkey backup verify latchkey.lkbak --backup-password-file bk.txt --json')
    .action(async (file: string, options: BackupPasswordOption, cmd: Command) => {
      const connection = context.connect(cmd);
      await connection.unlock();
      const result = await connection.client.call('backup.verify', { path: resolve(file), password: await backupPassword(io, options) });
      const same = result.onlyInBackup.length === 0 && result.onlyInVault.length === 0 && result.differing.length === 0;
      printResult(io, connection.globals.json, result, () =>
        [
          `${plural(result.backupAccounts, 'account')} in the backup, ${String(result.vaultAccounts)} in the vault; ${String(result.matching)} ${result.matching === 1 ? 'gives' : 'give'} the same codes.`,
          ...result.onlyInBackup.map((name) => `  only in the backup: ${name}`),
          ...result.onlyInVault.map((name) => `  only in the vault:  ${name}`),
          ...result.differing.map((name) => `  different codes:    ${name}`),
          same ? 'The backup matches the vault.' : '',
        ]
          .filter((line) => line !== '')
          .join('\n'),
      );
      if (!same) throw new LatchkeyError('VAULT_INTEGRITY', 'the backup and the vault differ (see above)', { part: 'backup' });
    });

  registerAuto(backup, context);

  backup
    .command('restore')
    .summary('restore accounts from a backup')
    .argument('<file>', 'the backup')
    .option(...BACKUP_PASSWORD_OPTION)
    .option('--merge', 'add the accounts the vault lacks (the default)')
    .option('--replace', 'replace every account in the vault with the backup’s', false)
    .addHelpText('after', '\nAll or nothing, in one transaction. --replace asks for confirmation (or --yes) and the vault password again.\n\nExamples:\n  $ latchkey backup restore latchkey.lkbak\n  $ latchkey backup restore latchkey.lkbak --replace --yes --backup-password-file bk.txt')
    .action(async (file: string, options: BackupPasswordOption & { merge?: boolean; replace: boolean }, cmd: Command) => {
      if (options.merge === true && options.replace) throw new UsageError('choose --merge or --replace, not both');
      const connection = context.connect(cmd);
      await connection.unlock();
      const password = await backupPassword(io, options);
      if (options.replace && !connection.globals.yes) {
        if (!io.interactive) throw new UsageError('--replace removes every account first: add --yes');
        const answer = await io.prompt('Replace every account in the vault with the backup’s? [y/N] ');
        if (!/^y(es)?$/i.test(answer.trim())) throw new LatchkeyError('CANCELLED', 'nothing was restored');
      }
      const result = await connection.client.call('backup.restore', {
        path: resolve(file),
        password,
        mode: options.replace ? 'replace' : 'merge',
        ...(options.replace ? { vaultPassword: await connection.vaultPassword() } : {}),
      });
      printWarnings(io, result.skipped > 0 ? [`${plural(result.skipped, 'account')} ${result.skipped === 1 ? 'was' : 'were'} already in the vault`] : []);
      printResult(io, connection.globals.json, result, () => `Restored ${plural(result.added, 'account')}${result.removed > 0 ? ` (replacing ${String(result.removed)})` : ''}.`);
    });
}

/** A file already at the backup's path is replaced only when the user says so. */
async function confirmReplace(io: CliIo, yes: boolean, file: string): Promise<true> {
  if (yes) return true;
  if (!io.interactive) throw new UsageError(`${file} already exists: add --yes to replace it, or choose another name`);
  const answer = await io.prompt(`${file} already exists. Replace it? [y/N] `);
  if (!/^y(es)?$/i.test(answer.trim())) throw new LatchkeyError('CANCELLED', 'no backup was written');
  return true;
}

function registerAuto(backup: Command, context: CliContext): void {
  const { io } = context;
  backup
    .command('auto')
    .summary('automatic backups: after changes and daily, verified, newest N kept')
    .option('--folder <dir>', 'turn them on, writing to this folder (made, mode 0700, when missing)')
    .option('--keep <n>', 'how many to keep (default 10)')
    .option(...BACKUP_PASSWORD_OPTION)
    .option('--off', 'turn them off', false)
    .option('--run', 'make one now', false)
    .addHelpText(
      'after',
      `
Without options, shows the status, with the last failure (when, why) if the last attempt failed.
The backup password is kept sealed in the vault. The app backs up a minute after changes and daily;
a CLI command that changes accounts backs up before it exits, and fails (IO_ERROR and the like,
"the change was saved, but the automatic backup failed: …") when that backup fails. --folder
refuses a folder that can't be made or written (IO_ERROR); --run exits non-zero when the backup fails.

Examples:
  $ latchkey backup auto --folder ~/Backups/latchkey --backup-password-file bk.txt --keep 20
  $ latchkey backup auto
  $ latchkey backup auto --off`,
    )
    .action(async (options: BackupPasswordOption & { folder?: string; keep?: string; off: boolean; run: boolean }, cmd: Command) => {
      const connection = context.connect(cmd);
      await connection.unlock();
      const { client } = connection;
      let status;
      if (options.off) status = await client.call('backup.auto.disable', {});
      else if (options.folder !== undefined) {
        const keep = options.keep === undefined ? 10 : Number(options.keep);
        if (!Number.isInteger(keep) || keep < 1 || keep > 100) throw new UsageError('--keep must be a whole number from 1 to 100');
        const password = await backupPassword(io, options, client);
        status = await client.call('backup.auto.configure', { folder: resolve(options.folder), password, vaultPassword: await connection.vaultPassword(), keep });
      } else status = await client.call(options.run ? 'backup.auto.run' : 'backup.auto.status', {});
      printResult(io, connection.globals.json, status, () => autoBackupLines(status).join('\n'));
    });
}

/** The stderr line of a copy that left damaged accounts out (--skip-damaged). */
export function leftOutLine(ids: readonly string[]): string {
  return `left out ${plural(ids.length, 'damaged account')} that no longer open${ids.length === 1 ? 's' : ''}: ${ids.join(', ')} (remove with \`latchkey remove ID\`)`;
}

/** What `backup auto` and `vault status` say about automatic backups. */
export function autoBackupLines(status: AutoBackupStatus): string[] {
  if (!status.enabled) return ['Automatic backups are off.'];
  const when = (at: number) => new Date(at * 1000).toISOString();
  return [
    `Automatic backups are on: ${status.folder ?? ''} (keeping ${String(status.keep ?? 10)}).`,
    status.last === null ? 'None made yet.' : `Last: ${when(status.last.at)} ${status.last.verified ? '(verified)' : '(NOT verified)'} ${status.last.file}`,
    ...(status.lastFailure === null ? [] : [`Last failure: ${when(status.lastFailure.at)}: ${status.lastFailure.reason}`]),
  ];
}

/**
 * The backup's password from its file option ("-": standard input), or asked at a terminal. A new
 * one (`judgeWith` given: create, auto) is judged as typed and asked twice; the service refuses a weak one.
 */
async function backupPassword(io: CliIo, options: BackupPasswordOption, judgeWith?: LatchkeyClient): Promise<string> {
  if (options.backupPasswordFile !== undefined) return readSecretFile(options.backupPasswordFile, io);
  if (!io.interactive) throw new UsageError('no backup password: give --backup-password-file FILE, or run in a terminal');
  if (judgeWith !== undefined) return promptNewPassword(io, judgeWith, 'backup');
  return io.prompt('Backup password: ', { hidden: true });
}
