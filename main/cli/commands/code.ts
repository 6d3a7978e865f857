import { Option, type Command } from 'commander';
import { UsageError } from '../../../shared/errors.js';
import type { CliContext } from '../context.js';
import { globalOptionsOf } from '../globals.js';
import { addOtpOptions, otpRequestFields, parseWholeNumber, type OtpOptions } from '../otp-options.js';
import { accountJson, printResult, printWarnings } from '../output.js';
import { resolveSecretArgument } from '../secret-argument.js';

interface CodeOptions extends OtpOptions {
  readonly uri?: string;
  readonly secret?: string;
  readonly at?: number;
}

export function registerCode(program: Command, { io, client }: CliContext): void {
  const command = program
    .command('code')
    .summary('print the current code of an account')
    .description('Print the current code for an otpauth:// URI or a Base32 secret.')
    .addOption(new Option('--uri <uri>', 'an otpauth:// URI').conflicts(['secret', 'type', 'algorithm', 'digits', 'period', 'counter']))
    .addOption(new Option('--secret <base32>', 'a Base32 secret ("-" reads it from standard input)'))
    .addOption(new Option('--at <unix-seconds>', 'the moment to compute the code for (default: now)').argParser(parseWholeNumber));
  addOtpOptions(command)
    .addHelpText(
      'after',
      `
Prints the code alone on stdout; with --json, { account?, code, validFrom, validUntil } (unix seconds;
null for HOTP). HOTP uses --counter (default 0) and does not advance anything.

Examples:
  $ latchkey code --secret JBSWY3DPEHPK3PXP
  $ latchkey code --secret - --algorithm SHA256 --digits 8 < secret.txt
  $ latchkey code --uri 'otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example' --json
  $ latchkey code --secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ --type hotp --counter 1
  $ latchkey code --secret JRZCL47CMXVOQMNPZR2F7J4RGI --type steam --at 1700000000`,
    )
    .action(async (options: CodeOptions, cmd: Command) => {
      const { json } = globalOptionsOf(cmd);
      const at = options.at === undefined ? {} : { at: options.at };

      if (options.uri !== undefined) {
        const parsed = await client.call('uri.parse', { uri: options.uri, showSecrets: true });
        printWarnings(io, parsed.warnings);
        const { secretBase32, ...view } = parsed.account;
        const code = await client.call('otp.code', { ...view, secretBase32: secretBase32 ?? '', ...at });
        printResult(io, json, { account: accountJson(view), ...code }, () => code.code);
        return;
      }
      if (options.secret !== undefined) {
        const secretBase32 = await resolveSecretArgument(io, options.secret);
        const code = await client.call('otp.code', { ...otpRequestFields(options), secretBase32, ...at });
        printResult(io, json, code, () => code.code);
        return;
      }
      throw new UsageError('give --uri URI or --secret BASE32 (see latchkey code --help)');
    });
}
