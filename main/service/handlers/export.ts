import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { ExportFormat } from '../../../shared/export-api.js';
import { PLAINTEXT_EXPORTS } from '../../../shared/export-api.js';
import { LatchkeyError, UsageError } from '../../../shared/errors.js';
import { exportAegis, exportGoogleQr, exportHtmlSheet, exportOtpauthList, type ExportAccount, type ExportResult } from '../../formats/exports/index.js';
import { backupBytes, newBackupHeader, type SeededEntry } from '../../formats/latchkey-backup/index.js';
import { formatTransferBlock } from '../../formats/latchkey-transfer/index.js';
import { KDF_DEFAULT, passwordBytes, type VaultSession } from '../../vault/index.js';
import { accountOfSeededEntry, backupEntriesOf, leftOutWarning, zeroSeeds } from '../backup/backup-entries.js';
import type { Clock, HandlersFor } from '../handler-types.js';
import { keyUnlessCancelled } from '../key-unless-cancelled.js';
import { pageStages, type Operation } from '../operations.js';
import { assertStrongPassword } from '../password-policy.js';
import { afterReauth } from '../reauth.js';
import { writeNewFile } from '../secure-file.js';
import { fileErrorOf } from '../fs-words.js';
import type { UserPrompts } from '../user-prompts.js';
import type { VaultHost } from '../vault-host.js';

/** Where the transfer block's key derivation is told and cancelled (a plaintext export has no slow step). */
interface TransferSteps {
  readonly signal: AbortSignal;
  readonly stage: (stage: string) => void;
}

const SUGGESTED_SUFFIX: Record<ExportFormat, string> = { 'otpauth-list': '.txt', aegis: '.json', 'google-qr': '.png', html: '.html', transfer: '.txt' };

/**
 * Exports for leaving Latchkey (or moving accounts between machines). Every one is a copy of the
 * secrets, so every one needs the vault password again (SECURITY-NOTES §9.7), the transfer block
 * included; plaintext ones also need the caller's explicit confirmation. `export.create` (the CLI)
 * answers with the files' bytes; `export.save` (the app) asks the user where to put them, writes
 * them in main and answers with their names only.
 */
