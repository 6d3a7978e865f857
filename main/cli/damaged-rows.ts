import type { ReplyOf } from '../../shared/api.js';
import { LatchkeyError } from '../../shared/errors.js';
import type { AccountView } from '../../shared/vault-api.js';
import { NotedError } from './noted-error.js';
import { accountName } from './output.js';

type DamagedRows = ReplyOf<'accounts.list'>['damaged'];

/** Ids of the listed accounts whose seed fails its check: listed, but with no code to give. */
export function damagedSeeds(damaged: DamagedRows): ReadonlySet<string> {
  return new Set(damaged.filter((row) => row.field === 'seed').map((row) => row.id));
}

/** VAULT_INTEGRITY{table, id} naming no label; the line after says which account that is. */
export function damagedSeedError(view: AccountView): NotedError {
  const error = new LatchkeyError('VAULT_INTEGRITY', 'an account of the vault fails its integrity check (seed); run `latchkey vault verify`', {
    table: 'entries',
    id: view.id,
    field: 'seed',
  });
  return withAccountNote(error, view);
}

/** The same error, with a line after it naming the account (the CLI's user may see its label). */
export function withAccountNote(error: LatchkeyError, view: AccountView): NotedError {
  return new NotedError(error, [`that account is ${accountName(view)} (id ${view.id})`]);
}

/**
 * NOT_FOUND for a query. An account whose sealed name no longer opens can't be matched by any query,
 * so when the vault has such rows the error says the account sought may be one of them: a plain "no
 * account matches" sends the user looking for a typo instead of to `vault verify`.
 */
export function noMatchError(query: string, damaged: DamagedRows): LatchkeyError {
  const unnamed = new Set(damaged.filter((row) => row.field !== 'seed').map((row) => row.id)).size;
  if (unnamed === 0) return new LatchkeyError('NOT_FOUND', `no account matches "${query}"`);
  const some = unnamed === 1 ? '1 account of the vault is damaged and can\'t be read; it may be the one' : `${String(unnamed)} accounts of the vault are damaged and can't be read; one may be it`;
  return new LatchkeyError('NOT_FOUND', `no account matches "${query}", but ${some}: run \`latchkey vault verify\``, { damaged: unnamed });
}
