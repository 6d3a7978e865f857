import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { accountJson, accountText, printResult, printWarnings } from '../../output.js';

export function registerUriParse(uri: Command, { io, connect }: CliContext): void {
  uri
    .command('parse')
    .summary('show the account an otpauth:// URI describes')
    .argument('<uri>', 'an otpauth:// URI (quote it: it holds & and ?)')
    .option('--show-secrets', 'include the Base32 secret in the output', false)
    .addHelpText(
      'after',
      `
The secret is hidden unless --show-secrets is given. Warnings (an issuer that disagrees with the
label, unusual digits, stripped control characters) go to stderr.

Examples:
  $ latchkey uri parse 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME'
  $ latchkey uri parse 'otpauth://hotp/Example:bob?secret=GEZDGNBV&counter=5' --json --show-secrets`,
    )
    .action(async (text: string, options: { showSecrets: boolean }, cmd: Command) => {
      const { client, globals: { json } } = connect(cmd);
      const { account, warnings } = await client.call('uri.parse', { uri: text, showSecrets: options.showSecrets });
      printWarnings(io, warnings);
      printResult(io, json, accountJson(account), () => accountText(account));
    });
}
