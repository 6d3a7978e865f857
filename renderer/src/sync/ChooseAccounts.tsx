import { useId, useMemo, useState } from 'react';
import type { AccountView } from '../../../shared/vault-api.js';
import { displayName } from '../ui/format.js';

/** The accounts a search and a tag leave: the same rule as the accounts screen's search (names and tags, any case). */
export function matchingAccounts(accounts: readonly AccountView[], search: string, tag: string | undefined): AccountView[] {
  const needle = search.trim().toLowerCase();
  return accounts.filter((account) => {
    if (tag !== undefined && !account.tags.includes(tag)) return false;
    return needle === '' || `${account.issuer} ${account.label} ${account.tags.join(' ')}`.toLowerCase().includes(needle);
  });
}

/**
 * Which accounts go onto the keys: all by default; narrowed by a search or a tag, and by unticking
 * any. What is chosen is what is both shown and ticked, so a search never sends an account it hides.
 */
export function ChooseAccounts({
  accounts,
  unticked,
  onUntickedChange,
  search,
  onSearchChange,
  tag,
  onTagChange,
}: {
  accounts: readonly AccountView[];
  unticked: ReadonlySet<string>;
  onUntickedChange: (next: Set<string>) => void;
  search: string;
  onSearchChange: (next: string) => void;
  tag: string | undefined;
  onTagChange: (next: string | undefined) => void;
}) {
  const headingId = useId();
  const tags = useMemo(() => [...new Set(accounts.flatMap((account) => account.tags))].sort((a, b) => a.localeCompare(b)), [accounts]);
  const shown = matchingAccounts(accounts, search, tag);
  const chosen = shown.filter((account) => !unticked.has(account.id)).length;
  const [listOpen, setListOpen] = useState(false);

  function setAll(ticked: boolean) {
    const next = new Set(unticked);
    for (const account of shown) {
      if (ticked) next.delete(account.id);
      else next.add(account.id);
    }
    onUntickedChange(next);
  }

  return (
    <fieldset className="choices sync-choice" aria-labelledby={headingId}>
      <legend id={headingId}>Accounts</legend>
      <input type="search" aria-label="Search accounts to sync" placeholder="Search names and tags" value={search} onChange={(event) => { onSearchChange(event.target.value); }} />
      {tags.length > 0 && (
        <div className="tag-filter" role="group" aria-label="Accounts with the tag">
          <button type="button" className="chip" aria-pressed={tag === undefined} onClick={() => { onTagChange(undefined); }}>
            Any tag
          </button>
          {tags.map((name) => (
            <button key={name} type="button" className="chip" aria-pressed={tag === name} onClick={() => { onTagChange(tag === name ? undefined : name); }}>
              {name}
            </button>
          ))}
        </div>
      )}
      <div className="row sync-count">
        <span role="status" data-testid="sync-account-count">
          {chosen === accounts.length ? `All ${String(accounts.length)} accounts` : `${String(chosen)} of ${String(accounts.length)} accounts`}
        </span>
        <button type="button" className="link-button" aria-expanded={listOpen} onClick={() => { setListOpen(!listOpen); }}>
          {listOpen ? 'Hide the list' : 'Pick one by one'}
        </button>
      </div>
      {listOpen && (
        <>
          <div className="row">
            <button type="button" className="small" onClick={() => { setAll(true); }}>
              Tick all shown
            </button>
            <button type="button" className="small" onClick={() => { setAll(false); }}>
              Untick all shown
            </button>
          </div>
          <ul className="sync-account-list" aria-label="Accounts to sync">
            {shown.map((account) => (
              <li key={account.id}>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={!unticked.has(account.id)}
                    onChange={(event) => {
                      const next = new Set(unticked);
                      if (event.target.checked) next.delete(account.id);
                      else next.add(account.id);
                      onUntickedChange(next);
                    }}
                  />
                  <span className="sync-account-name">
                    {displayName(account)}
                    {account.issuer !== '' && <span className="hint"> {account.label}</span>}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </>
      )}
    </fieldset>
  );
}
