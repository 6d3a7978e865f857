import type { Command } from 'commander';
import type { AccountView } from '../../../shared/vault-api.js';
import type { CliContext } from '../context.js';
import { damagedSeeds } from '../damaged-rows.js';
import { accountName, printResult, printWarnings, viewJson } from '../output.js';

export function registerList(program: Command, context: CliContext): void {
  program
    .command('list')
    .summary('list the accounts in the vault')
    .argument('[query]', 'only accounts matching this (issuer or label)')
    .addHelpText(
      'after',
      `
Shows each account with its current code (HOTP codes only with \`latchkey code\`). With --json, an
array of { id, type, issuer, label, algorithm, digits, period?, counter?, tags, code, validFrom,
validUntil } (the code and its window in unix seconds; not for HOTP). An account whose secret fails
its integrity check shows DAMAGED in place of its code (in JSON: "damaged": "seed", code null), with
a warning on stderr.

Examples:
  $ latchkey list
  $ latchkey list git --json`,
    )
    .action(async (query: string | undefined, _options: unknown, cmd: Command) => {
      const connection = context.connect(cmd);
      await connection.unlock();
      const { accounts, damaged } = await connection.client.call('accounts.list', query === undefined ? {} : { query });
      const broken = damagedSeeds(damaged);
      const named = new Map(accounts.map((a) => [a.id, accountName(a)]));
      printWarnings(
        context.io,
        damaged.map((row) => {
          const name = named.get(row.id);
          return `account ${row.id}${name === undefined ? '' : ` (${name})`} fails its integrity check (${row.field}); run \`latchkey vault verify\``;
        }),
      );
      printResult(context.io, connection.globals.json, accounts.map((a) => listJson(a, broken.has(a.id))), () => {
        if (accounts.length === 0) return query === undefined ? 'The vault has no accounts yet; add one with `latchkey add`.' : 'No account matches.';
        const issuerWidth = Math.max(6, ...accounts.map((a) => a.issuer.length));
        const labelWidth = Math.max(5, ...accounts.map((a) => a.label.length));
        return accounts
          .map((a) => `${a.issuer.padEnd(issuerWidth)}  ${a.label.padEnd(labelWidth)}  ${broken.has(a.id) ? 'DAMAGED' : (a.code ?? 'hotp')}`.trimEnd())
          .join('\n');
      });
    });
}

/** An account as DESIGN's JSON contract has it in a listing: with its code and window, except for HOTP. */
function listJson(view: AccountView, damaged: boolean): Record<string, unknown> {
  return {
    ...viewJson(view),
    ...(view.type === 'hotp' ? {} : { code: view.code, validFrom: view.validFrom, validUntil: view.validUntil }),
    ...(damaged ? { damaged: 'seed' } : {}),
  };
}
