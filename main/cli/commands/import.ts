import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { LatchkeyError, UsageError } from '../../../shared/errors.js';
import { MAX_IMPORT_BYTES, type ImportPreview } from '../../../shared/import-api.js';
import { fileErrorOf, IMPORT_FORMAT_IDS } from '../../service/index.js';
import type { CliContext, Connection } from '../context.js';
import { unlockForPreview } from '../dry-run.js';
import type { CliIo } from '../io.js';
import { accountJson, accountName, plural, printResult, printWarnings } from '../output.js';
import { sourceName } from '../source-name.js';
import { readSecretFile } from '../credential-source.js';
import { keyTarget, putOnKey, TO_KEY_HELP, toKeyText, type ToKeyFlags } from './to-key.js';

interface ImportOptions extends ToKeyFlags {
  readonly format?: string;
  readonly importPasswordFile?: string;
  readonly dryRun: boolean;
  readonly showSecrets: boolean;
}


export function registerImport(program: Command, context: CliContext): void {
  const { io } = context;
  program
    .command('import')
    .summary('import accounts from another app’s export')
    .argument('<files...>', 'export files: Aegis, 2FAS, andOTP, Bitwarden, FreeOTP+, Ente, Google Authenticator, otpauth:// lists, Latchkey transfer blocks ("-": text on stdin)')
    .option('--format <id>', `skip detection: ${IMPORT_FORMAT_IDS.join(', ')}`)
    .option('--import-password-file <file>', "the export's own password, from the file's first line (asked at a terminal otherwise)")
    .option('--dry-run', 'only show the preview; writes nothing (duplicates are marked when a vault password source is given)', false)
    .option('--show-secrets', 'include each Base32 secret in the preview', false)
    .option('--to-key <serial>', 'put the accounts on this OATH key through the sync plan (and into the vault, unless --key-only)')
    .option('--key-only', 'with --to-key: the secrets go on the key only, never into the vault', false)
    .addHelpText(
      'after',
      `
Shows a preview (accounts, entries that can't be imported and why, duplicates of accounts already in
the vault), then asks before writing; --yes skips the question. Duplicates (same secret and type)
are skipped. All accounts of a file are written in one transaction. With --json:
{ accounts, warnings, invalid }.

Examples:
  $ latchkey import aegis-export.json
  $ latchkey import aegis-encrypted.json --import-password-file aegis-pw.txt --yes
  $ latchkey import ente-export.txt --dry-run --json
  $ latchkey import bitwarden_export.csv --format bitwarden
  $ wl-paste | latchkey import - --import-password-file transfer-pw.txt --yes
  $ latchkey import aegis-export.json --to-key 12345678 --key-only --yes
${TO_KEY_HELP}`,
    )
    .action(async (files: string[], options: ImportOptions, cmd: Command) => {
      const connection = context.connect(cmd);
      const { client, globals } = connection;
      const filePassword = options.importPasswordFile === undefined ? undefined : await readSecretFile(options.importPasswordFile, io);
      const target = keyTarget(options);
      // Onto a key, even a dry run plans against the vault (what it holds already): it is unlocked.
      const duplicates = await unlockForPreview(connection, io, options.dryRun && target === undefined);
      const previews: ImportPreview[] = [];
      const sources: { kind: 'file'; fileBase64: string; format?: string; password?: string }[] = [];
      for (const file of files) {
        // "-" reads a pasted text export (a transfer block, otpauth:// lines) from standard input.
        const fileBase64 = (file === '-' ? await readExportFromStdin(io) : readExport(file)).toString('base64');
        const request = { fileBase64, fileName: sourceName(file, 1024), showSecrets: options.showSecrets, ...(options.format === undefined ? {} : { format: options.format }) };
        const { preview, password } = await previewWithPassword(io, client, request, file, filePassword);
        previews.push(preview);
        sources.push({ kind: 'file', fileBase64, ...(options.format === undefined ? {} : { format: options.format }), ...(password === undefined ? {} : { password }) });
      }

      const accounts = previews.flatMap((preview) => preview.accounts.map((account) => ({ ...accountJson(account), source: account.source, duplicate: account.duplicate })));
      const invalid = previews.flatMap((preview) => preview.invalid.map((entry) => ({ ...entry, source: preview.accounts[0]?.source ?? '' })));
      const warnings = [...previews.flatMap((preview) => preview.warnings), ...(duplicates.checked ? [] : [duplicates.warning])];
      printWarnings(io, warnings);
      const fresh = previews.reduce((sum, preview) => sum + preview.accounts.filter((a) => !a.duplicate).length, 0);
      if (target !== undefined) {
        const toKey = await putOnKey(connection, io, sources, target, options.dryRun);
        printWarnings(io, toKey.flatMap((reply) => reply.warnings));
        printResult(io, globals.json, { accounts, warnings, invalid, duplicatesChecked: duplicates.checked, toKey }, () => toKeyText(toKey, target, options.dryRun));
        return;
      }

      let added = 0;
      if (!options.dryRun && fresh > 0 && (await confirmed(io, globals.yes, fresh))) {
        for (const preview of previews) added += (await client.call('import.commit', { previewId: preview.previewId })).added.length;
      }
      printResult(io, globals.json, { accounts, warnings, invalid, duplicatesChecked: duplicates.checked }, () =>
        [
          ...previews.map((preview) => `${preview.formatName}: ${plural(preview.accounts.length, 'account')}`),
          ...previews.flatMap((preview) => preview.accounts.map((a) => `  ${accountName(a)}${a.duplicate ? '  (already in the vault: skipped)' : ''}${a.secretBase32 === undefined ? '' : `  ${a.secretBase32}`}`)),
          ...invalid.map((entry) => `  not imported: entry ${String(entry.index)} (${entry.field}): ${entry.reason}`),
          options.dryRun ? 'Nothing was written (--dry-run).' : `Imported ${plural(added, 'account')}.`,
        ].join('\n'),
      );
    });
}

