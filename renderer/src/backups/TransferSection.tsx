import { useState, type SyntheticEvent } from 'react';
import { copyTransfer } from '../data/backup.js';
import { useMutation } from '../data/hooks.js';
import { useLongOperation } from '../data/operation.js';
import { PasswordStrength, usePasswordEstimate } from '../ui/PasswordStrength.js';
import { PasteTransfer } from './PasteTransfer.js';
import { OperationOutcome } from '../ui/OperationOutcome.js';

/**
 * Moving accounts to another Latchkey through the clipboard: a transfer block under its own password,
 * put on the clipboard by main (cleared like a code); the other way, a pasted block previewed, then added.
 */
export function TransferSection() {
  const [password, setPassword] = useState('');
  const [vaultPassword, setVaultPassword] = useState('');
  const [message, setMessage] = useState('');
  const mutations = useMutation();
  const operation = useLongOperation();
  const estimate = usePasswordEstimate(password);

  async function submit(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    setMessage('');
    const typedVault = vaultPassword;
    setVaultPassword('');
    const result = await operation.run('Checking the vault password…', (opId) => mutations.run(copyTransfer, { password, vaultPassword: typedVault, opId }));
    if (!result.ok) return;
    setPassword('');
    const clears = result.value.clearsAt === null ? '' : ` It is cleared from the clipboard at ${new Date(result.value.clearsAt).toLocaleTimeString()}.`;
    setMessage(`A transfer block with ${String(result.value.accounts)} account${result.value.accounts === 1 ? '' : 's'} is on the clipboard: paste it into Add on the other computer, with its password.${clears}`);
  }

  return (
    <section className="section" aria-labelledby="transfer-title">
      <h3 id="transfer-title">Transfer through the clipboard</h3>
      <form className="stack wide" onSubmit={(event) => void submit(event)} data-testid="transfer-copy">
        <label>
          Transfer password
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => { setPassword(e.target.value); }} />
        </label>
        <PasswordStrength estimate={estimate} />
        <label>
          Vault password
          <input type="password" autoComplete="current-password" value={vaultPassword} onChange={(e) => { setVaultPassword(e.target.value); }} />
        </label>
        <div className="row">
          <button type="submit" className="primary" disabled={mutations.busy || password === '' || vaultPassword === '' || estimate?.acceptable === false}>
            Copy a transfer block
          </button>
        </div>
      </form>
      <OperationOutcome operation={operation} message={message} error={mutations.error} />
      <h4>Paste a block from another computer</h4>
      <PasteTransfer />
    </section>
  );
}
