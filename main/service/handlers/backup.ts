import { backupVerificationSchema } from '../../../shared/backup-api.js';
import { createBackup, restoreBackup, VERIFICATION_RECORD, verifyBackup } from '../backup/backup-operations.js';
import type { Clock, HandlersFor } from '../handler-types.js';
import type { VaultHost } from '../vault-host.js';

type BackupChannel = 'backup.create' | 'backup.verify' | 'backup.restore' | 'backup.lastVerification';

export function backupHandlers(host: VaultHost, clock: Clock, app: string): HandlersFor<BackupChannel> {
  return {
    'backup.create': ({ path, password }) =>
      host.serialized(async () => ({ path, ...(await createBackup(host.session(), await host.runtime(), path, password, app)) })),
    'backup.verify': ({ path, password }) => host.serialized(async () => verifyBackup(host.session(), await host.runtime(), path, password, clock.now())),
    'backup.restore': ({ path, password, mode }) => host.serialized(async () => restoreBackup(host.session(), await host.runtime(), path, password, mode)),
    'backup.lastVerification': () => {
      const record = backupVerificationSchema.safeParse(host.session().getRecord(VERIFICATION_RECORD));
      return { verification: record.success ? record.data : null };
    },
  };
}
