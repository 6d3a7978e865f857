import { Option, type Command } from 'commander';
import { LatchkeyError, UsageError } from '../../../shared/errors.js';
import type { AccountView } from '../../../shared/vault-api.js';
import type { CliContext, Connection } from '../context.js';
import { damagedSeedError, damagedSeeds, noMatchError, withAccountNote } from '../damaged-rows.js';
import { addOtpOptions, otpRequestFields, parseWholeNumber, type OtpOptions } from '../otp-options.js';
import { accountJson, accountName, plural, printResult, printWarnings, viewJson } from '../output.js';
import { resolveSecretArgument } from '../secret-argument.js';

interface CodeOptions extends OtpOptions {
  readonly uri?: string;
  readonly secret?: string;
  readonly at?: number;
  readonly peek: boolean;
  readonly recoveryCodes: boolean;
}

export function registerCode(program: Command, context: CliContext): void {
  const { io } = context;
  const command = program
    .command('code')
    .summary('print the current code of an account')
    .description('Print the current code of a vault account (by a query on issuer and label), an otpauth:// URI or a Base32 secret.')
    .argument('[query]', 'part of the issuer or label of a vault account (letters in order also match)')
    .option('--peek', 'HOTP: show the code without advancing the counter', false)
    .option('--recovery-codes', "show the account's stored recovery codes instead of a code", false)
    .addOption(new Option('--uri <uri>', 'an otpauth:// URI').conflicts(['secret', 'type', 'algorithm', 'digits', 'period', 'counter']))
    .addOption(new Option('--secret <base32>', 'a Base32 secret ("-" reads it from standard input)'))
    .addOption(new Option('--at <unix-seconds>', 'the moment to compute the code for (default: now)').argParser(parseWholeNumber));
  addOtpOptions(command)
    .addHelpText(
      'after',
      `
Prints the code alone on stdout; with --json, { account, code, validFrom, validUntil } (unix seconds;
null for HOTP). A query matching several accounts prints them all and exits with code 3 (AMBIGUOUS).
A vault HOTP account advances its counter, unless --peek. --at works for vault accounts too (not
HOTP); --type, --algorithm, --digits, --period and --counter go only with --secret. An account whose
secret fails its integrity check is VAULT_INTEGRITY (exit 16), naming the account on the next line.

Examples:
  $ latchkey code github
  $ latchkey code bank --peek
  $ latchkey code github --at 1700000000 --json
  $ latchkey code github --recovery-codes
  $ latchkey code --secret - < secret.txt
  $ latchkey code --secret - --algorithm SHA256 --digits 8 < secret.txt
  $ latchkey code --uri - --json < link.txt
  $ latchkey code --secret - --type hotp --counter 1 < secret.txt

A secret or link given on the command line shows in the process list and your shell's history:
give "-" and pass it on standard input.`,
    )
    .action(async (query: string | undefined, options: CodeOptions, cmd: Command) => {
      refuseFlagsThatCannotApply(query, options);
      const connection = context.connect(cmd);
      const { client, globals } = connection;
      const at = options.at === undefined ? {} : { at: options.at };
      if (options.uri !== undefined) {
        const parsed = await client.call('uri.parse', { uri: await resolveSecretArgument(io, options.uri), showSecrets: true });
        printWarnings(io, parsed.warnings);
        const { secretBase32, ...view } = parsed.account;
        const code = await client.call('otp.code', { ...view, secretBase32: secretBase32 ?? '', ...at });
        printResult(io, globals.json, { account: accountJson(view), ...code }, () => code.code);
        return;
      }
      if (options.secret !== undefined) {
        const secretBase32 = await resolveSecretArgument(io, options.secret);
        const code = await client.call('otp.code', { ...otpRequestFields(options), secretBase32, ...at });
        printResult(io, globals.json, code, () => code.code);
        return;
      }
      if (query === undefined) throw new UsageError('give a QUERY, --uri URI or --secret BASE32 (see latchkey code --help)');
      await codeFromVault(connection, query, options);
    });

  async function codeFromVault(connection: Connection, query: string, options: CodeOptions): Promise<void> {
    const { client, globals } = connection;
    await connection.unlock();
    const { accounts, damaged } = await client.call('accounts.list', { query, ...(options.at === undefined ? {} : { at: options.at }) });
    const broken = damagedSeeds(damaged);
    if (accounts.length === 0) throw noMatchError(query, damaged);
    if (accounts.length > 1) {
      printResult(io, globals.json, accounts.map((a) => codeJson(a, broken.has(a.id))), () =>
        accounts.map((a) => `${accountName(a)}: ${a.code ?? (broken.has(a.id) ? '(damaged: run `latchkey vault verify`)' : '(HOTP: ask for it alone)')}`).join('\n'),
      );
      throw new LatchkeyError('AMBIGUOUS', `${plural(accounts.length, 'account')} match "${query}"; be more specific`);
    }
    const [match] = accounts as [AccountView];
    if (options.at !== undefined && match.type === 'hotp' && !options.recoveryCodes) throw new UsageError(`--at does not apply to ${accountName(match)}: a HOTP code depends on its counter, not the time`);
    if (options.recoveryCodes) {
      // The codes are a secret of their own: the service checks the vault password again.
      const { codes = [] } = await client
        .call('accounts.recoveryCodes', { id: match.id, action: 'list', vaultPassword: await connection.vaultPassword() })
        .catch((error: unknown) => {
          throw error instanceof LatchkeyError && error.code === 'VAULT_INTEGRITY' && error.details?.['id'] === match.id ? withAccountNote(error, match) : error;
        });
      printResult(io, globals.json, { account: viewJson(match), recoveryCodes: codes }, () =>
        codes.length === 0 ? `${accountName(match)} has no stored recovery codes` : codes.map((c) => `${c.code}${c.used ? '  (used)' : ''}`).join('\n'),
      );
      return;
    }
    if (broken.has(match.id)) throw damagedSeedError(match);
    const account = match.type === 'hotp' ? await nextHotp(client, match, options.peek) : match;
    printResult(io, globals.json, codeJson(account, false), () => account.code ?? '');
  }
}

