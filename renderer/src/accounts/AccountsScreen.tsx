import { Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AccountView } from '../../../shared/vault-api.js';
import { describeError } from '../errors.js';
import { latchkey } from '../latchkey.js';
import { displayName } from '../ui/format.js';
import { AccountList } from './AccountList.js';
import { AccountRow, type RowActions } from './AccountRow.js';
import { AddDialog, DetailsDialog, preloadDialogs, SettingsDialog } from './dialogs.js';
import { UndoBar, type PendingUndo } from './UndoBar.js';
import { ENDING_MS, useLiveAccounts } from './useLiveAccounts.js';

type Panel = { kind: 'add' } | { kind: 'settings' } | { kind: 'details'; id: string } | undefined;

/** 0: the name starts with the query; 1: a word does; 2: it is somewhere; undefined: no match. */
function matchRank(account: AccountView, needle: string): number | undefined {
  const text = `${account.issuer} ${account.label} ${account.tags.join(' ')}`.toLowerCase();
  const at = text.indexOf(needle);
  if (at < 0) return undefined;
  if (at === 0) return 0;
  return text.split(/[\s@.:_-]+/).some((word) => word.startsWith(needle)) ? 1 : 2;
}

/** The everyday screen: live codes, instant search, tags, reorder, add, details, settings, lock. */
export function AccountsScreen({ onLocked }: { onLocked: () => void }) {
  const live = useLiveAccounts(onLocked);
  const { accounts, now, nextCodes, wantNextCode, reload, replace } = live;
  useEffect(() => {
    if (live.loaded) preloadDialogs();
  }, [live.loaded]);
  const [query, setQuery] = useState('');
  const [tag, setTag] = useState<string | undefined>();
  const [panel, setPanel] = useState<Panel>();
  const [notice, setNotice] = useState('');
  const [undo, setUndo] = useState<PendingUndo | undefined>();
  const [draggingId, setDraggingId] = useState<string | undefined>();
  /** HOTP codes the user asked for, shown in their rows until the list is next fetched. */
  const [hotpShown, setHotpShown] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    // The same (empty) map when none is shown: no second render of the list after each fetch.
    setHotpShown((shown) => (shown.size === 0 ? shown : new Map()));
  }, [accounts]);
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
      latchkey()
        .call('accounts.copyCode', { id: account.id })
        .then(({ copied, clearsAt, hotpCode }) => {
          const wait = clearsAt === null ? '' : `; the clipboard clears in ${String(Math.max(1, clearsAt - Math.floor(Date.now() / 1000)))} s`;
          setNotice(copied ? `Copied the ${displayName(account)} code${wait}.` : 'Copying is not available here.');
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
        })
        .catch((error: unknown) => {
          setNotice(describeError(error));
        });
    },
    [],
  );

  const saveOrder = useCallback(
    (ids: string[]) => {
      const byId = new Map(accounts.map((a) => [a.id, a]));
      replace(ids.flatMap((id) => byId.get(id) ?? []));
      latchkey()
        .call('accounts.reorder', { ids })
        .catch((error: unknown) => {
          setNotice(describeError(error));
          reload();
        });
    },
    [accounts, replace, reload],
  );

  const actions: RowActions = useMemo(
    () => ({
      copy,
      open: (account) => {
        setPanel({ kind: 'details', id: account.id });
      },
      move: (account, by) => {
        const ids = accounts.map((a) => a.id);
        const from = ids.indexOf(account.id);
        const to = from + by;
        if (from < 0 || to < 0 || to >= ids.length) return;
        ids.splice(from, 1);
        ids.splice(to, 0, account.id);
        saveOrder(ids);
        setNotice(`Moved ${displayName(account)} to place ${String(to + 1)} of ${String(ids.length)}.`);
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

  async function lock() {
    await latchkey().call('vault.lock', {});
    onLocked();
  }

  const removed = useCallback(
    (pending: PendingUndo) => {
      setPanel(undefined);
      setUndo(pending);
      reload();
    },
    [reload],
  );

  const undoDone = useCallback(
    (message?: string) => {
      setUndo(undefined);
      if (message !== undefined) setNotice(message);
      reload();
    },
    [reload],
  );

  const open = panel?.kind === 'details' ? accounts.find((a) => a.id === panel.id) : undefined;

  return (
    <main className="screen accounts-screen">
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
        <button type="button" className="primary" onClick={() => { setPanel({ kind: 'add' }); }}>
          Add
        </button>
        <button type="button" className="icon-button" aria-label="Settings" title="Settings" onClick={() => { setPanel({ kind: 'settings' }); }}>
          <span aria-hidden="true">⚙</span>
        </button>
        <button type="button" onClick={() => void lock()}>
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
          The codes could not be refreshed: {describeError(live.error)}
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
      {undo !== undefined && <UndoBar pending={undo} onDone={undoDone} />}
      <Suspense fallback={null}>
        {panel?.kind === 'add' && (
          <AddDialog
            onClose={() => { setPanel(undefined); }}
            onAdded={(message) => {
              setPanel(undefined);
              setNotice(message);
              reload();
            }}
          />
        )}
        {panel?.kind === 'settings' && <SettingsDialog onClose={() => { setPanel(undefined); }} />}
        {open !== undefined && (
          <DetailsDialog
            account={open}
            knownTags={allTags}
            onClose={() => { setPanel(undefined); }}
            onChanged={reload}
            onRemoved={removed}
          />
        )}
      </Suspense>
    </main>
  );
}
