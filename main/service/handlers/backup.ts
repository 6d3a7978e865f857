import { UsageError } from '../../../shared/errors.js';
import { createBackup, restoreBackup, verifyBackup } from '../backup/backup-operations.js';
import type { Clock, HandlersFor } from '../handler-types.js';
import { assertStrongPassword } from '../password-policy.js';
import { afterReauth } from '../reauth.js';
import type { VaultHost } from '../vault-host.js';

type BackupChannel = 'backup.create' | 'backup.verify' | 'backup.restore' | 'backup.lastVerification';

export function backupHandlers(host: VaultHost, clock: Clock, app: string): HandlersFor<BackupChannel> {
  return {
    // A backup is a copy of every secret: the vault password again, like reveal.
    'backup.create': async ({ path, password, vaultPassword, replace, skipDamaged }) => {
      await assertStrongPassword(password, 'backup');
      return afterReauth(host, vaultPassword, async (session) => {
        const leftOut: string[] = [];
        return { path, ...(await createBackup(session, await host.runtime(), path, password, app, replace, { skipDamaged, leftOut })), leftOut };
      });
    },
    'backup.verify': ({ path, password }) => host.serialized(async () => verifyBackup(host.session(), await host.runtime(), path, password, clock.now())),
    'backup.restore': ({ path, password, mode, vaultPassword }) => {
      const restore = async () => restoreBackup(host.session(), await host.runtime(), path, password, mode);
      if (mode === 'merge') return host.serialized(restore);
      // Replace empties the vault first, with no undo: the vault password again.
      if (vaultPassword === undefined) throw new UsageError('restoring with replace empties the vault: give the vault password again (vaultPassword)');
      return afterReauth(host, vaultPassword, restore);
    },
    'backup.lastVerification': () => ({ verification: host.session().records.get('backup-verification') ?? null }),
  };
}
