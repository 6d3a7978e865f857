import { LatchkeyError } from '../../../shared/errors.js';
import type { AutoBackup } from '../backup/auto-backup.js';
import type { HandlersFor } from '../handler-types.js';
import { pageStages } from '../operations.js';
import { assertStrongPassword } from '../password-policy.js';
import { afterReauth } from '../reauth.js';
import type { UserPrompts } from '../user-prompts.js';
import type { VaultHost } from '../vault-host.js';

type AutoBackupChannel = 'backup.auto.configure' | 'backup.auto.enable' | 'backup.auto.disable' | 'backup.auto.status' | 'backup.auto.run';

/**
 * Turning automatic backups on makes a standing copy of every secret: it needs the vault password
 * again. The app's `enable` asks the user for the folder in main; only the CLI's `configure` names one.
 */
export function autoBackupHandlers(host: VaultHost, auto: AutoBackup, prompts: UserPrompts | undefined): HandlersFor<AutoBackupChannel> {
  return {
    'backup.auto.configure': async ({ folder, password, vaultPassword, keep }, operation) => {
      await assertStrongPassword(password, 'backup');
      return afterReauth(host, vaultPassword, () => auto.configure({ folder, password, keep }), operation);
    },
    'backup.auto.enable': async ({ password, vaultPassword, keep, opId }, operation) => {
      if (prompts === undefined) throw new LatchkeyError('UNSUPPORTED', 'choosing a folder is not available here');
      await assertStrongPassword(password, 'backup');
      // The password first: a page without it must not even open the folder dialog.
      await afterReauth(host, vaultPassword, () => undefined, operation);
      const stage = pageStages(operation, opId);
      stage('Choose a folder for the backups…');
      const folder = await prompts.pickPath({ purpose: 'backup-folder', kind: 'folder' });
      if (folder === undefined) throw new LatchkeyError('CANCELLED', 'no folder was chosen; automatic backups stay off');
      operation.throwIfCancelled();
      // The first backup is written (and verified) now, so a folder that can't be written shows here.
      // Cancelled while one of its keys is derived, nothing is kept: no settings, no file.
      return auto.enable({ folder, password, keep }, { signal: operation.signal, stage });
    },
    'backup.auto.disable': () => auto.disable(),
    'backup.auto.status': () => auto.status(),
    // Asked for by the user: a backup that fails is an error, not a status to read later.
    'backup.auto.run': () => auto.runRequested(),
  };
}
