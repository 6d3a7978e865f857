import type { Command } from 'commander';
import { LatchkeyError, UsageError } from '../../../shared/errors.js';
import type { AccountView } from '../../../shared/vault-api.js';
import type { CliContext } from '../context.js';
import { accountName, plural, printResult } from '../output.js';

export function registerRemove(program: Command, context: CliContext): void {
  program
    .command('remove')
    .summary('remove one account from the vault')
    .argument('<query>', 'the account (issuer, label or id); it must match exactly one')
    .addHelpText(
      'after',
      `
Asks for confirmation at a terminal; elsewhere --yes is required.

Examples:
  $ latchkey remove github:alice
  $ latchkey remove github --yes`,
    )
    .action(async (query: string, _options: unknown, cmd: Command) => {
      const connection = context.connect(cmd);
      const { client, globals } = connection;
      await connection.unlock();
      const { accounts } = await client.call('accounts.list', { query });
      if (accounts.length === 0) throw new LatchkeyError('NOT_FOUND', `no account matches "${query}"`);
      if (accounts.length > 1) throw new LatchkeyError('AMBIGUOUS', `${plural(accounts.length, 'account')} match "${query}"; be more specific or use the id from \`latchkey list --json\``);
      const [account] = accounts as [AccountView];
      if (!globals.yes) {
        if (!context.io.interactive) throw new UsageError('removing needs confirmation: add --yes');
        const answer = await context.io.prompt(`Remove ${accountName(account)}? This cannot be undone. [y/N] `);
        if (!/^y(es)?$/i.test(answer.trim())) throw new LatchkeyError('CANCELLED', 'nothing was removed');
      }
      await client.call('accounts.remove', { id: account.id });
      printResult(context.io, globals.json, { removed: account.id }, () => `Removed ${accountName(account)}.`);
    });
}
