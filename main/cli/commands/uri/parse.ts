import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { resolveSecretArgument } from '../../secret-argument.js';
import { accountJson, accountText, printResult, printWarnings } from '../../output.js';

export function registerUriParse(uri: Command, { io, connect }: CliContext): void {
  uri
    .command('parse')
    .summary('show the account an otpauth:// URI describes')
    .argument('<uri>', 'an otpauth:// URI (quote it: it holds & and ?), or - to read it from standard input')
    .option('--show-secrets', 'include the Base32 secret in the output', false)
    .addHelpText(
      'after',
      `
The secret is hidden unless --show-secrets is given. Warnings (an issuer that disagrees with the
label, unusual digits, stripped control characters) go to stderr.

Examples:
  $ latchkey uri parse - < link.txt
  $ wl-paste | latchkey uri parse - --json --show-secrets

A link given on the command line shows in the process list and your shell's history: give "-".`,
    )
    .action(async (text: string, options: { showSecrets: boolean }, cmd: Command) => {
      const { client, globals: { json } } = connect(cmd);
      const { account, warnings } = await client.call('uri.parse', { uri: await resolveSecretArgument(io, text), showSecrets: options.showSecrets });
      printWarnings(io, warnings);
      printResult(io, json, accountJson(account), () => accountText(account));
    });
}