export function exportHandlers(host: VaultHost, clock: Clock, app: string, prompts: UserPrompts | undefined): HandlersFor<'export.create' | 'export.save'> {
  /** Damaged accounts stop an export (VAULT_INTEGRITY naming them) unless `skipDamaged`: then `leftOut` names them. */
  async function produce(
    session: VaultSession,
    format: ExportFormat,
    ids: readonly string[] | undefined,
    transferPassword: string | undefined,
    skipDamaged: boolean,
    steps: TransferSteps,
  ) {
    const leftOut: string[] = [];
    const entries = [...backupEntriesOf(session, ids, { skipDamaged, leftOut })];
    try {
      if (ids !== undefined && entries.length + leftOut.length !== new Set(ids).size) throw new LatchkeyError('NOT_FOUND', 'some of the chosen accounts are not in the vault');
      const result = await exportOf(entries, format, transferPassword, steps);
      // What the files hold, not what was asked for: a format may leave some out (each named in a warning).
      return { result, accounts: result.written, leftOut };
    } finally {
      // The seeds were bytes all the way; what the export made of them is the caller's to write.
      zeroSeeds(entries);
    }
  }

  async function exportOf(entries: readonly SeededEntry[], format: ExportFormat, transferPassword: string | undefined, steps: TransferSteps): Promise<ExportResult> {
    if (format === 'transfer') {
      if (transferPassword === undefined) throw new UsageError('the transfer block needs its own password');
      const runtime = await host.runtime();
      const kdf = runtime.kdf === 'calibrate' ? KDF_DEFAULT : runtime.kdf;
      const salt = new Uint8Array(randomBytes(16));
      steps.stage('Deriving the transfer key…');
      const deriving = runtime.deriveKey(passwordBytes(transferPassword), salt, kdf);
      const key = await keyUnlessCancelled(deriving, (late) => { runtime.sodium.memzero(late); }, steps.signal);
      try {
        const payload = backupBytes(runtime.sodium, key, newBackupHeader(runtime.sodium, key, { ...kdf, salt }, app), entries);
        return { files: [{ suffix: '.txt', mime: 'text/plain', bytes: new TextEncoder().encode(`${formatTransferBlock(payload)}\n`) }], warnings: [], written: entries.length };
      } finally {
        runtime.sodium.memzero(key);
      }
    }
    const accounts: ExportAccount[] = entries.map(accountOfSeededEntry);
    return format === 'otpauth-list'
      ? exportOtpauthList(accounts)
      : format === 'aegis'
        ? exportAegis(accounts)
        : format === 'google-qr'
          ? await exportGoogleQr(accounts)
          : await exportHtmlSheet(accounts, new Date(clock.now()));
  }

  function confirmed(format: ExportFormat, confirmPlaintext: boolean): void {
    if (PLAINTEXT_EXPORTS.includes(format) && !confirmPlaintext) {
      throw new UsageError('this export writes every secret in the clear: confirm it explicitly (--i-understand-this-is-plaintext)');
    }
  }

  /** The transfer key's derivation is the one slow step after the re-authentication: followed and cancellable. */
  function stepsOf(operation: Operation, opId: string | undefined): TransferSteps {
    return { signal: operation.signal, stage: pageStages(operation, opId) };
  }

  return {
    'export.create': async ({ format, ids, confirmPlaintext, password, vaultPassword, skipDamaged, opId }, operation) => {
      confirmed(format, confirmPlaintext);
      // A new password for a copy of secrets: the same rule as the vault's (PASSWORD_REJECTED).
      if (format === 'transfer' && password !== undefined) await assertStrongPassword(password, 'transfer');
      // Rate-limited like reveal, and before anything is read or produced.
      return afterReauth(
        host,
        vaultPassword,
        async (session) => {
          const { result, accounts, leftOut } = await produce(session, format, ids, password, skipDamaged, stepsOf(operation, opId));
          return {
            files: result.files.map((file) => ({ suffix: file.suffix, mime: file.mime, base64: Buffer.from(file.bytes).toString('base64') })),
            accounts,
            warnings: [...result.warnings],
            leftOut,
          };
        },
        operation,
      );
    },
    'export.save': ({ format, confirmPlaintext, vaultPassword, opId }, operation) => {
      confirmed(format, confirmPlaintext);
      if (prompts === undefined) throw new LatchkeyError('UNSUPPORTED', 'choosing where to save is not available here');
      return afterReauth(
        host,
        vaultPassword,
        async (session) => {
          // The page's line moves on from the password check while main's dialog is open.
          pageStages(operation, opId)('Choose where to save the file…');
          const chosen = await prompts.pickPath({ purpose: 'export', kind: 'save-file', suggestedName: `latchkey-export${SUGGESTED_SUFFIX[format]}` });
          if (chosen === undefined) throw new LatchkeyError('CANCELLED', 'no file was chosen; nothing was exported');
          // A cancel while the dialog was open: nothing is produced or written.
          operation.throwIfCancelled();
          // The app has no way to name a damaged account: it exports the rest and says which were left out.
          const { result, accounts, leftOut } = await produce(session, format, undefined, undefined, true, stepsOf(operation, opId));
          // The QR and HTML formats take a moment to draw: a cancel meanwhile still writes nothing.
          operation.throwIfCancelled();
          const names: string[] = [];
          for (const file of result.files) {
            // Several files (Google's QR batches) share the chosen name, each with its own suffix.
            const target = result.files.length === 1 ? chosen : join(dirname(chosen), basename(chosen).replace(/(\.[^.]+)?$/, file.suffix));
            try {
              writeNewFile(target, (append) => { append(file.bytes); }, { replace: false });
            } catch (error) {
              throw fileErrorOf(`cannot write ${basename(target)}`, basename(target), error);
            }
            names.push(basename(target));
          }
          return { files: names, accounts, warnings: [...result.warnings, ...(leftOut.length === 0 ? [] : [leftOutWarning(leftOut)])] };
        },
        operation,
      );
    },
  };
}
