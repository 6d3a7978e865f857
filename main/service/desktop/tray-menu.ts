import type { TrayMenuItem } from './desktop.js';

/** An account as the tray lists it: its name only; the code is made when the line is clicked. */
export interface TrayAccount {
  readonly id: string;
  readonly issuer: string;
  readonly label: string;
  readonly tags: readonly string[];
}

export interface TrayMenuState {
  readonly unlocked: boolean;
  /** Every account, in the user's order (pinned ones are picked from these). */
  readonly accounts: readonly TrayAccount[];
  /** Ids copied from the tray or quick search, most recent first. */
  readonly recent: readonly string[];
  /** Offers "Choose a shortcut…" until one is chosen. */
  readonly shortcutChosen: boolean;
}

/** The tag that pins an account to the tray (any case). */
export const PINNED_TAG = 'pinned';
export const MAX_PINNED = 10;
export const MAX_RECENT = 5;

export function accountLabel(account: Pick<TrayAccount, 'issuer' | 'label'>): string {
  if (account.issuer === '') return account.label;
  if (account.label === '') return account.issuer;
  return `${account.issuer} (${account.label})`;
}

/**
 * The tray's menu. Locked, it offers Unlock (and Quit, which reveals nothing) and nothing else: not
 * even the names of the accounts. Unlocked: pinned accounts, then recent ones not already pinned,
 * then Open, Lock, the shortcut choice while none is set, and Quit.
 */
export function trayMenu(state: TrayMenuState): TrayMenuItem[] {
  if (!state.unlocked) {
    return [{ kind: 'action', action: 'unlock', label: 'Unlock Latchkey…' }, { kind: 'separator' }, { kind: 'action', action: 'quit', label: 'Quit' }];
  }
  const pinned = state.accounts.filter((account) => account.tags.some((tag) => tag.toLowerCase() === PINNED_TAG)).slice(0, MAX_PINNED);
  const pinnedIds = new Set(pinned.map((account) => account.id));
  const byId = new Map(state.accounts.map((account) => [account.id, account]));
  const recent = state.recent
    .filter((id) => !pinnedIds.has(id))
    .map((id) => byId.get(id))
    .filter((account) => account !== undefined)
    .slice(0, MAX_RECENT);
  const items: TrayMenuItem[] = [];
  const section = (heading: string, accounts: readonly TrayAccount[]) => {
    if (accounts.length === 0) return;
    items.push({ kind: 'heading', label: heading });
    for (const account of accounts) items.push({ kind: 'account', id: account.id, label: accountLabel(account) });
    items.push({ kind: 'separator' });
  };
  section('Pinned', pinned);
  section('Recent', recent);
  items.push({ kind: 'action', action: 'open', label: 'Open Latchkey' }, { kind: 'action', action: 'lock', label: 'Lock' });
  if (!state.shortcutChosen) items.push({ kind: 'action', action: 'choose-shortcut', label: 'Choose a quick-search shortcut…' });
  items.push({ kind: 'separator' }, { kind: 'action', action: 'quit', label: 'Quit' });
  return items;
}

/** The recent list after a copy: the id first, no repeats, at most MAX_RECENT. */
export function noteRecent(recent: readonly string[], id: string): string[] {
  return [id, ...recent.filter((other) => other !== id)].slice(0, MAX_RECENT);
}
