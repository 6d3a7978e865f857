import type { AccountDraft, AccountMeta } from '../../../shared/account.js';
import { createCodeGenerator } from '../../otp/index.js';
import type { VaultSession } from '../../vault/index.js';

/** What the sync reads and writes of a vault: accounts (their secrets only for a moment) and the sealed records. */
export type SyncVault = Pick<VaultSession, 'list' | 'account' | 'code' | 'withSecret' | 'records' | 'transaction'>;

export interface KeyOnlyAccounts {
  /** The vault, with the imported accounts beside its own (in memory only). */
  readonly vault: SyncVault;
  /** Their ids, in the given order: no vault row has them. */
  readonly ids: readonly string[];
  /** Zeroes their secrets (the caller's drafts too). */
  wipe(): void;
}

/**
 * Accounts read from an export or a QR, put straight onto a key with `--key-only` (issue 17, item
 * 6): the sync plans and applies them as if they were vault accounts, but they live only here, in
 * memory; reading one goes to `drafts`, never to the vault file. Everything else (the vault's own
 * accounts, the inventory and progress records, transactions) is the real vault's.
 */
export function withKeyOnlyAccounts(vault: SyncVault, accounts: readonly { readonly id: string; readonly draft: AccountDraft }[], nowMs: number): KeyOnlyAccounts {
  const at = Math.floor(nowMs / 1000);
  const held = new Map<string, { readonly meta: AccountMeta; readonly secret: Uint8Array }>();
  for (const { id, draft } of accounts) held.set(id, { meta: metaOf(draft, id, at), secret: draft.secret });
  const own = (id: string) => held.get(id);
  const overlay: SyncVault = {
    records: vault.records,
    transaction: (work) => vault.transaction(work),
    list: () => {
      const listing = vault.list();
      return { ...listing, accounts: [...listing.accounts, ...[...held.values()].map((entry) => entry.meta)] };
    },
    account: (id) => own(id)?.meta ?? vault.account(id),
    code: (id, ms) => {
      const entry = own(id);
      return entry === undefined ? vault.code(id, ms) : createCodeGenerator(entry.meta, entry.secret).codeAt(ms);
    },
    withSecret: (id, use) => {
      const entry = own(id);
      return entry === undefined ? vault.withSecret(id, use) : use(entry.secret);
    },
  };
  return {
    vault: overlay,
    ids: [...held.keys()],
    wipe: () => {
      for (const entry of held.values()) entry.secret.fill(0);
    },
  };
}

/** A draft as a listing shows an account: no secret, note or recovery codes. */
function metaOf(draft: AccountDraft, id: string, at: number): AccountMeta {
  const { secret: _secret, ...shown } = draft;
  return { ...shown, id, tags: [], createdAt: at, updatedAt: at };
}
