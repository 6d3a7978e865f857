import { Option, type Command } from 'commander';
import { EXPORT_FORMATS, PLAINTEXT_EXPORTS, type ExportFormat } from '../../../shared/export-api.js';
import { LatchkeyError, UsageError } from '../../../shared/errors.js';
import { fileErrorOf, writeNewFile } from '../../service/index.js';
import type { CliContext } from '../context.js';
import { plural, printResult, printWarnings } from '../output.js';
import { promptNewPassword, readSecretFile } from '../credential-source.js';
import { leftOutLine, SKIP_DAMAGED_OPTION } from './backup/register-backup.js';

interface ExportOptions {
  readonly format: ExportFormat;
  readonly iUnderstandThisIsPlaintext: boolean;
  readonly transferPasswordFile?: string;
  readonly skipDamaged: boolean;
}

export function registerExport(program: Command, context: CliContext): void {
  const { io } = context;
  program
    .command('export')
    .summary('export accounts: for another app, paper, or another machine')
    .argument('<file>', 'where to write ("-" prints text formats on stdout)')
    .argument('[query]', 'only the accounts matching this (issuer or label)')
    .addOption(new Option('--format <format>', 'otpauth-list, aegis, google-qr (PNG per 10 accounts), html (printable QR sheet) or transfer (encrypted block to paste)').choices(EXPORT_FORMATS).default('otpauth-list'))
    .option('--i-understand-this-is-plaintext', 'confirm that the file will hold every secret in the clear', false)
    .option('--transfer-password-file <file>', "the transfer block's own password")
    .option(...SKIP_DAMAGED_OPTION)
    .addHelpText(
      'after',
      `
Every format but "transfer" writes the secrets in the clear and needs --i-understand-this-is-plaintext.
Keep such a file off cloud folders and delete it when done. A transfer block is imported on the other
machine with \`latchkey import BLOCK.txt\` (or pasted in the app). An account that no longer opens
(see \`latchkey vault verify\`) can't be exported: the export fails naming its id, unless
--skip-damaged leaves it out. The count printed is what the files hold.

Examples:
  $ latchkey export accounts.txt --i-understand-this-is-plaintext
  $ latchkey export aegis.json --format aegis --i-understand-this-is-plaintext
  $ latchkey export google.png --format google-qr --i-understand-this-is-plaintext
  $ latchkey export sheet.html --format html --i-understand-this-is-plaintext
  $ latchkey export - github --format transfer --transfer-password-file pw.txt`,
    )
    .action(async (file: string, query: string | undefined, options: ExportOptions, cmd: Command) => {
      const plaintext = PLAINTEXT_EXPORTS.includes(options.format);
      if (plaintext && !options.iUnderstandThisIsPlaintext) {
        throw new UsageError(`--format ${options.format} writes every secret in the clear: add --i-understand-this-is-plaintext`);
      }
      if (options.format === 'google-qr' && file === '-') throw new UsageError('google-qr writes PNG files: give a file name');
      const connection = context.connect(cmd);
      await connection.unlock();
      let password: string | undefined;
      if (options.format === 'transfer') {
        // A new password, as strong as the vault's: judged as typed and asked twice at a terminal.
        if (options.transferPasswordFile !== undefined) password = await readSecretFile(options.transferPasswordFile, io);
        else if (io.interactive) password = await promptNewPassword(io, connection.client, 'transfer');
        else throw new UsageError('the transfer block needs a password: give --transfer-password-file FILE');
      }
      let ids: string[] | undefined;
      if (query !== undefined) {
        ids = (await connection.client.call('accounts.list', { query })).accounts.map((a) => a.id);
        if (ids.length === 0) throw new LatchkeyError('NOT_FOUND', `no account matches "${query}"`);
      }
      // Every export re-authenticates with the vault password: the one the unlock read.
      const result = await connection.client.call('export.create', {
        format: options.format,
        confirmPlaintext: options.iUnderstandThisIsPlaintext,
        ...(ids === undefined ? {} : { ids }),
        ...(password === undefined ? {} : { password }),
        vaultPassword: await connection.vaultPassword(),
        skipDamaged: options.skipDamaged,
      });
      printWarnings(io, [...result.warnings, ...(result.leftOut.length === 0 ? [] : [leftOutLine(result.leftOut)])]);
      const written: string[] = [];
      for (const exported of result.files) {
        const bytes = Buffer.from(exported.base64, 'base64');
        if (file === '-') {
          io.writeOut(bytes.toString('utf8'));
          continue;
        }
        const target = result.files.length === 1 ? file : file.replace(/(\.[^./]+)?$/, exported.suffix);
        // Always a new 0600 file, even over an existing one (whose mode and owner would otherwise stay).
        try {
          writeNewFile(target, (append) => { append(bytes); }, { replace: true });
        } catch (error) {
          throw fileErrorOf(`cannot write ${target}`, target, error);
        }
        written.push(target);
      }
      if (plaintext && written.length > 0) io.writeErr(`latchkey: warning: ${written.join(', ')} hold${written.length === 1 ? 's' : ''} your secrets in the clear; delete when done\n`);
      if (file !== '-') printResult(io, connection.globals.json, { files: written, accounts: result.accounts, leftOut: result.leftOut }, () => `Exported ${plural(result.accounts, 'account')} to ${written.join(', ')}.`);
    });
}
