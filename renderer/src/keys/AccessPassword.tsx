import { useState, type SyntheticEvent } from 'react';
import { refreshQuery, useMutation } from '../data/hooks.js';
import { keyCredentials } from '../data/keys.js';
import { setKeyAccessPassword } from '../data/keys-manage.js';
import { useLongOperation } from '../data/operation.js';
import { OperationProgress } from '../ui/Progress.js';
import { KeyWriteError } from './KeyWriteError.js';
import { KeyFormDone } from './KeyFormDone.js';

type Action = 'set' | 'change' | 'remove';

const DONE: Record<Action, string> = {
  set: 'The access password is set: the key asks for it before listing its accounts or making a code (here, once while the vault stays unlocked).',
  change: 'The access password is changed.',
  remove: 'The access password is removed: anyone holding the key can list its accounts and make their codes.',
};

/**
 * A YubiKey OATH application's access password: set when it has none, changed or removed when it has
 * one. Changing or removing asks for the current one (a wrong one is said, and nothing changes). The
 * fields are emptied after each try: no password stays in the page longer than its call.
 */
export function AccessPassword({ serial, hasPassword, onClose }: { serial: number; hasPassword: boolean; onClose: () => void }) {
  const [action, setAction] = useState<Action>(hasPassword ? 'change' : 'set');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState<Action | undefined>();
  const mutations = useMutation();
  const operation = useLongOperation();

  async function submit(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const typed = { current, next, repeat };
    setCurrent('');
    setNext('');
    setRepeat('');
    if (action !== 'remove' && typed.next !== typed.repeat) {
      mutations.fail('The two new passwords differ: type the same one twice.');
      return;
    }
    const request = { serial, current: hasPassword ? typed.current : undefined, newPassword: action === 'remove' ? undefined : typed.next };
    const result = await operation.run('Asking the key…', (opId) => mutations.run(setKeyAccessPassword, { ...request, opId }));
    refreshQuery(keyCredentials, { serial });
    if (!result.ok) return;
    setDone(action);
  }

  if (done !== undefined) return <KeyFormDone message={DONE[done]} testId="password-done" onClose={onClose} />;

  const ready = (!hasPassword || current !== '') && (action === 'remove' || (next !== '' && repeat !== ''));
  return (
    <form className="key-form stack wide" aria-label="Access password" onSubmit={(event) => void submit(event)}>
      <p className="hint">
        {hasPassword
          ? 'The key has an access password: it asks for it before listing its accounts or making a code.'
          : 'The key has no access password: anyone holding it can list its accounts and make their codes.'}
      </p>
      {hasPassword && (
        <fieldset className="key-choice">
          <legend>Do</legend>
          <label className="check">
            <input type="radio" name={`password-action-${String(serial)}`} checked={action === 'change'} onChange={() => { setAction('change'); }} />
            change it
          </label>
          <label className="check">
            <input type="radio" name={`password-action-${String(serial)}`} checked={action === 'remove'} onChange={() => { setAction('remove'); }} />
            remove it
          </label>
        </fieldset>
      )}
      {hasPassword && (
        <label>
          Current access password
          <input type="password" autoComplete="off" value={current} onChange={(e) => { setCurrent(e.target.value); }} />
        </label>
      )}
      {action !== 'remove' && (
        <>
          <label>
            New access password
            <input type="password" autoComplete="new-password" value={next} onChange={(e) => { setNext(e.target.value); }} />
          </label>
          <label>
            The new one again
            <input type="password" autoComplete="new-password" value={repeat} onChange={(e) => { setRepeat(e.target.value); }} />
          </label>
          <p className="hint">Forgotten, it can’t be recovered: only a reset, which erases the key’s accounts, opens the key again.</p>
        </>
      )}
      {operation.state !== undefined && <OperationProgress state={operation.state} onCancel={operation.cancel} />}
      <KeyWriteError error={mutations.error} target="card" />
      <div className="row">
        <button type="submit" className={action === 'remove' ? 'danger' : 'primary'} disabled={mutations.busy || !ready}>
          {action === 'set' ? 'Set the password' : action === 'change' ? 'Change the password' : 'Remove the password'}
        </button>
        <button type="button" disabled={mutations.busy} onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
