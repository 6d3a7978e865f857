import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerUriFormat } from './format.js';
import { registerUriParse } from './parse.js';

export function registerUri(program: Command, context: CliContext): void {
  const uri = program.command('uri').summary('read and write otpauth:// URIs').description('Read and write otpauth:// URIs.');
  registerUriParse(uri, context);
  registerUriFormat(uri, context);
}
