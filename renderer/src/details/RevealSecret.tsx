import { useState, type SyntheticEvent } from 'react';
import type { QrMatrix } from '../../../shared/vault-api.js';
import { revealSecret } from '../data/accounts.js';
import { useMutation } from '../data/hooks.js';
import { useLongOperation } from '../data/operation.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';
import { OperationProgress } from '../ui/Progress.js';
import { QrCode } from '../ui/QrCode.js';

/**
 * The secret and a QR code for a phone, only after the vault password is typed again. The check is a
 * long operation: its key derivation shows a bar, a password+YubiKey vault's touch wait says "Touch
 * your YubiKey…", and Cancel stops it before anything is read.
 */
export function RevealSecret({ accountId, name }: { accountId: string; name: string }) {
  const [asking, setAsking] = useState(false);
  const [password, setPassword] = useState('');
  const { run, busy, error } = useMutation();
  const operation = useLongOperation();
  const [revealed, setRevealed] = useState<{ secretBase32: string; qr: QrMatrix } | undefined>();

  async function reveal(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const request = operation.run('Checking the vault password…', (opId) => run(revealSecret, { id: accountId, password, opId }));
    setPassword('');
    const result = await request;
    if (result.ok) setRevealed({ secretBase32: result.value.secretBase32, qr: result.value.qr });
  }

  return (
    <section className="section" aria-label="Secret">
      <h3>Secret key</h3>
      {revealed !== undefined ? (
        <div className="reveal">
          <QrCode qr={revealed.qr} label={`QR code for ${name}, to scan with a phone`} />
          <div className="stack">
            <output className="secret mono" data-testid="secret">
              {revealed.secretBase32.replace(/(.{4})(?=.)/g, '$1 ')}
            </output>
            <p className="hint">Anyone who sees this can make your codes. Hide it when you are done.</p>
            <button type="button" onClick={() => { setRevealed(undefined); setAsking(false); }}>
              Hide
            </button>
          </div>
        </div>
      ) : asking ? (
        <form className="row" onSubmit={(event) => void reveal(event)}>
          <input type="password" aria-label="Vault password" placeholder="Vault password" autoFocus autoComplete="current-password" value={password} onChange={(e) => { setPassword(e.target.value); }} />
          <button type="submit" disabled={busy || password === ''}>
            {busy ? 'Checking…' : 'Reveal'}
          </button>
        </form>
      ) : (
        <button type="button" onClick={() => { setAsking(true); }}>
          Reveal secret and QR code…
        </button>
      )}
      {operation.state !== undefined && <OperationProgress state={operation.state} onCancel={operation.cancel} />}
      <ErrorAlert error={error} />
    </section>
  );
}
