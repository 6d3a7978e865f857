import type { Command } from 'commander';
import { LatchkeyError } from '../../../../shared/errors.js';
import { offerNewRecoveryKey, type CliContext, type Connection } from '../../context.js';
import { readNewSecret } from '../../credential-source.js';
import { autoBackupLines } from '../backup/register-backup.js';
import { plural, printResult } from '../../output.js';
import { keyWords, registerKeySlotCommands } from './key-slots.js';

const MiB = 1024 * 1024;

/** A password+YubiKey slot's key, after its KDF. */
const keyText = (slot: Parameters<typeof keyWords>[0]) => (slot.key === undefined ? '' : `  ${keyWords(slot)}`);

/** How the vault is kept (README "The vault"; SECURITY-NOTES). */
const VAULT_BACKEND = { storage: 'SQLite (one file)', cipher: 'XChaCha20-Poly1305 (libsodium)', kdf: 'Argon2id' } as const;

export function registerVault(program: Command, context: CliContext): void {
  const vault = program.command('vault').summary('manage the vault: password, verification, slots, recovery key').description('Manage the vault.')
    .addHelpText('after', '\nExamples:\n  $ latchkey vault status\n  $ latchkey vault verify\n  $ latchkey vault passwd --new-password-file new.txt');
  const { io } = context;

  vault
    .command('status')
    .summary('what the vault is: backend, key slots and their KDF, manifest, automatic backups, last backup')
    .addHelpText(
      'after',
      `
Unlocks the vault (nothing is written). The last automatic backup that failed is shown with when and
why; a vault whose manifest does not match its rows, or with damaged accounts, says so.

Examples:
  $ latchkey vault status
  $ latchkey vault status --json`,
    )
    .action(async (_options: unknown, cmd: Command) => {
      const connection = context.connect(cmd);
      await connection.unlock();
      const { client } = connection;
      const status = await client.call('vault.status', {});
      const { slots } = await client.call('vault.slots', {});
      const { damaged } = await client.call('accounts.list', {});
      const autoBackup = await client.call('backup.auto.status', {});
      const { verification } = await client.call('backup.lastVerification', {});
      const damagedIds = [...new Set(damaged.map((row) => row.id))];
      const report = {
        path: status.path,
        // Which libsodium runs it: native (sodium-native) or the wasm fallback.
        backend: { ...VAULT_BACKEND, sodium: status.backend ?? null },
        unlockedBy: status.unlockedBy ?? null,
        accounts: status.accounts ?? 0,
        damaged: damagedIds,
        manifest: status.manifest ?? 'ok',
        slots,
        autoBackup,
        lastVerification: verification,
      };
      const kdfText = (kdf: { ops: number; mem: number }) => `Argon2id, ${plural(kdf.ops, 'pass', 'passes')}, ${String(kdf.mem / MiB)} MiB`;
      printResult(io, connection.globals.json, report, () =>
        [
          `Vault:     ${report.path}`,
          `Backend:   ${VAULT_BACKEND.storage}; rows sealed with ${VAULT_BACKEND.cipher}${status.backend === undefined ? '' : `, ${status.backend}`}; password slots ${VAULT_BACKEND.kdf}`,
          `Accounts:  ${String(report.accounts)}${damagedIds.length === 0 ? '' : `; ${plural(damagedIds.length, 'damaged account')}: ${damagedIds.join(', ')} (see \`latchkey vault verify\`)`}`,
          `Manifest:  ${report.manifest === 'ok' ? 'ok' : 'MISMATCH: rows or slots changed outside Latchkey; check with `latchkey vault verify`'}`,
          `Slots:     ${plural(slots.length, 'slot')}`,
          ...slots.map((slot) => `  ${slot.kind.padEnd(17)} ${slot.id}${slot.kdf === undefined ? '' : `  ${kdfText(slot.kdf)}`}${keyText(slot)}`),
          ...autoBackupLines(autoBackup),
          verification === null
            ? 'Last verified backup: none.'
            : `Last verified backup: ${new Date(verification.verifiedAt * 1000).toISOString()} ${verification.file} (${plural(verification.matching, 'account')} matching)`,
        ].join('\n'),
      );
    });

  vault
    .command('passwd')
    .summary('change the vault password')
    .option('--new-password-file <file>', "read the new password from the file's first line (\"-\": standard input)")
    .addHelpText(
      'after',
      `
The current password comes from the usual sources (--password-file …); the new one from
--new-password-file or is asked twice. Only the key slot is rewritten; accounts are untouched.
Forgot the password? Unlock with the recovery key instead (--recovery-key-file, or Enter at the
password prompt): then the old password is not needed. The new one needs 8 characters or more and
must not be easy to guess (PASSWORD_REJECTED says why). Each password+YubiKey slot is re-made
under a fresh challenge on its key (touch it when asked); a slot whose key is not plugged in stops
the change (KEY_NOT_FOUND naming it) unless you confirm its removal (--yes, or at the prompt).

Examples:
  $ latchkey vault passwd --password-file old.txt --new-password-file new.txt
  $ latchkey vault passwd --recovery-key-file recovery.txt --new-password-file new.txt`,
    )
    .action(async (options: { newPasswordFile?: string }, cmd: Command) => {
      const connection = context.connect(cmd);
      await connection.unlock({ offer: 'none' });
      // Opened with the recovery key: the service sets a new password without the old one.
      const byRecovery = connection.unlockedBy() === 'recovery';
      const current = byRecovery ? undefined : await connection.vaultPassword();
      const next = await readNewSecret(options.newPasswordFile, io, connection.client, 'vault', '--new-password-file');
      const change = await changePasswordKeepingKeySlots(connection, { ...(current === undefined ? {} : { current }), next });
      const { kdf } = change;
      printResult(io, connection.globals.json, change, () =>
        [
          `Password changed (Argon2id, ${String(kdf.ops)} passes, ${String(kdf.mem / MiB)} MiB).`,
          ...(change.rechallenged === 0 ? [] : [`${plural(change.rechallenged, 'password+YubiKey slot')} re-made under a fresh challenge.`]),
          ...(change.droppedKeySlots.length === 0 ? [] : [`Removed ${plural(change.droppedKeySlots.length, 'password+YubiKey slot')} whose key was not plugged in: ${change.droppedKeySlots.join(', ')} (add the key again with 'latchkey vault add-key-slot').`]),
        ].join('\n'),
      );
      if (!byRecovery) return;
      if (io.interactive && !connection.globals.json) await offerNewRecoveryKey(io, connection.client, next);
      else io.writeErr("latchkey: warning: the recovery key you used still works; issue a new one with 'latchkey vault recovery-key'\n");
    });

  /**
   * A password change re-challenges each password+YubiKey slot on its key (a touch each). A slot
   * whose key is not plugged in is removed only when the user says so: --yes, or a question at a
   * terminal naming the slots; otherwise KEY_NOT_FOUND, nothing changed.
   */
  async function changePasswordKeepingKeySlots(connection: Connection, request: { current?: string; next: string }) {
    const { client, globals } = connection;
    try {
      return await client.call('vault.changePassword', { ...request, dropMissingKeySlots: globals.yes });
    } catch (error) {
      const slots = error instanceof LatchkeyError && error.code === 'KEY_NOT_FOUND' ? error.details?.['slots'] : undefined;
      if (typeof slots !== 'string' || !io.interactive) throw error;
      const answer = await io.prompt(`The YubiKey of password+YubiKey slot(s) ${slots} is not plugged in. Remove those slots and change the password anyway? [y/N] `);
      if (!/^y(es)?$/i.test(answer.trim())) throw error;
      return client.call('vault.changePassword', { ...request, dropMissingKeySlots: true });
    }
  }

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
          ...(report.damaged.length === 0 ? [] : ['A damaged account can be neither shown nor copied: restore it from a backup, or remove it with `latchkey remove ID --yes`.']),
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
        slots.map((slot) => `${slot.kind.padEnd(17)} ${slot.id}${slot.kdf === undefined ? '' : `  Argon2id ${String(slot.kdf.ops)} passes, ${String(slot.kdf.mem / MiB)} MiB`}${keyText(slot)}`).join('\n'),
      );
    });

  registerKeySlotCommands(vault, context);

  vault
    .command('recovery-key')
    .summary('issue a new recovery key (the old one stops working)')
    .addHelpText('after', '\nExample:\n  $ latchkey vault recovery-key')
    .action(async (_options: unknown, cmd: Command) => {
      const connection = context.connect(cmd);
      // After a recovery unlock at a terminal, a new password is offered first: the key needs one.
      await connection.unlock({ offer: 'password' });
      const { recoveryKey } = await connection.client.call('vault.recoveryKey', { password: await connection.vaultPassword() });
      printResult(io, connection.globals.json, { recoveryKey }, () => `New recovery key (shown once; the old one no longer works):\n\n    ${recoveryKey}`);
    });

  vault
    .command('rekey')
    .summary('new master key: re-seal every account, new recovery key')
    .addHelpText('after', '\nFor when a password or backup may have leaked. Old backups keep their own passwords.\n\nExample:\n  $ latchkey vault rekey')
    .action(async (_options: unknown, cmd: Command) => {
      const connection = context.connect(cmd);
      await connection.unlock({ offer: 'password' });
      const keySlots = (await connection.client.call('vault.slots', {})).slots.filter((slot) => slot.kind === 'password+yubikey').length;
      const { recoveryKey } = await connection.client.call('vault.rekey', { password: await connection.vaultPassword() });
      printResult(io, connection.globals.json, { recoveryKey }, () => `Every account was re-sealed under a new master key.\nNew recovery key (shown once):\n\n    ${recoveryKey}`);
      // The rekey writes a plain password slot: a YubiKey no longer guards the password until added again.
      if (keySlots > 0) io.writeErr(`latchkey: warning: the rekey removed ${plural(keySlots, 'password+YubiKey slot')} and wrote a plain password slot; add the keys again with 'latchkey vault add-key-slot --remove-password-slot'\n`);
    });
}
