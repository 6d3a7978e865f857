import type { RequestOf } from '../../../shared/api.js';
import { mutation, query } from './store.js';

/** The automatic backups' status: read again when main says it changed, and when another process wrote the vault. */
export const autoBackupStatus = query('backup.auto.status', (client, _: undefined) => client.call('backup.auto.status', {}), {
  refreshOn: ['backup.auto.changed', 'accounts.changed'],
  refreshOnFocus: true,
});

/** Main asks for the folder in its own dialog, then writes (and verifies) the first backup at once. */
export const enableAutoBackup = mutation((client, request: RequestOf<'backup.auto.enable'>) => client.call('backup.auto.enable', request));
export const disableAutoBackup = mutation((client, _: undefined) => client.call('backup.auto.disable', {}));
export const runAutoBackup = mutation((client, _: undefined) => client.call('backup.auto.run', {}));

/** Main asks where to save (its own dialog) and writes the file: no secret comes back to the page. */
export const saveExport = mutation((client, request: RequestOf<'export.save'>) => client.call('export.save', request));
