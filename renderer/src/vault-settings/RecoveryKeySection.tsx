import { useState } from 'react';
import { useMutation } from '../data/hooks.js';
import { useLongOperation } from '../data/operation.js';
import { issueRecoveryKey } from '../data/vault.js';
import { PasswordAgain } from './PasswordAgain.js';
import { RecoveryKeyShown } from '../ui/RecoveryKeyShown.js';
import { OperationOutcome } from '../ui/OperationOutcome.js';

/** A new recovery key after the password again; the old one stops working at once. */
export function RecoveryKeySection() {
  const [shown, setShown] = useState('');
  const mutations = useMutation();
  const operation = useLongOperation();

  async function issue(password: string) {
    const result = await operation.run('Checking the password…', (opId) => mutations.run(issueRecoveryKey, { password, opId }));
    if (result.ok) setShown(result.value.recoveryKey);
  }

  return (
    <section className="section" aria-labelledby="recovery-key-title">
      <h3 id="recovery-key-title">Recovery key</h3>
      {shown === '' ? (
        <PasswordAgain action="Show a new recovery key" busy={mutations.busy} onConfirm={issue} testId="new-recovery-key-form">
          <p className="hint">The way in when the password is forgotten. A new one replaces the old, which stops working at once.</p>
        </PasswordAgain>
      ) : (
        <RecoveryKeyShown recoveryKey={shown} onDone={() => { setShown(''); }} />
      )}
      <OperationOutcome operation={operation} error={mutations.error} />
    </section>
  );
}
