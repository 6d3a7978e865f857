import { UsageError } from '../../../shared/errors.js';
import type { BackupSteps } from '../backup/backup-file.js';
import { createBackup, restoreBackup, verifyBackup } from '../backup/backup-operations.js';
import { fileErrorOf } from '../fs-words.js';
import type { Clock, HandlersFor } from '../handler-types.js';
import { backupByHandHandlers, type ByHandDeps } from './backup-by-hand.js';
import { pageStages, type Operation } from '../operations.js';
import { assertStrongPassword } from '../password-policy.js';
import { afterReauth } from '../reauth.js';
import type { VaultHost } from '../vault-host.js';

type BackupChannel = 'backup.create' | 'backup.verify' | 'backup.restore';

/** A request's cancel, and its stages for a caller that follows them (the CLI's stderr stays as it was). */
function stepsOf(operation: Operation, opId: string | undefined): BackupSteps {
  return { signal: operation.signal, stage: pageStages(operation, opId) };
}

export function backupHandlers(host: VaultHost, clock: Clock, app: string, byHand: Omit<ByHandDeps, 'host' | 'clock' | 'app'>): HandlersFor<BackupChannel | keyof ReturnType<typeof backupByHandHandlers>> {
  return {
    // The app's: main asks for the file (backup-by-hand.ts).
    ...backupByHandHandlers({ host, clock, app, ...byHand }),
    // A backup is a copy of every secret: the vault password again, like reveal.
    'backup.create': async ({ path, password, vaultPassword, replace, skipDamaged, opId }, operation) => {
      await assertStrongPassword(password, 'backup');
      return afterReauth(
        host,
        vaultPassword,
        async (session) => {
          const leftOut: string[] = [];
          // A full disk or a missing folder is said in words (nothing is left behind), not a crash.
          const written = await createBackup(session, await host.runtime(), path, password, app, replace, { skipDamaged, leftOut }, stepsOf(operation, opId)).catch((error: unknown) => {
            throw fileErrorOf(`cannot write the backup ${path}`, path, error);
          });
          return { path, ...written, leftOut };
        },
        operation,
      );
    },
    'backup.verify': ({ path, password, opId }, operation) =>
      host.serialized(async () => verifyBackup(host.session(), await host.runtime(), path, password, clock.now(), stepsOf(operation, opId))),
    'backup.restore': ({ path, password, mode, vaultPassword, opId }, operation) => {
      const restore = async () => restoreBackup(host.session(), await host.runtime(), path, password, mode, stepsOf(operation, opId));
      if (mode === 'merge') return host.serialized(restore);
      // Replace empties the vault first, with no undo: the vault password again.
      if (vaultPassword === undefined) throw new UsageError('restoring with replace empties the vault: give the vault password again (vaultPassword)');
      return afterReauth(host, vaultPassword, restore, operation);
    },
  };
}
