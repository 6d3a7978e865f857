import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { ParsedRequestOf, ReplyOf } from '../../../shared/api.js';
import { LatchkeyError, UsageError } from '../../../shared/errors.js';
import { fileErrorOf } from '../fs-words.js';
import type { BackupSteps } from '../backup/backup-file.js';
import { createBackup, restoreBackup, verifyBackup } from '../backup/backup-operations.js';
import type { ClipboardGuard } from '../clipboard-guard.js';
import type { Clock, HandlersFor } from '../handler-types.js';
import { pageStages, type Operation } from '../operations.js';
import { assertStrongPassword } from '../password-policy.js';
import { afterReauth } from '../reauth.js';
import type { UserPrompts } from '../user-prompts.js';
import type { VaultHost } from '../vault-host.js';

type ByHandChannel = 'backup.save' | 'backup.check' | 'backup.restoreChecked' | 'backup.lastVerification' | 'transfer.copy';

export interface ByHandDeps {
  readonly host: VaultHost;
  readonly clock: Clock;
  readonly app: string;
  readonly prompts: UserPrompts | undefined;
  readonly clipboard: ClipboardGuard | undefined;
  /** The transfer block as `export.create` makes it (the vault password checked there). */
  readonly exportTransfer: (request: ParsedRequestOf<'export.create'>, operation: Operation) => Promise<ReplyOf<'export.create'>>;
}

function stepsOf(operation: Operation, opId: string | undefined): BackupSteps {
  return { signal: operation.signal, stage: pageStages(operation, opId) };
}

/**
 * Backups by hand for the app (issue 18): the page never names a path, so main asks the user for the
 * file (save dialog, open dialog) and keeps the opened one under an id for the restore that follows
 * its check; the ids are forgotten at every lock. The transfer block goes straight to the clipboard.
 */
export function backupByHandHandlers(deps: ByHandDeps): HandlersFor<ByHandChannel> {
  const { host, clock, prompts } = deps;
  const checked = new Map<string, string>();
  host.onLock(() => {
    checked.clear();
  });
  const ask = async (request: Parameters<UserPrompts['pickPath']>[0], nothing: string): Promise<string> => {
    if (prompts === undefined) throw new LatchkeyError('UNSUPPORTED', 'choosing a file is not available here');
    const path = await prompts.pickPath(request);
    if (path === undefined) throw new LatchkeyError('CANCELLED', nothing);
    return path;
  };
  return {
    'backup.save': async ({ password, vaultPassword, opId }, operation) => {
      // Both checks before the dialog: a weak backup password or a wrong vault password asks nothing.
      await assertStrongPassword(password, 'backup');
      return afterReauth(
        host,
        vaultPassword,
        async (session) => {
          const day = new Date(clock.now()).toISOString().slice(0, 10);
          const path = await ask({ purpose: 'backup', kind: 'save-file', suggestedName: `latchkey-${day}.lkbak` }, 'no file was chosen; no backup was written');
          // The page hears the file's name only, never the path main's dialog returned.
          const written = await createBackup(session, await host.runtime(), path, password, deps.app, false, { skipDamaged: false, leftOut: [] }, stepsOf(operation, opId)).catch((error: unknown) => {
            throw fileErrorOf(`cannot write the backup ${basename(path)}`, basename(path), error);
          });
          return { file: basename(path), accounts: written.accounts, bytes: written.bytes, sha256: written.sha256 };
        },
        operation,
      );
    },
    'backup.check': async ({ password, opId }, operation) => {
      host.session();
      const path = await ask({ purpose: 'backup-open', kind: 'open-file' }, 'no backup was chosen');
      const verification = await host.serialized(async () => verifyBackup(host.session(), await host.runtime(), path, password, clock.now(), stepsOf(operation, opId)));
      const backupId = randomBytes(16).toString('hex');
      checked.set(backupId, path);
      return { backupId, file: basename(path), verification: { ...verification, file: basename(path) } };
    },
    'backup.restoreChecked': ({ backupId, password, mode, vaultPassword, opId }, operation) => {
      const path = checked.get(backupId);
      if (path === undefined) throw new LatchkeyError('NOT_FOUND', 'open the backup again (Verify a backup…): the vault was locked since it was checked');
      const restore = async () => restoreBackup(host.session(), await host.runtime(), path, password, mode, stepsOf(operation, opId));
      if (mode === 'merge') return host.serialized(restore);
      // Replace empties the vault first, with no undo: the vault password again.
      if (vaultPassword === undefined) throw new UsageError('restoring with replace empties the vault: give the vault password again');
      return afterReauth(host, vaultPassword, restore, operation);
    },
    'backup.lastVerification': () => {
      const session = host.session();
      const verification = session.records.get('backup-verification') ?? null;
      return { verification, accountsChangedSince: verification !== null && accountsChangedAfter(session.list().accounts, verification), now: Math.floor(clock.now() / 1000) };
    },
    'transfer.copy': async ({ password, vaultPassword, opId }, operation) => {
      if (deps.clipboard === undefined) throw new LatchkeyError('UNSUPPORTED', 'there is no clipboard here');
      const made = await deps.exportTransfer({ format: 'transfer', password, vaultPassword, confirmPlaintext: false, skipDamaged: false, ...(opId === undefined ? {} : { opId }) }, operation);
      const [file] = made.files;
      if (file === undefined) throw new Error('the transfer export made no block');
      // Cleared like a code: after the user's delay, at lock and at quit, if the clipboard still holds it.
      const clearsAt = await deps.clipboard.copy(Buffer.from(file.base64, 'base64').toString('utf8'), null);
      return { accounts: made.accounts, clearsAt };
    },
  };
}

/** An account added, changed or removed after the backup was verified: the backup no longer holds the vault. */
function accountsChangedAfter(accounts: readonly { readonly createdAt: number; readonly updatedAt: number }[], verification: { readonly verifiedAt: number; readonly vaultAccounts: number }): boolean {
  if (accounts.length !== verification.vaultAccounts) return true;
  // Compared in whole seconds, the verification's own unit (a change in the same second reads as not after it).
  return accounts.some((account) => Math.floor(Math.max(account.createdAt, account.updatedAt) / 1000) > verification.verifiedAt);
}
