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

/** The last verified backup and whether the vault changed since: the main screen's age line. */
export const lastBackupVerification = query('backup.lastVerification', (client, _: undefined) => client.call('backup.lastVerification', {}), {
  refreshOn: ['backup.auto.changed', 'accounts.changed'],
  refreshOnFocus: true,
});
/** Backups by hand: main asks where to save, or which backup to open (its own dialogs). */
export const saveBackup = mutation((client, request: RequestOf<'backup.save'>) => client.call('backup.save', request));
export const checkBackup = mutation((client, request: RequestOf<'backup.check'>) => client.call('backup.check', request));
export const restoreCheckedBackup = mutation((client, request: RequestOf<'backup.restoreChecked'>) => client.call('backup.restoreChecked', request));
/** Main puts the transfer block on the clipboard itself: the page never holds it. */
export const copyTransfer = mutation((client, request: RequestOf<'transfer.copy'>) => client.call('transfer.copy', request));
