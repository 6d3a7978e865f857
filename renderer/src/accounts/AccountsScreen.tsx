import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AccountView } from '../../../shared/vault-api.js';
import { notify, openPanel, useAppState } from '../app/app-state.js';
import { preloadPanels } from '../app/panels.js';
import { copyCode, reorderAccounts } from '../data/accounts.js';
import { desktopState, onChooseShortcut } from '../data/desktop.js';
import { refreshQuery, runMutation, useQuery } from '../data/hooks.js';
import { lockVault, vaultStatus } from '../data/vault.js';
import { displayName } from '../ui/format.js';
import { CodesHidden } from '../ui/HideableCode.js';
import { AccountList } from './AccountList.js';
import { AccountRow, type RowActions } from './AccountRow.js';
import { UndoBar } from './UndoBar.js';
import { ENDING_MS, useLiveAccounts } from './useLiveAccounts.js';

/** 0: the name starts with the query; 1: a word does; 2: it is somewhere; undefined: no match. */
function matchRank(account: AccountView, needle: string): number | undefined {
  const text = `${account.issuer} ${account.label} ${account.tags.join(' ')}`.toLowerCase();
  const at = text.indexOf(needle);
  if (at < 0) return undefined;
  if (at === 0) return 0;
  return text.split(/[\s@.:_-]+/).some((word) => word.startsWith(needle)) ? 1 : 2;
}

