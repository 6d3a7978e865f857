import { useEffect, useState } from 'react';
import type { PasswordEstimate } from '../../../shared/password-api.js';
import { runMutation } from '../data/hooks.js';
import { estimatePassword } from '../data/vault.js';

const WORDS = ['very weak', 'weak', 'fair', 'good', 'strong'] as const;

/**
 * How guessable a new password is, as it is typed: main's estimator (zxcvbn-ts, the same rule that
 * refuses a weak one with PASSWORD_REJECTED), asked a moment after the last keystroke.
 */
export function usePasswordEstimate(password: string): PasswordEstimate | undefined {
  const [estimate, setEstimate] = useState<PasswordEstimate | undefined>();
  useEffect(() => {
    if (password === '') {
      setEstimate(undefined);
      return;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      void runMutation(estimatePassword, password).then((result) => {
        if (current && result.ok) setEstimate(result.value);
      });
    }, 120);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [password]);
  return estimate;
}

export function PasswordStrength({ estimate }: { estimate: PasswordEstimate | undefined }) {
  if (estimate === undefined) return null;
  return (
    <div className="strength" data-testid="password-strength" data-score={estimate.score} data-acceptable={estimate.acceptable}>
      <meter min={0} max={4} low={2} high={3} optimum={4} value={estimate.score} aria-label="Password strength" />
      <span className={estimate.acceptable ? 'hint small' : 'field-error'} aria-live="polite">
        Strength: {WORDS[estimate.score]}
        {estimate.acceptable ? '.' : ' — not enough yet.'}
        {estimate.feedback.length > 0 && ` ${estimate.feedback.join(' ')}`}
      </span>
    </div>
  );
}
