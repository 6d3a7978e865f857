import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { printResult, printWarnings, viewJson } from '../output.js';

export function registerList(program: Command, context: CliContext): void {
  program
    .command('list')
    .summary('list the accounts in the vault')
    .argument('[query]', 'only accounts matching this (issuer or label)')
    .addHelpText(
      'after',
      `
Shows each account with its current code (HOTP codes only with \`latchkey code\`). With --json, an
array of { id, type, issuer, label, algorithm, digits, period?, counter?, tags }.

Examples:
  $ latchkey list
  $ latchkey list git --json`,
    )
    .action(async (query: string | undefined, _options: unknown, cmd: Command) => {
      const connection = context.connect(cmd);
      await connection.unlock();
      const { accounts, damaged } = await connection.client.call('accounts.list', query === undefined ? {} : { query });
      printWarnings(
        context.io,
        damaged.map((row) => `account ${row.id} fails its integrity check (${row.field}); run \`latchkey vault verify\``),
      );
      printResult(context.io, connection.globals.json, accounts.map(viewJson), () => {
        if (accounts.length === 0) return query === undefined ? 'The vault has no accounts yet; add one with `latchkey add`.' : 'No account matches.';
        const issuerWidth = Math.max(6, ...accounts.map((a) => a.issuer.length));
        const labelWidth = Math.max(5, ...accounts.map((a) => a.label.length));
        return accounts
          .map((a) => `${a.issuer.padEnd(issuerWidth)}  ${a.label.padEnd(labelWidth)}  ${a.code ?? (a.type === 'hotp' ? 'hotp' : '')}`.trimEnd())
          .join('\n');
      });
    });
}
