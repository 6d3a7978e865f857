import type { AccountDraft } from '../../../shared/account.js';
import type { NewAccount, VaultSession } from '../../vault/index.js';
import { withKeyOnlyAccounts, type KeyOnlyAccounts, type SyncVault } from './key-only-vault.js';

/**
 * The accounts of an export or a QR, ready to be planned onto a key (issue 17, item 6), in the
 * file's order: one the vault already holds (same secret and type) is the vault's own account; the
 * others are `fresh`.
 */
export interface FoundAccounts {
  /** What the plan reads: the vault, with the fresh accounts beside it in memory (never in the file). */
  readonly vault: SyncVault;
  /** Account ids to plan, in the file's order (vault ids for duplicates, in-memory ids for the rest). */
  readonly ids: readonly string[];
  /** The in-memory ids (written to a key, they are recorded as key-only). */
  readonly inMemory: ReadonlySet<string>;
  /** Zeroes the fresh accounts' secrets. */
  wipe(): void;
}

/** Every vault account's duplicate key (type + secret digest, as imports compare them) to its id. */
function vaultIdsByDuplicateKey(vault: VaultSession, only?: ReadonlySet<string>): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const account of vault.list().accounts) {
    if (only !== undefined && !only.has(account.id)) continue;
    byKey.set(vault.withSecret(account.id, (secret) => vault.duplicateKey(account.type, secret)), account.id);
  }
  return byKey;
}

/** The found accounts beside the vault, none of them written to it (`--key-only`, and every dry run). */
export function foundInMemory(vault: VaultSession, drafts: readonly AccountDraft[], nowMs: number): FoundAccounts {
  const known = vaultIdsByDuplicateKey(vault);
  // A fresh account's id is its duplicate key (32 hex, keyed by this vault, so it tells nothing of the
  // secret): the same account found again (a rerun after an unplug, the same QR later) has the same
  // id, so the inventory knows it as what Latchkey wrote, and nothing is put twice.
  const keyOf = (draft: AccountDraft) => vault.duplicateKey(draft.type, draft.secret);
  const fresh = new Map(drafts.filter((draft) => !known.has(keyOf(draft))).map((draft) => [keyOf(draft), draft]));
  const overlay: KeyOnlyAccounts = withKeyOnlyAccounts(vault, [...fresh].map(([id, draft]) => ({ id, draft })), nowMs);
  const ids = drafts.map((draft) => known.get(keyOf(draft)) ?? keyOf(draft));
  return { vault: overlay.vault, ids: [...new Set(ids)], inMemory: new Set(overlay.ids), wipe: () => {
    overlay.wipe();
  } };
}

/**
 * The found accounts added to the vault first (as `import` and `scan` add them: duplicates skipped),
 * then planned by their vault ids: a rerun after an unplug finds them all already there.
 */
export function foundIntoVault(vault: VaultSession, drafts: readonly NewAccount[]): { readonly ids: readonly string[]; readonly added: readonly string[] } {
  const { added } = vault.addNew(drafts, { includeDuplicates: false });
  const known = vaultIdsByDuplicateKey(vault);
  const ids = drafts.flatMap((draft) => known.get(vault.duplicateKey(draft.type, draft.secret)) ?? []);
  return { ids: [...new Set(ids)], added: added.map((account) => account.id) };
}
