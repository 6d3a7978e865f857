export { BackupError } from './backup-error.js';
export { BACKUP_VERSION, backupEntrySchema, MAGIC as BACKUP_MAGIC } from './backup-format.js';
export type { BackupEntry, BackupHeader } from './backup-format.js';
export { keyCheck, newBackupHeader } from './backup-key.js';
export { BackupReader, readPrelude } from './backup-reader.js';
export type { BackupPrelude } from './backup-reader.js';
export { BackupWriter } from './backup-writer.js';
export { backupBytes, backupPreludeOf, readBackupBytes } from './backup-bytes.js';
