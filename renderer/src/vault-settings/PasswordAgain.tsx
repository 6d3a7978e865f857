import { useState, type ReactNode, type SyntheticEvent } from 'react';

/**
 * The vault password again, before a change main will only make after checking it (reauth.ts). The
 * field is emptied after each try: a password is never kept in the page's state longer than a call.
 */
export function PasswordAgain({
  action,
  busy,
  onConfirm,
  children,
  danger = false,
  testId,
}: {
  /** The button's words: what happens once the password is checked. */
  action: string;
  busy: boolean;
  onConfirm: (password: string) => Promise<unknown>;
  /** What the user is about to do, said before the password is asked (the preview). */
  children?: ReactNode;
  danger?: boolean;
  testId?: string;
}) {
  const [password, setPassword] = useState('');

  function submit(event: SyntheticEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const typed = password;
    setPassword('');
    void onConfirm(typed);
  }

  return (
    <form className="stack wide" onSubmit={submit} data-testid={testId}>
      {children}
      <label>
        Vault password
        <input type="password" autoComplete="current-password" value={password} onChange={(e) => { setPassword(e.target.value); }} />
      </label>
      <div className="row">
        <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy || password === ''}>
          {action}
        </button>
      </div>
    </form>
  );
}
