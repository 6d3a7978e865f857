import { randomBytes } from 'node:crypto';
import { PLAINTEXT_EXPORTS } from '../../../shared/export-api.js';
import { LatchkeyError, UsageError } from '../../../shared/errors.js';
import { exportAegis, exportGoogleQr, exportHtmlSheet, exportOtpauthList, type ExportAccount, type ExportResult } from '../../formats/exports/index.js';
import { backupBytes, newBackupHeader } from '../../formats/latchkey-backup/index.js';
import { formatTransferBlock } from '../../formats/latchkey-transfer/index.js';
import { KDF_DEFAULT } from '../../vault/index.js';
import { accountOfEntry, backupEntriesOf } from '../backup/backup-entries.js';
import type { Clock, HandlersFor } from '../handler-types.js';
import type { VaultHost } from '../vault-host.js';

/**
 * Exports for leaving Latchkey (or moving accounts between machines). Plaintext ones need the
 * caller's explicit confirmation and the vault password again (SECURITY-NOTES §9.7: no channel
 * yields seed bytes without a fresh re-auth); the transfer block is encrypted with its own password.
 */
export function exportHandlers(host: VaultHost, clock: Clock, app: string): HandlersFor<'export.create'> {
  return {
    'export.create': ({ format, ids, confirmPlaintext, password, vaultPassword }) =>
      host.serialized(async () => {
        const session = host.session();
        if (PLAINTEXT_EXPORTS.includes(format)) {
          if (!confirmPlaintext) throw new UsageError('this export writes every secret in the clear: confirm it explicitly (--i-understand-this-is-plaintext)');
          if (vaultPassword === undefined) throw new LatchkeyError('INVALID_REQUEST', 'a plaintext export needs the vault password again (vaultPassword)');
          // Like accounts.reveal: rate-limited, and before anything is read or produced.
          await session.reauthenticate(vaultPassword);
        }
        const entries = [...backupEntriesOf(session, ids)];
        if (ids !== undefined && entries.length !== new Set(ids).size) throw new LatchkeyError('NOT_FOUND', 'some of the chosen accounts are not in the vault');
        let result: ExportResult;
        if (format === 'transfer') {
          if (password === undefined) throw new UsageError('the transfer block needs its own password');
          const runtime = await host.runtime();
          const kdf = runtime.kdf === 'calibrate' ? KDF_DEFAULT : runtime.kdf;
          const salt = new Uint8Array(randomBytes(16));
          const { key } = await runtime.deriveKey(new TextEncoder().encode(password), salt, kdf);
          try {
            const payload = backupBytes(runtime.sodium, key, newBackupHeader(runtime.sodium, key, { ...kdf, salt }, app), entries);
            result = { files: [{ suffix: '.txt', mime: 'text/plain', bytes: new TextEncoder().encode(`${formatTransferBlock(payload)}\n`) }], warnings: [] };
          } finally {
            runtime.sodium.memzero(key);
          }
        } else {
          const accounts: ExportAccount[] = entries.map(accountOfEntry);
          result =
            format === 'otpauth-list'
              ? exportOtpauthList(accounts)
              : format === 'aegis'
                ? exportAegis(accounts)
                : format === 'google-qr'
                  ? await exportGoogleQr(accounts)
                  : await exportHtmlSheet(accounts, new Date(clock.now()));
        }
        return {
          files: result.files.map((file) => ({ suffix: file.suffix, mime: file.mime, base64: Buffer.from(file.bytes).toString('base64') })),
          accounts: entries.length,
          warnings: [...result.warnings],
        };
      }),
  };
}