/** The HOTP code; a row damaged since the listing is named as such, with its account on the line after. */
async function nextHotp(client: Connection['client'], match: AccountView, peek: boolean): Promise<AccountView> {
  try {
    return (await client.call('accounts.nextHotp', { id: match.id, peek })).account;
  } catch (error) {
    if (error instanceof LatchkeyError && error.code === 'VAULT_INTEGRITY' && error.details?.['id'] === match.id) throw withAccountNote(error, match);
    throw error;
  }
}

/** USAGE for every flag that cannot apply to what the code is made from (a vault account, a URI, a secret), named. */
function refuseFlagsThatCannotApply(query: string | undefined, options: CodeOptions): void {
  const given = (flags: Record<string, unknown>) => Object.entries(flags).filter(([, value]) => value !== undefined && value !== false).map(([flag]) => flag);
  const source = options.uri !== undefined ? '--uri' : options.secret !== undefined ? '--secret' : undefined;
  if (source !== undefined && query !== undefined) throw new UsageError(`give a QUERY or ${source}, not both (the query "${query}" would be ignored)`);
  if (source !== undefined) {
    const vaultOnly = given({ '--peek': options.peek, '--recovery-codes': options.recoveryCodes });
    if (vaultOnly.length > 0) throw new UsageError(`${vaultOnly.join(', ')} apply only to a vault account, not to ${source}`);
    return;
  }
  const parameters = given({ '--type': options.type, '--algorithm': options.algorithm, '--digits': options.digits, '--period': options.period, '--counter': options.counter });
  if (parameters.length > 0) throw new UsageError(`${parameters.join(', ')} cannot apply to a vault account (it keeps its own); ${parameters.length === 1 ? 'it goes' : 'they go'} with --secret`);
  if (options.recoveryCodes) {
    const codeOnly = given({ '--at': options.at, '--peek': options.peek });
    if (codeOnly.length > 0) throw new UsageError(`${codeOnly.join(', ')} cannot apply with --recovery-codes`);
  }
}

function codeJson(view: AccountView, damaged: boolean): Record<string, unknown> {
  return { account: viewJson(view), code: view.code, validFrom: view.validFrom, validUntil: view.validUntil, ...(damaged ? { damaged: 'seed' } : {}) };
}
