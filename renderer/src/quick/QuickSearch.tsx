import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { desktopState, openMainWindow, quickCopy, quickHide, quickMatches, quickType } from '../data/desktop.js';
import { refreshQuery, useMutation, useQuery } from '../data/hooks.js';
import { vaultStatus } from '../data/vault.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { displayName } from '../ui/format.js';
import { CodesHidden, HideableCode } from '../ui/HideableCode.js';

/** The most matches listed: quick search is for the one account the user has in mind. */
const MAX_SHOWN = 8;

/**
 * The small window the global shortcut opens over other apps: type, Enter copies the first (or the
 * chosen) match and hides, Shift+Enter types it into the window behind (when turned on), Esc hides.
 * Locked, it offers Unlock and nothing else: no account name is shown.
 */
export function QuickSearch() {
  const status = useQuery(vaultStatus, undefined).data;
  const { run, error, clearError } = useMutation();
  const hide = () => {
    void run(quickHide, undefined);
  };
  const onEscape = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      hide();
    }
  };
  if (status === undefined) return <main className="quick-search" aria-busy="true" />;
  if (!status.exists || status.locked) {
    return (
      <main className="quick-search locked" onKeyDown={onEscape}>
        <p>Latchkey is locked.</p>
        <button type="button" className="primary" autoFocus onClick={() => { void run(openMainWindow, undefined); }}>
          Unlock
        </button>
      </main>
    );
  }
  return <QuickMatches run={run} error={error} clearError={clearError} hide={hide} />;
}

function QuickMatches({ run, error, clearError, hide }: { run: ReturnType<typeof useMutation>['run']; error: ReturnType<typeof useMutation>['error']; clearError: () => void; hide: () => void }) {
  const [text, setText] = useState('');
  const [chosen, setChosen] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const hideCodes = useQuery(desktopState, undefined).data?.preferences.hideCodes === true;
  const { data } = useQuery(quickMatches, text);
  const matches = (data?.accounts ?? []).slice(0, MAX_SHOWN);
  // Each time the shortcut brings the window back, the last search is there, selected, to type over.
  useEffect(() => {
    const onFocus = () => {
      input.current?.select();
      refreshQuery(quickMatches, text);
    };
    window.addEventListener('focus', onFocus);
    return () => {
      window.removeEventListener('focus', onFocus);
    };
  }, [text]);
  const act = (shift: boolean, index = chosen) => {
    const account = matches[index];
    if (account === undefined) return;
    void (shift ? run(quickType, account.id) : run(quickCopy, account.id));
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      hide();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      act(event.shiftKey);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const by = event.key === 'ArrowDown' ? 1 : -1;
      setChosen((index) => Math.max(0, Math.min(matches.length - 1, index + by)));
    }
  };
  return (
    <CodesHidden.Provider value={hideCodes}>
      <main className={`quick-search${hideCodes ? ' codes-hidden' : ''}`}>
        <input
          ref={input}
          type="search"
          aria-label="Quick search"
          placeholder="Search accounts"
          autoFocus
          value={text}
          onKeyDown={onKeyDown}
          onChange={(e) => {
            setText(e.target.value);
            setChosen(0);
            clearError();
          }}
        />
        <ul className="quick-matches" role="listbox" aria-label="Matching accounts">
          {matches.map((account, index) => (
            <li key={account.id} role="option" aria-selected={index === chosen} className={`account quick-match${index === chosen ? ' chosen' : ''}`} onMouseEnter={() => { setChosen(index); }} onClick={(e) => { act(e.shiftKey, index); }}>
              <span className="quick-name">
                <span className="issuer">{displayName(account)}</span>
                {account.issuer !== '' && account.label !== '' && <span className="label">{account.label}</span>}
              </span>
              {account.code === null ? (
                <span className="hint">next code on Enter</span>
              ) : (
                <span className="code">
                  <HideableCode code={account.code} />
                </span>
              )}
            </li>
          ))}
        </ul>
        {data !== undefined && matches.length === 0 && <p className="hint">No account matches “{text}”.</p>}
        <ErrorAlert error={error} />
        <p className="hint quick-keys">
          <span>
            <kbd>↑↓</kbd> choose
          </span>{' '}
          <span>
            <kbd>Enter</kbd> copy
          </span>{' '}
          <span>
            <kbd>Shift+Enter</kbd> type
          </span>{' '}
          <span>
            <kbd>Esc</kbd> hide
          </span>
        </p>
      </main>
    </CodesHidden.Provider>
  );
}
