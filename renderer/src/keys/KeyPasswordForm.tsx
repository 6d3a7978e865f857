import { useState, type SyntheticEvent } from 'react';
import { refreshQuery, useMutation } from '../data/hooks.js';
import { keyCredentials, unlockKeyWithPassword } from '../data/keys.js';
import { ErrorAlert } from '../ui/ErrorAlert.js';

/**
 * The access password of a YubiKey's OATH card, asked when the card is locked. Once it opens the
 * card, the room and accounts are read again (main remembers the card's access key, not the password).
 */
export function KeyPasswordForm({ serial }: { serial: number }) {
  const [password, setPassword] = useState('');
  const mutations = useMutation();

  async function submit(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const result = await mutations.run(unlockKeyWithPassword, { serial, password });
    if (!result.ok) return;
    setPassword('');
    refreshQuery(keyCredentials, { serial });
  }

  return (
    <form className="stack wide key-password" onSubmit={(event) => void submit(event)}>
      <label>
        The key’s access password
        <input type="password" autoComplete="off" value={password} onChange={(e) => { setPassword(e.target.value); }} />
      </label>
      <div className="row">
        <button type="submit" disabled={mutations.busy || password === ''}>
          Open the key
        </button>
      </div>
      <ErrorAlert error={mutations.error} />
    </form>
  );
}
