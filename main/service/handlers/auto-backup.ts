import type { AutoBackup } from '../backup/auto-backup.js';
import type { HandlersFor } from '../handler-types.js';

type AutoBackupChannel = 'backup.auto.configure' | 'backup.auto.disable' | 'backup.auto.status' | 'backup.auto.run';

export function autoBackupHandlers(auto: AutoBackup): HandlersFor<AutoBackupChannel> {
  return {
    'backup.auto.configure': ({ folder, password, keep }) => auto.configure({ folder, password, keep }),
    'backup.auto.disable': () => auto.disable(),
    'backup.auto.status': () => auto.status(),
    'backup.auto.run': () => auto.run(),
  };
}
