import type { Command } from 'commander';
import { LatchkeyError, UsageError } from '../../../shared/errors.js';
import type { AccountView } from '../../../shared/vault-api.js';
import type { CliContext, Connection } from '../context.js';
import { accountName, plural, printResult } from '../output.js';

/** A row that no longer opens has no name to show: it goes by its id, after the vault password again. */
async function removeDamaged(context: CliContext, connection: Connection, id: string): Promise<void> {
  const { client, globals } = connection;
  if (!globals.yes) {
    if (!context.io.interactive) throw new UsageError('removing needs confirmation: add --yes');
    const answer = await context.io.prompt(`Remove the damaged account ${id}? Its seed can't be recovered from this vault. [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new LatchkeyError('CANCELLED', 'nothing was removed');
  }
  const result = await client.call('accounts.removeDamaged', { id, vaultPassword: await connection.vaultPassword() });
  printResult(context.io, globals.json, result, () => `Removed the damaged account ${id}.`);
}

export function registerRemove(program: Command, context: CliContext): void {
  program
    .command('remove')
    .summary('remove one account from the vault')
    .argument('<query>', 'the account (issuer, label or id); it must match exactly one')
    .addHelpText(
      'after',
      `
Asks for confirmation at a terminal; elsewhere --yes is required. A damaged account (one that no
longer opens: \`latchkey vault verify\` gives its id) is removed by its id; that can't be undone, so
the vault password is checked again.

Examples:
  $ latchkey remove github:alice
  $ latchkey remove github --yes
  $ latchkey remove 0123456789abcdef0123456789abcdef --yes   # a damaged account, by id`,
    )
    .action(async (query: string, _options: unknown, cmd: Command) => {
      const connection = context.connect(cmd);
      const { client, globals } = connection;
      await connection.unlock();
      const { accounts, damaged } = await client.call('accounts.list', { query });
      // A label that no longer opens can't be matched by name: only by its id. A listed account with a
      // damaged seed or note goes the same way (nothing of it can be kept for an undo).
      const damagedId = accounts.length === 0 ? query : accounts.length === 1 ? accounts[0]?.id : undefined;
      if (damagedId !== undefined && damaged.some((row) => row.id === damagedId)) {
        await removeDamaged(context, connection, damagedId);
        return;
      }
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
