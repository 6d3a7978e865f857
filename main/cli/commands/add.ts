import { readFileSync, statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { AccountInvalidError, LatchkeyError, UsageError } from '../../../shared/errors.js';
import { fileErrorOf } from '../../service/index.js';
import type { CliContext } from '../context.js';
import { addOtpOptions, otpRequestFields, type OtpOptions } from '../otp-options.js';
import { accountName, printResult, printWarnings, viewJson } from '../output.js';
import { resolveSecretArgument } from '../secret-argument.js';

interface AddOptions extends OtpOptions {
  readonly uri?: string;
  readonly secret?: string;
  readonly issuer?: string;
  readonly label?: string;
  readonly allowDuplicate: boolean;
  readonly tag: string[];
  readonly note?: string;
  readonly recoveryCodes?: string;
}

export function registerAdd(program: Command, context: CliContext): void {
  const command = program
    .command('add')
    .summary('add an account to the vault')
    .addOption(new Option('--uri <uri>', 'an otpauth:// URI').conflicts(['secret', 'type', 'algorithm', 'digits', 'period', 'counter']))
    .option('--secret <base32>', 'a Base32 secret ("-" reads it from standard input)')
    .option('--issuer <name>', 'the service, e.g. "GitHub" (with --uri: replaces the link\'s)')
    .option('--label <name>', 'the account name, e.g. "alice@example.com" (with --uri: replaces the link\'s)')
    .option('--allow-duplicate', 'add it even when an account with the same secret and type is in the vault', false)
    .addOption(new Option('--tag <tag>', 'a tag (repeatable)').argParser((value: string, previous: string[]) => [...previous, value]).default([]))
    .option('--note <text>', 'a private note, sealed apart from the listing')
    .option('--recovery-codes <file>', "the site's recovery codes, one per line");
  addOtpOptions(command)
    .addHelpText(
      'after',
      `
An account needs a name: an issuer, a label or both (ACCOUNT_INVALID otherwise). One with the same
secret and type as an account already in the vault is refused (ACCOUNT_DUPLICATE, exit 43) unless
--allow-duplicate. Names are at most 256 characters.

Examples:
  $ latchkey add --uri - < github-link.txt
  $ latchkey add --uri - --issuer "GitHub (work)" < github-link.txt
  $ latchkey add --secret - --issuer GitHub --label alice --tag work < secret.txt
  $ latchkey add --secret - --type steam --issuer Steam --label gamer < steam-secret.txt
  $ wl-paste | latchkey add --uri - --recovery-codes github-codes.txt

A secret or link given on the command line shows in the process list and your shell's history:
give "-" and pass it on standard input.`,
    )
    .action(async (options: AddOptions, cmd: Command) => {
      const connection = context.connect(cmd);
      const { client, globals } = connection;
      const extras = {
        ...(options.tag.length === 0 ? {} : { tags: options.tag }),
        ...(options.note === undefined ? {} : { note: options.note }),
        ...(options.recoveryCodes === undefined ? {} : { recoveryCodes: readCodes(options.recoveryCodes) }),
      };
      const names = {
        ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
        ...(options.label === undefined ? {} : { label: options.label }),
      };
      const onDuplicate = options.allowDuplicate ? 'add' : 'refuse';
      let request;
      if (options.uri !== undefined) request = { uri: await resolveSecretArgument(context.io, options.uri), ...names, onDuplicate, ...extras } as const;
      else if (options.secret !== undefined) {
        // Said before the vault is unlocked (the service refuses it too).
        if ((options.issuer ?? '').trim() === '' && (options.label ?? '').trim() === '') throw new AccountInvalidError('label', 'the account needs a name: give --issuer, --label or both');
        const secretBase32 = await resolveSecretArgument(context.io, options.secret);
        request = { account: { ...otpRequestFields(options), ...names, secretBase32 }, onDuplicate, ...extras } as const;
      } else throw new UsageError('give --uri URI or --secret BASE32 (see latchkey add --help)');
      await connection.unlock();
      const { account, warnings } = await client.call('accounts.add', request).catch((error: unknown) => {
        if (error instanceof LatchkeyError && error.code === 'ACCOUNT_DUPLICATE') throw new LatchkeyError(error.code, `${error.message}; add --allow-duplicate to add it anyway`, error.details);
        throw error;
      });
      printWarnings(context.io, warnings);
      printResult(context.io, globals.json, viewJson(account), () => `Added ${accountName(account)}.`);
    });
}

/** 256 codes of 256 characters, with room for comments: a larger file is not a list of codes. */
const MAX_CODES_FILE = 1024 * 1024;

function readCodes(path: string): string[] {
  let text: string;
  try {
    // The size before a byte is read.
    if (statSync(path).size > MAX_CODES_FILE) throw new AccountInvalidError('recoveryCodes', `the recovery-codes file ${path} is over 1 MiB (at most 256 codes are kept)`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fileErrorOf(`cannot read the recovery-codes file ${path}`, path, error);
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
