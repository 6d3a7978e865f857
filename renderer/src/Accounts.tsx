import { useCallback, useEffect, useMemo, useState, type SyntheticEvent } from 'react';
import type { AccountView } from '../../shared/vault-api.js';
import { CountdownRing } from './CountdownRing.js';
import { describeError } from './errors.js';
import { latchkey } from './latchkey.js';

const groupCode = (code: string) => (code.length === 6 || code.length === 8 ? `${code.slice(0, code.length / 2)} ${code.slice(code.length / 2)}` : code);

/** The everyday screen: live codes, instant search, add by URI, lock. */
export function Accounts({ onLocked }: { onLocked: () => void }) {
  const [accounts, setAccounts] = useState<AccountView[]>([]);
  const [query, setQuery] = useState('');
  const [now, setNow] = useState(() => Date.now());
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState('');

  const load = useCallback(() => {
    latchkey()
      .call('accounts.list', {})
      .then(({ accounts: list }) => {
        setAccounts(list);
      })
      .catch(onLocked);
  }, [onLocked]);
  useEffect(load, [load]);

  // One tick a second for the rings; a new listing only when a code's window has ended.
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
    }, 1000);
    return () => {
      clearInterval(timer);
    };
  }, []);
  const nextChange = Math.min(...accounts.map((a) => (a.validUntil ?? Infinity) * 1000));
  useEffect(() => {
    if (now >= nextChange) load();
  }, [now, nextChange, load]);

  const visible = useMemo(() => {
    const needle = query.trim().toLowerCase();
    return needle === '' ? accounts : accounts.filter((a) => `${a.issuer} ${a.label}`.toLowerCase().includes(needle));
  }, [accounts, query]);

  async function copy(account: AccountView) {
    const { copied, clearsAt } = await latchkey().call('accounts.copyCode', { id: account.id });
    const name = account.issuer === '' ? account.label : account.issuer;
    setNotice(copied ? `Copied the ${name} code${clearsAt === null ? '' : `; the clipboard clears in ${String(Math.max(1, clearsAt - Math.floor(Date.now() / 1000)))} s`}.` : 'Copying is not available here.');
    if (account.type === 'hotp') load();
  }

  async function lock() {
    await latchkey().call('vault.lock', {});
    onLocked();
  }

  return (
    <main className="screen">
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
            if (e.key === 'Enter' && first !== undefined) void copy(first);
          }}
        />
        <button type="button" onClick={() => { setAdding(!adding); }} aria-expanded={adding}>
          Add
        </button>
        <button type="button" onClick={() => void lock()}>
          Lock
        </button>
      </header>
      {adding && (
        <AddByUri
          onAdded={() => {
            setAdding(false);
            load();
          }}
        />
      )}
      <p className="notice" role="status" aria-live="polite">
        {notice}
      </p>
      {accounts.length === 0 && !adding && <p className="empty">No accounts yet. Choose Add and paste an otpauth:// link.</p>}
      <ul className="accounts" aria-label="Accounts">
        {visible.map((account) => (
          <li key={account.id} className="account">
            <div className="names">
              <span className="issuer">{account.issuer === '' ? account.label : account.issuer}</span>
              {account.issuer !== '' && <span className="label">{account.label}</span>}
            </div>
            <button
              type="button"
              className={`code${account.validUntil !== null && account.validUntil * 1000 - now <= 5000 ? ' ending' : ''}`}
              data-testid="code"
              aria-label={`Copy the code for ${account.issuer} ${account.label}`}
              onClick={() => void copy(account)}
            >
              {account.code === null ? '••••••' : groupCode(account.code)}
            </button>
            {account.validUntil !== null && account.period !== undefined && (
              <CountdownRing secondsLeft={Math.max(0, Math.ceil(account.validUntil - now / 1000))} period={account.period} />
            )}
          </li>
        ))}
      </ul>
    </main>
  );
}

function AddByUri({ onAdded }: { onAdded: () => void }) {
  const [uri, setUri] = useState('');
  const [error, setError] = useState('');

  async function add(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    setError('');
    try {
      await latchkey().call('accounts.add', { uri: uri.trim() });
      onAdded();
    } catch (caught) {
      setError(describeError(caught));
    }
  }

  return (
    <form className="add stack" onSubmit={(event) => void add(event)}>
      <label>
        Paste an otpauth:// link
        <input type="text" autoFocus spellCheck={false} value={uri} onChange={(e) => { setUri(e.target.value); }} placeholder="otpauth://totp/…" />
      </label>
      {error !== '' && <p role="alert" className="error">{error}</p>}
      <button type="submit" className="primary" disabled={uri.trim() === ''}>
        Add account
      </button>
    </form>
  );
}