interface PreviewRequest { fileBase64: string; fileName: string; showSecrets: boolean; format?: string }

/** Asks for the export's password at a terminal when the file turns out to need one. */
async function previewWithPassword(
  io: CliIo,
  client: Connection['client'],
  request: PreviewRequest,
  file: string,
  password: string | undefined,
): Promise<{ preview: ImportPreview; password: string | undefined }> {
  try {
    return { preview: await client.call('import.preview', password === undefined ? request : { ...request, password }), password };
  } catch (error) {
    if (!(error instanceof LatchkeyError) || error.code !== 'IMPORT_WRONG_PASSWORD' || password !== undefined || !io.interactive) throw error;
    const typed = await io.prompt(`Password for ${file}: `, { hidden: true });
    return { preview: await client.call('import.preview', { ...request, password: typed }), password: typed };
  }
}

async function confirmed(io: CliIo, yes: boolean, count: number): Promise<boolean> {
  if (yes) return true;
  if (!io.interactive) throw new UsageError('importing needs confirmation: add --yes (or --dry-run to only preview)');
  const answer = await io.prompt(`Import ${plural(count, 'account')} into the vault? [y/N] `);
  if (!/^y(es)?$/i.test(answer.trim())) throw new LatchkeyError('CANCELLED', 'nothing was imported');
  return true;
}

function readExport(path: string): Buffer {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw fileErrorOf(`cannot read ${path}`, path, error);
  }
  // Checked before a byte is read (SECURITY-NOTES §8): a 50 MB file is too large, whatever its format.
  if (size > MAX_IMPORT_BYTES) throw tooLarge(path);
  try {
    return readFileSync(path);
  } catch (error) {
    // A folder passes the size check; reading it is EISDIR.
    throw fileErrorOf(`cannot read ${path}`, path, error);
  }
}

async function readExportFromStdin(io: CliIo): Promise<Buffer> {
  const bytes = Buffer.from(await io.readStdin(), 'utf8');
  if (bytes.length > MAX_IMPORT_BYTES) throw tooLarge('standard input');
  return bytes;
}

function tooLarge(path: string): LatchkeyError {
  return new LatchkeyError('IMPORT_TOO_LARGE', `${path} is over ${String(MAX_IMPORT_BYTES / (1024 * 1024))} MiB: no export we read is that large`, { path });
}
