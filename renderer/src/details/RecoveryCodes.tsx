import { useState, type SyntheticEvent } from 'react';
import { recoveryCodes } from '../data/accounts.js';
import { useMutation } from '../data/hooks.js';
import { useLongOperation } from '../data/operation.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { OperationProgress } from '../ui/Progress.js';

interface Code {
  readonly code: string;
  readonly used: boolean;
}

/**
 * The service's one-time recovery codes: shown only after the vault password again (they unlock the
 * account as surely as its secret), each marked used once spent. Adding and marking answer with
 * counts only, so the list here is kept in step by this component.
 */
export function RecoveryCodes({ accountId }: { accountId: string }) {
  const [codes, setCodes] = useState<readonly Code[] | undefined>();
  const [vaultPassword, setVaultPassword] = useState('');
  const [adding, setAdding] = useState('');
  const { run, busy, error } = useMutation();
  // Showing them checks the password again: a bar, the touch a password+YubiKey vault waits for, Cancel.
  const operation = useLongOperation();

  async function show(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const request = operation.run('Checking the vault password…', (opId) => run(recoveryCodes, { id: accountId, action: 'list', vaultPassword, opId }));
    setVaultPassword('');
    const listed = await request;
    if (listed.ok) setCodes(listed.value.codes ?? []);
  }

  async function add(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const list = adding.split(/[\s,]+/).filter((code) => code !== '');
    if (list.length === 0) return;
    setAdding('');
    if ((await run(recoveryCodes, { id: accountId, action: 'add', codes: list })).ok) {
      setCodes((current) => [...(current ?? []), ...list.map((code) => ({ code, used: false }))]);
    }
  }

  async function markUsed(code: string) {
    if ((await run(recoveryCodes, { id: accountId, action: 'markUsed', code })).ok) {
      setCodes((current) => current?.map((entry) => (entry.code === code ? { ...entry, used: true } : entry)));
    }
  }

  const unused = codes?.filter((c) => !c.used).length ?? 0;
  return (
    <section className="section" aria-label="Recovery codes">
      <h3>Recovery codes</h3>
      {codes === undefined ? (
        <form className="row" onSubmit={(event) => void show(event)}>
          <input type="password" aria-label="Password to show the codes" placeholder="Vault password" autoComplete="current-password" value={vaultPassword} onChange={(e) => { setVaultPassword(e.target.value); }} />
          <button type="submit" disabled={busy || vaultPassword === ''}>
            Show recovery codes
          </button>
        </form>
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
                  <button type="button" className="small" onClick={() => void markUsed(entry.code)}>
                    Mark used
                  </button>
                )}
              </li>
            ))}
          </ul>
          <form className="row" onSubmit={(event) => void add(event)}>
            <input type="text" aria-label="New recovery codes" placeholder="Paste codes, separated by spaces" value={adding} onChange={(e) => { setAdding(e.target.value); }} spellCheck={false} />
            <button type="submit" disabled={adding.trim() === ''}>
              Add codes
            </button>
          </form>
        </>
      )}
      {operation.state !== undefined && <OperationProgress state={operation.state} onCancel={operation.cancel} />}
      <ErrorAlert error={error} />
    </section>
  );
}
