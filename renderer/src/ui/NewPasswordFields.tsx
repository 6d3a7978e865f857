import { useState } from 'react';
import type { PasswordEstimate } from '../../../shared/password-api.js';
import { PasswordStrength, usePasswordEstimate } from './PasswordStrength.js';

/** A new password being typed twice, with main's strength estimate of the first field. */
export interface NewPassword {
  readonly value: string;
  readonly repeat: string;
  readonly estimate: PasswordEstimate | undefined;
  readonly setValue: (value: string) => void;
  readonly setRepeat: (value: string) => void;
  /** Typed and not (yet) judged too weak: main refuses a weak one anyway (PASSWORD_REJECTED), this spares the trip. */
  readonly ready: boolean;
  /** The two fields differ: the form says so rather than sending it. */
  readonly differs: boolean;
  /** Empties both fields once the password has been used (it is not kept in the page). */
  readonly clear: () => void;
}

export function useNewPassword(): NewPassword {
  const [value, setValue] = useState('');
  const [repeat, setRepeat] = useState('');
  const estimate = usePasswordEstimate(value);
  return {
    value,
    repeat,
    estimate,
    setValue,
    setRepeat,
    ready: value !== '' && estimate?.acceptable !== false,
    differs: value !== repeat,
    clear: () => {
      setValue('');
      setRepeat('');
    },
  };
}

/**
 * A new password (a backup's, the vault's) and "Repeat it", side by side, with its strength hint under
 * them as it is typed: the one way every form asks for a password it will set.
 */
export function NewPasswordFields({ label, password }: { label: string; password: NewPassword }) {
  return (
    <>
      <div className="row">
        <label>
          {label}
          <input type="password" autoComplete="new-password" value={password.value} onChange={(e) => { password.setValue(e.target.value); }} />
        </label>
        <label>
          Repeat it
          <input type="password" autoComplete="new-password" value={password.repeat} onChange={(e) => { password.setRepeat(e.target.value); }} />
        </label>
      </div>
      <PasswordStrength estimate={password.estimate} />
    </>
  );
}
