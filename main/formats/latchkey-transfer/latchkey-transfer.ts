import sodium from 'libsodium-wrappers-sumo';
import { LatchkeyError } from '../../../shared/errors.js';
import { ImportError } from '../import-error.js';
import { importKdfs } from '../import-kdf.js';
import { accountOfEntry, backupPreludeOf, readBackupBytes } from '../latchkey-backup/index.js';
import type { ImportedAccount, ImportFormat } from '../types.js';
import { parseTransferBlock, TRANSFER_PREFIX } from './transfer-block.js';

const MiB = 1024 * 1024;

/** Latchkey's own transfer block, pasted from another machine's `export --format transfer`. */
export const latchkeyTransferFormat: ImportFormat = {
  name: 'Latchkey transfer block',
  mayBeEncrypted: true,
  detect: (bytes) => (new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().startsWith(TRANSFER_PREFIX) ? 0.99 : 0),
  parse: async (bytes, options) => {
    const payload = parseTransferBlock(new TextDecoder().decode(bytes));
    let prelude;
    try {
      prelude = backupPreludeOf(payload);
    } catch (error) {
      throw asImportError(error);
    }
    const { ops, mem } = prelude.header;
    // Our own payload keeps our vault's box: 2-10 passes, 64 MiB-1 GiB.
    if (!(ops >= 2 && ops <= 10 && mem >= 64 * MiB && mem <= 1024 * MiB)) {
      throw new ImportError('KDF_PARAMS_OUT_OF_RANGE', 'the transfer block asks for key-derivation parameters outside the allowed box');
    }
    if (options.password === undefined) throw new ImportError('IMPORT_WRONG_PASSWORD', 'the transfer block is encrypted: its password is needed');
    const argon2id = importKdfs(options).argon2id();
    if (argon2id === undefined) throw new ImportError('IMPORT_UNREADABLE', 'no key derivation is available here');
    await sodium.ready;
    const key = await argon2id(new TextEncoder().encode(options.password), new Uint8Array(Buffer.from(prelude.header.salt, 'base64')), ops, mem);
    try {
      const entries = readBackupBytes(sodium, key, payload, prelude);
      const accounts: ImportedAccount[] = entries.map((entry) => {
        const { icon: _icon, recoveryCodes: _codes, createdAt: _created, updatedAt: _updated, ...account } = accountOfEntry(entry);
        return account;
      });
      return { accounts, warnings: [], invalid: [] };
    } catch (error) {
      throw asImportError(error);
    } finally {
      sodium.memzero(key);
    }
  },
};

/** Backup-format problems, seen through the import door, under import codes. */
function asImportError(error: unknown): unknown {
  if (error instanceof ImportError) return error;
  if (!(error instanceof LatchkeyError)) return new ImportError('IMPORT_MALFORMED', 'the transfer block holds an invalid account', { path: '$' });
  switch (error.code) {
    case 'BACKUP_WRONG_PASSWORD':
      return new ImportError('IMPORT_WRONG_PASSWORD', 'wrong password for the transfer block');
    case 'BACKUP_INTEGRITY':
      return new ImportError('IMPORT_INTEGRITY', 'the transfer block fails its integrity check');
    case 'BACKUP_TOO_NEW':
      return new ImportError('IMPORT_UNSUPPORTED_VERSION', 'the transfer block was made by a newer Latchkey');
    default:
      return new ImportError('IMPORT_MALFORMED', `the transfer block is damaged: ${error.message}`, { path: '$' });
  }
}
