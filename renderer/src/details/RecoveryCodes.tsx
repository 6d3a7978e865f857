import { useState, type SyntheticEvent } from 'react';
import { describeError } from '../errors.js';
import { latchkey } from '../latchkey.js';

interface Code {
  readonly code: string;
  readonly used: boolean;
}

/** The service's one-time recovery codes: hidden until asked for, each marked used once spent. */
export function RecoveryCodes({ accountId }: { accountId: string }) {
  const [codes, setCodes] = useState<readonly Code[] | undefined>();
  const [adding, setAdding] = useState('');
  const [error, setError] = useState('');

  function run(request: Promise<{ codes: Code[] }>) {
    setError('');
    request.then(({ codes: list }) => { setCodes(list); }).catch((caught: unknown) => { setError(describeError(caught)); });
  }

  function add(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const list = adding.split(/[\s,]+/).filter((code) => code !== '');
    if (list.length === 0) return;
    run(latchkey().call('accounts.recoveryCodes', { id: accountId, action: 'add', codes: list }));
    setAdding('');
  }

  const unused = codes?.filter((c) => !c.used).length ?? 0;
  return (
    <section className="section" aria-label="Recovery codes">
      <h3>Recovery codes</h3>
      {codes === undefined ? (
        <button type="button" onClick={() => { run(latchkey().call('accounts.recoveryCodes', { id: accountId, action: 'list' })); }}>
          Show recovery codes
        </button>
      ) : (
        <>
          <p className="hint">{codes.length === 0 ? 'None stored. Paste the codes the service gave you.' : `${String(unused)} of ${String(codes.length)} unused.`}</p>
          <ul className="recovery-codes">
            {codes.map((entry) => (
              <li key={entry.code} className={entry.used ? 'used' : ''}>
                <code>{entry.code}</code>
                {entry.used ? (
                  <span className="hint">used</span>
                ) : (
                  <button type="button" className="small" onClick={() => { run(latchkey().call('accounts.recoveryCodes', { id: accountId, action: 'markUsed', code: entry.code })); }}>
                    Mark used
                  </button>
                )}
              </li>
            ))}
          </ul>
          <form className="row" onSubmit={add}>
            <input type="text" aria-label="New recovery codes" placeholder="Paste codes, separated by spaces" value={adding} onChange={(e) => { setAdding(e.target.value); }} spellCheck={false} />
            <button type="submit" disabled={adding.trim() === ''}>
              Add codes
            </button>
          </form>
        </>
      )}
      {error !== '' && <p role="alert" className="error">{error}</p>}
    </section>
  );
}
