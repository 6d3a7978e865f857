import type { AccountMeta } from '../../shared/account.js';

/**
 * Finds accounts for `latchkey code QUERY`: case-insensitive, best tier wins: an exact issuer, label
 * or "issuer:label"; then a prefix; then a substring; then the query's letters in order (fuzzy).
 */
export function matchAccounts<T extends Pick<AccountMeta, 'id' | 'issuer' | 'label'>>(accounts: readonly T[], query: string): T[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return [...accounts];
  const exactId = accounts.filter((account) => account.id === needle);
  if (exactId.length > 0) return exactId;
  const tiers: ((haystacks: string[]) => boolean)[] = [
    (h) => h.some((text) => text === needle),
    (h) => h.some((text) => text.startsWith(needle)),
    (h) => h.some((text) => text.includes(needle)),
    (h) => h.some((text) => isSubsequence(needle, text)),
  ];
  for (const matches of tiers) {
    const found = accounts.filter((account) => matches(haystacksOf(account)));
    if (found.length > 0) return found;
  }
  return [];
}

function haystacksOf(account: Pick<AccountMeta, 'issuer' | 'label'>): string[] {
  const issuer = account.issuer.toLowerCase();
  const label = account.label.toLowerCase();
  return [issuer, label, `${issuer}:${label}`, `${issuer} ${label}`];
}

function isSubsequence(needle: string, text: string): boolean {
  let at = 0;
  for (const char of text) if (char === needle[at]) at++;
  return at === needle.length;
}