/** The everyday screen: live codes, instant search, tags, reorder, add, details, settings, lock. */
export function AccountsScreen() {
  const live = useLiveAccounts();
  const { accounts, now, nextCodes, wantNextCode, reload, replace } = live;
  useEffect(() => {
    if (live.loaded) preloadPanels();
  }, [live.loaded]);
  const { notice, undo } = useAppState();
  // Screen sharing: codes as dots until their row is hovered or focused (styles.css, .codes-hidden).
  const hideCodes = useQuery(desktopState, undefined).data?.preferences.hideCodes === true;
  // The first use of the tray: main asks for the quick-search shortcut, chosen in the settings.
  useEffect(() => onChooseShortcut(() => { openPanel('settings', { focus: 'shortcut' }); }), []);
  const [query, setQuery] = useState('');
  const [tag, setTag] = useState<string | undefined>();
  const [draggingId, setDraggingId] = useState<string | undefined>();
  /**
   * HOTP codes the user asked for, shown in their rows as long as they stay on the clipboard. Not
   * cleared when the list is read again: making the code advances the counter, a write that main
   * tells as accounts.changed, which would otherwise take the code off screen as soon as it is shown.
   */
  const [hotpShown, setHotpShown] = useState<ReadonlyMap<string, string>>(new Map());
  const dragOrder = useRef<string[] | undefined>(undefined);

  const allTags = useMemo(() => [...new Set(accounts.flatMap((a) => a.tags))].sort((a, b) => a.localeCompare(b)), [accounts]);
  const visible = useMemo(() => {
    const needle = query.trim().toLowerCase();
    const tagged = tag === undefined ? accounts : accounts.filter((a) => a.tags.includes(tag));
    if (needle === '') return tagged;
    // Best matches first (so Enter copies the likeliest), the user's order within each rank.
    return tagged
      .map((account) => ({ account, rank: matchRank(account, needle) }))
      .filter((entry): entry is { account: AccountView; rank: number } => entry.rank !== undefined)
      .sort((a, b) => a.rank - b.rank)
      .map((entry) => entry.account);
  }, [accounts, query, tag]);
  const reorderable = query.trim() === '' && tag === undefined && accounts.length > 1;

  const copy = useCallback(
    (account: AccountView) => {
      void runMutation(copyCode, account.id).then((result) => {
        if (!result.ok) {
          notify(result.error.text);
          return;
        }
        const { copied, clearsAt, hotpCode } = result.value;
        const wait = clearsAt === null ? '' : `; the clipboard clears in ${String(Math.max(1, clearsAt - Math.floor(Date.now() / 1000)))} s`;
        notify(copied ? `Copied the ${displayName(account)} code${wait}.` : 'Copying is not available here.');
        if (hotpCode !== null) {
          setHotpShown((shown) => new Map(shown).set(account.id, hotpCode));
          // Shown no longer than it stays on the clipboard.
          const hideIn = clearsAt === null ? 30_000 : Math.max(1000, clearsAt * 1000 - Date.now());
          setTimeout(() => {
            setHotpShown((shown) => {
              const next = new Map(shown);
              next.delete(account.id);
              return next;
            });
          }, hideIn);
        }
      });
    },
    [],
  );

  const saveOrder = useCallback(
    (ids: string[]) => {
      const byId = new Map(accounts.map((a) => [a.id, a]));
      replace(ids.flatMap((id) => byId.get(id) ?? []));
      void runMutation(reorderAccounts, ids).then((result) => {
        if (result.ok) return;
        notify(result.error.text);
        reload();
      });
    },
    [accounts, replace, reload],
  );

  const actions: RowActions = useMemo(
    () => ({
      copy,
      open: (account) => {
        openPanel('details', { id: account.id });
      },
      move: (account, by) => {
        const ids = accounts.map((a) => a.id);
        const from = ids.indexOf(account.id);
        const to = from + by;
        if (from < 0 || to < 0 || to >= ids.length) return;
        ids.splice(from, 1);
        ids.splice(to, 0, account.id);
        saveOrder(ids);
        notify(`Moved ${displayName(account)} to place ${String(to + 1)} of ${String(ids.length)}.`);
        // Keep the keyboard on the handle of the row that moved.
        requestAnimationFrame(() => {
          document.querySelector<HTMLButtonElement>(`li[data-id="${account.id}"] .handle`)?.focus();
        });
      },
      dragStart: (account) => {
        setDraggingId(account.id);
        dragOrder.current = accounts.map((a) => a.id);
      },
      dragOver: (target) => {
        const order = dragOrder.current;
        if (order === undefined || draggingId === undefined || target.id === draggingId) return;
        const next = order.filter((id) => id !== draggingId);
        next.splice(order.indexOf(target.id), 0, draggingId);
        dragOrder.current = next;
        const byId = new Map(accounts.map((a) => [a.id, a]));
        replace(next.flatMap((id) => byId.get(id) ?? []));
      },
      drop: () => {
        const order = dragOrder.current;
        dragOrder.current = undefined;
        setDraggingId(undefined);
        if (order !== undefined) saveOrder(order);
      },
      wantNextCode,
    }),
    [accounts, copy, draggingId, replace, saveOrder, wantNextCode],
  );

  function lock() {
    // Main's vault.locked event takes the app to the lock screen; the status read is the fail-safe.
    void runMutation(lockVault, undefined).then(() => {
      refreshQuery(vaultStatus, undefined);
    });
  }

  return (
    <CodesHidden.Provider value={hideCodes}>
      <main className={`screen accounts-screen${hideCodes ? ' codes-hidden' : ''}`}>
        <header className="toolbar">
          <input
            type="search"
            placeholder="Search accounts"
            aria-label="Search accounts"
            autoFocus
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setQuery('');
              const [first] = visible;
              if (e.key === 'Enter' && first !== undefined) copy(first);
            }}
          />
          <button type="button" className="primary" onClick={() => { openPanel('add', {}); }}>
            Add
          </button>
          <button type="button" className="icon-button" aria-label="Settings" title="Settings" onClick={() => { openPanel('settings', {}); }}>
            <span aria-hidden="true">⚙</span>
          </button>
          <button type="button" onClick={lock}>
            Lock
          </button>
        </header>
        {allTags.length > 0 && (
          <nav className="tag-filter" aria-label="Filter by tag">
            <button type="button" className="chip" aria-pressed={tag === undefined} onClick={() => { setTag(undefined); }}>
              All
            </button>
            {allTags.map((name) => (
              <button key={name} type="button" className="chip" aria-pressed={tag === name} onClick={() => { setTag(tag === name ? undefined : name); }}>
                {name}
              </button>
            ))}
          </nav>
        )}
        <p className="notice" role="status" aria-live="polite">
          {notice}
        </p>
        {live.error !== undefined && (
          <p className="error" role="alert">
            The codes could not be refreshed: {live.error.text}
          </p>
        )}
        {live.loaded && accounts.length === 0 && (
          <div className="empty">
            <p>No accounts yet.</p>
            <p className="hint">Choose Add to scan a QR code, drop an image, paste an otpauth:// link or type a secret.</p>
          </div>
        )}
        {live.loaded && accounts.length > 0 && visible.length === 0 && <p className="empty">No account matches “{query.trim() === '' ? tag : query.trim()}”.</p>}
        <AccountList
          accounts={visible}
          render={(account) => {
            const ending = account.validUntil !== null && account.validUntil * 1000 - now <= ENDING_MS;
            return (
              <AccountRow
                account={hotpShown.has(account.id) ? { ...account, code: hotpShown.get(account.id) ?? null } : account}
                ending={ending}
                next={ending ? nextCodes.get(account.id) : undefined}
                reorderable={reorderable}
                dragging={draggingId === account.id}
                actions={actions}
              />
            );
          }}
        />
        {undo !== undefined && <UndoBar pending={undo} />}
      </main>
    </CodesHidden.Provider>
  );
}
