import { Command } from 'commander';
import { registerAdd } from './commands/add.js';
import { registerBackup } from './commands/backup/register-backup.js';
import { registerCode } from './commands/code.js';
import { registerExport } from './commands/export.js';
import { registerImport } from './commands/import.js';
import { registerInit } from './commands/init.js';
import { registerKeys } from './commands/keys/register-keys.js';
import { registerList } from './commands/list.js';
import { registerRemove } from './commands/remove.js';
import { registerScan } from './commands/scan.js';
import { registerUri } from './commands/uri/register-uri.js';
import { registerVault } from './commands/vault/register-vault.js';
import type { CliContext } from './context.js';
import { addGlobalOptions } from './globals.js';
import { packageVersion } from './version.js';

export function buildProgram(context: CliContext): Command {
  const program = new Command('latchkey')
    .description('Latchkey: two-factor codes from an encrypted vault, for scripts and terminals.')
    .version(packageVersion(), '-V, --version')
    .showSuggestionAfterError()
    // Errors are ours to print (one line, our codes); commander only reports them.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => {
        context.io.writeOut(text);
      },
      writeErr: (text) => {
        context.io.writeErr(text);
      },
      outputError: () => undefined,
    });
  addGlobalOptions(program).addHelpText(
    'after',
    `
Errors print one line, "latchkey: CODE: message", on stderr and exit with the code's number
(see the README's exit-code table). Global options work before or after the command.

Examples:
  $ latchkey init
  $ latchkey add --uri - < github-link.txt
  $ latchkey code github
  $ latchkey code --secret - < secret.txt
  $ latchkey uri parse - --json < link.txt`,
  );
  registerInit(program, context);
  registerAdd(program, context);
  registerScan(program, context);
  registerImport(program, context);
  registerExport(program, context);
  registerList(program, context);
  registerCode(program, context);
  registerRemove(program, context);
  registerVault(program, context);
  registerBackup(program, context);
  registerUri(program, context);
  registerKeys(program, context);
  describeEveryCommand(program);
  return program;
}

/** Every command's own --help says what it does: its summary, when it has no longer description. */
function describeEveryCommand(command: Command): void {
  for (const sub of command.commands) {
    const summary = sub.summary();
    if (sub.description() === '' && summary !== '') sub.description(`${summary.charAt(0).toUpperCase()}${summary.slice(1)}.`);
    describeEveryCommand(sub);
  }
}
