import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { MAX_IMAGE_BYTES, type EnrollResult } from '../../../shared/enroll-api.js';
import { LatchkeyError, UsageError } from '../../../shared/errors.js';
import { fileErrorOf, readClipboard } from '../../service/index.js';
import type { CliContext } from '../context.js';
import { unlockForPreview } from '../dry-run.js';
import type { CliIo } from '../io.js';
import { accountJson, accountName, plural, printResult, printWarnings } from '../output.js';
import { sourceName } from '../source-name.js';
import { keyTarget, putOnKey, TO_KEY_HELP, toKeyText, type ToKeyFlags } from './to-key.js';

interface ScanOptions extends ToKeyFlags {
  readonly screen: boolean;
  readonly clipboard: boolean;
  readonly dryRun: boolean;
  readonly showSecrets: boolean;
}

export function registerScan(program: Command, context: CliContext): void {
  const { io } = context;
  program
    .command('scan')
    .summary('add accounts from QR codes in images, on the screen or in the clipboard')
    .argument('[files...]', 'image files (PNG, JPEG, WebP, BMP, GIF; "-": an image on standard input); every QR code in each is read')
    .option('--screen', 'take a screenshot and read the QR codes on it', false)
    .option('--clipboard', 'read a QR image, or otpauth:// links, from the clipboard', false)
    .option('--dry-run', 'only show what would be added; writes nothing (duplicates are marked when a vault password source is given)', false)
    .option('--show-secrets', 'include each Base32 secret in the output', false)
    .option('--to-key <serial>', 'put the accounts of the image files on this OATH key through the sync plan (and into the vault, unless --key-only)')
    .option('--key-only', 'with --to-key: the secrets go on the key only, never into the vault', false)
    .addHelpText(
      'after',
      `
Reads otpauth:// QR codes and Google Authenticator export QR codes (several parts in any order;
the missing ones are named). Accounts already in the vault (same secret and type) are skipped.
With --json: { accounts, warnings, invalid }.

Examples:
  $ latchkey scan ~/Downloads/github-2fa.png
  $ latchkey scan --screen
  $ latchkey scan export-1.png export-2.png export-3.png --dry-run --json
  $ latchkey scan --clipboard
  $ grim -g "$(slurp)" - | latchkey scan -
  $ latchkey scan github-2fa.png --to-key 12345678 --key-only --yes
${TO_KEY_HELP}`,
    )
    .action(async (files: string[], options: ScanOptions, cmd: Command) => {
      if (files.length === 0 && !options.screen && !options.clipboard) throw new UsageError('give image files, --screen or --clipboard (see latchkey scan --help)');
      const target = keyTarget(options);
      if (target !== undefined && (options.screen || options.clipboard)) throw new UsageError('--to-key reads image files only (not --screen or --clipboard)');
      const connection = context.connect(cmd);
      // Onto a key, even a dry run plans against the vault (what it holds already): it is unlocked.
      const duplicates = await unlockForPreview(connection, io, options.dryRun && target === undefined);
      const results: EnrollResult[] = [];
      const failures: { source: string; error: LatchkeyError }[] = [];
      const attempt = async (source: string, work: () => Promise<EnrollResult>) => {
        try {
          results.push(await work());
        } catch (error) {
          if (!(error instanceof LatchkeyError)) throw error;
          failures.push({ source, error });
        }
      };
      const { client } = connection;
      const showSecrets = options.showSecrets;
      const images: string[] = [];
      for (const file of files) {
        // "-": the image on standard input, read here so that a second "-" is USAGE, not a failed image.
        const image = file === '-' ? await readImageFromStdin(io) : undefined;
        await attempt(file, async () => {
          const imageBase64 = (image ?? readImageFile(file)).toString('base64');
          const result = await client.call('enroll.decodeImage', { imageBase64, source: sourceName(file, 256), showSecrets });
          images.push(imageBase64);
          return result;
        });
      }
      if (options.screen) await attempt('screen', () => client.call('enroll.captureScreen', { showSecrets }));
      if (options.clipboard) {
        await attempt('clipboard', async () => {
          const content = await readClipboard(io.env);
          return 'image' in content
            ? client.call('enroll.decodeImage', { imageBase64: Buffer.from(content.image).toString('base64'), source: 'clipboard', showSecrets })
            : client.call('enroll.decodeText', { text: content.text, source: 'clipboard', showSecrets });
        });
      }

      const candidates = results.flatMap((result) => result.candidates);
      const [firstFailure] = failures;
      if (candidates.length === 0 && firstFailure !== undefined) throw firstFailure.error;
      const invalid = [
        ...results.flatMap((result) => result.invalid),
        ...failures.map(({ source, error }, index) => ({ index, field: error.code, reason: `${source}: ${error.message}` })),
      ];
      const warnings = [
        ...results.flatMap((result) => result.warnings),
        ...lastProgress(results).flatMap((batch) =>
          batch.missing.length === 0 ? [] : [`Google export: QR ${batch.missing.map((i) => String(i + 1)).join(', ')} of ${String(batch.size)} not scanned yet`],
        ),
        ...(duplicates.checked ? [] : [duplicates.warning]),
      ];
      if (target !== undefined) {
        const accounts = candidates.map((c) => ({ ...accountJson(c), source: c.source, duplicate: c.duplicate }));
        const toKey = await putOnKey(connection, io, [{ kind: 'images', imagesBase64: images }], target, options.dryRun);
        printWarnings(io, [...warnings, ...toKey.flatMap((reply) => reply.warnings)]);
        printResult(io, connection.globals.json, { accounts, warnings, invalid, duplicatesChecked: duplicates.checked, toKey }, () => toKeyText(toKey, target, options.dryRun));
        return;
      }
      let added = 0;
      if (!options.dryRun) {
        const committed = await client.call('enroll.commit', { ids: candidates.map((c) => c.id) });
        added = committed.added.length;
      }
      printWarnings(io, warnings);
      const accounts = candidates.map((c) => ({ ...accountJson(c), source: c.source, duplicate: c.duplicate }));
      printResult(io, connection.globals.json, { accounts, warnings, invalid, duplicatesChecked: duplicates.checked }, () =>
        [
          `Found ${plural(candidates.length, 'account')}:`,
          ...candidates.map((c) => `  ${accountName(c)}${c.duplicate ? '  (already in the vault)' : ''}${c.secretBase32 === undefined ? '' : `  ${c.secretBase32}`}`),
          ...invalid.map((entry) => `  not read: ${entry.reason}`),
          options.dryRun ? 'Nothing was written (--dry-run).' : `Added ${String(added)} to the vault.`,
        ].join('\n'),
      );
    });
}

