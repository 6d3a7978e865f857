import { Option, type Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addOtpOptions, otpRequestFields, type OtpOptions } from '../../otp-options.js';
import { printResult } from '../../output.js';
import { resolveSecretArgument } from '../../secret-argument.js';

interface FormatOptions extends OtpOptions {
  readonly secret: string;
  readonly issuer: string;
  readonly label: string;
  readonly steamStyle: 'encoder' | 'host';
}

export function registerUriFormat(uri: Command, { io, connect }: CliContext): void {
  const command = uri
    .command('format')
    .summary('write the otpauth:// URI of an account')
    .requiredOption('--secret <base32>', 'the Base32 secret ("-" reads it from standard input)')
    .option('--issuer <name>', 'the service, e.g. "GitHub"', '')
    .option('--label <name>', 'the account name, e.g. "alice@example.com"', '')
    .addOption(
      new Option('--steam-style <style>', 'Steam as otpauth://totp/…&encoder=steam, or otpauth://steam/ (Aegis, Ente)')
        .choices(['encoder', 'host'])
        .default('encoder'),
    );
  addOtpOptions(command)
    .addHelpText(
      'after',
      `
Prints the URI (it contains the secret). With --json: { "uri": "…" }.

Examples:
  $ latchkey uri format --secret - --issuer ACME --label alice@example.com < secret.txt
  $ latchkey uri format --secret - --type hotp --counter 5 --digits 8 < secret.txt
  $ latchkey uri format --secret - --type steam --issuer Steam --label gamer < steam-secret.txt`,
    )
    .action(async (options: FormatOptions, cmd: Command) => {
      const { client, globals: { json } } = connect(cmd);
      const secretBase32 = await resolveSecretArgument(io, options.secret);
      const { uri: text } = await client.call('uri.format', {
        account: { ...otpRequestFields(options), issuer: options.issuer, label: options.label, secretBase32 },
        steamStyle: options.steamStyle,
      });
      printResult(io, json, { uri: text }, () => text);
    });
}
