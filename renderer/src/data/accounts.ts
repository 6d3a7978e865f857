import type { RequestOf } from '../../../shared/api.js';
import type { AccountView } from '../../../shared/vault-api.js';
import { callEarly } from './early.js';
import { mutation, query } from './store.js';

/** How early the next code is previewed (and the current one turns red). */
export const ENDING_MS = 5000;
/** More rows than the first screen shows (with the list's overscan), at the top of the list. */
const FIRST_SCREEN_ROWS = 32;

export interface Listing {
  readonly accounts: readonly AccountView[];
  /** The next codes of the rows at the top already in their last seconds when it was read. */
  readonly firstNext: readonly { readonly id: string; readonly code: string }[];
}

/**
 * Every account with its code, read again when main says accounts changed (here or in another process,
 * such as the CLI). The rows at the top that are in their last seconds come with their next codes,
 * asked for before the list is shown, so that no row grows (its next code appearing) just after.
 */
export const accountListing = query<undefined, Listing>(
  'accounts.list',
  async (client) => {
    const { accounts } = await callEarly('accounts.list');
    const now = Date.now();
    const ids = accounts
      .slice(0, FIRST_SCREEN_ROWS)
      .filter((a) => a.validUntil !== null && a.validUntil * 1000 > now && a.validUntil * 1000 - now <= ENDING_MS)
      .map((a) => a.id);
    if (ids.length === 0) return { accounts, firstNext: [] };
    // None when that fails: the rows then ask for them themselves.
    const firstNext = await client.call('accounts.nextCodes', { ids }).then(({ codes }) => codes, () => []);
    return { accounts, firstNext };
  },
  { refreshOn: ['accounts.changed'], refreshOnFocus: true },
);

/** One account's note (what the listing leaves out), read again when accounts change; kept only while shown. */
export const accountDetails = query('accounts.details', (client, id: string) => client.call('accounts.details', { id }), {
  refreshOn: ['accounts.changed'],
  forgetWhenHidden: true,
});

export const nextCodes = mutation((client, ids: string[]) => client.call('accounts.nextCodes', { ids }));
export const copyCode = mutation((client, id: string) => client.call('accounts.copyCode', { id }));
export const reorderAccounts = mutation((client, ids: string[]) => client.call('accounts.reorder', { ids }));
export const addAccount = mutation((client, request: RequestOf<'accounts.add'>) => client.call('accounts.add', request));
export const updateAccount = mutation((client, request: RequestOf<'accounts.update'>) => client.call('accounts.update', request));
export const removeAccount = mutation((client, id: string) => client.call('accounts.remove', { id }));
export const undoRemove = mutation((client, id: string) => client.call('accounts.undoRemove', { id }));
/** The secret and its QR code: never kept, shown by the one component that asked. */
export const revealSecret = mutation((client, request: RequestOf<'accounts.reveal'>) => client.call('accounts.reveal', request));
export const recoveryCodes = mutation((client, request: RequestOf<'accounts.recoveryCodes'>) => client.call('accounts.recoveryCodes', request));