async function readImageFromStdin(io: CliIo): Promise<Buffer> {
  const bytes = io.readStdinBytes === undefined ? Buffer.from(await io.readStdin(), 'utf8') : Buffer.from(await io.readStdinBytes());
  if (bytes.length === 0) throw new LatchkeyError('QR_INVALID_IMAGE', 'standard input holds no image (scan - reads one from it)');
  if (bytes.length > MAX_IMAGE_BYTES) throw new LatchkeyError('QR_IMAGE_TOO_LARGE', `the image on standard input is over ${String(MAX_IMAGE_BYTES / (1024 * 1024))} MiB`);
  return bytes;
}

function readImageFile(path: string): Buffer {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw fileErrorOf(`cannot read ${path}`, path, error);
  }
  // Before a byte is read; the service's request takes no larger image.
  if (size > MAX_IMAGE_BYTES) throw new LatchkeyError('QR_IMAGE_TOO_LARGE', `${path} is over ${String(MAX_IMAGE_BYTES / (1024 * 1024))} MiB`, { path });
  try {
    return readFileSync(path);
  } catch (error) {
    // A folder passes the size check; reading it is EISDIR.
    throw fileErrorOf(`cannot read ${path}`, path, error);
  }
}

function lastProgress(results: readonly EnrollResult[]): EnrollResult['batches'] {
  const byId = new Map<number, EnrollResult['batches'][number]>();
  for (const batch of results.flatMap((result) => result.batches)) byId.set(batch.batchId, batch);
  return [...byId.values()];
}
