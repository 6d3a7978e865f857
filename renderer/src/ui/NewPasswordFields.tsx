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
 * A new password (the vault's, a backup's) and "Repeat it", with its strength hint as it is typed: the
 * one way every form asks for a password it will set. Side by side with the hint under both in the
 * settings' wide forms; `stacked` (the first-run and recovery screens, one field a line) puts the hint
 * right under the field it judges.
 */
export function NewPasswordFields({ label, password, stacked = false, autoFocus = false }: { label: string; password: NewPassword; stacked?: boolean; autoFocus?: boolean }) {
  const first = (
    <label>
      {label}
      <input type="password" autoFocus={autoFocus} autoComplete="new-password" value={password.value} onChange={(e) => { password.setValue(e.target.value); }} />
    </label>
  );
  const again = (
    <label>
      Repeat it
      <input type="password" autoComplete="new-password" value={password.repeat} onChange={(e) => { password.setRepeat(e.target.value); }} />
    </label>
  );
  const strength = <PasswordStrength estimate={password.estimate} />;
  if (stacked) {
    return (
      <>
        {first}
        {strength}
        {again}
      </>
    );
  }
  return (
    <>
      <div className="row">
        {first}
        {again}
      </div>
      {strength}
    </>
  );
}
