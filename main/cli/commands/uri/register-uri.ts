import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerUriFormat } from './format.js';
import { registerUriParse } from './parse.js';

export function registerUri(program: Command, context: CliContext): void {
  const uri = program.command('uri').summary('read and write otpauth:// URIs').description('Read and write otpauth:// URIs.')
    .addHelpText('after', '\nExamples:\n  $ latchkey uri parse - < link.txt\n  $ latchkey uri format --secret - --issuer ACME --label alice@example.com < secret.txt');
  registerUriParse(uri, context);
  registerUriFormat(uri, context);
}
