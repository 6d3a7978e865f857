import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { LatchkeyError } from '../../shared/errors.js';
import { PASSWORD_RULE, type PasswordEstimate } from '../../shared/password-api.js';

/** Whose password is being set: named in the refusal. */
export type PasswordPurpose = 'vault' | 'backup' | 'transfer';

/**
 * The estimator, built on first use: its dictionaries take ~0.4 s to load, which a command that
 * sets no password (nearly all of them) must not pay.
 */
let estimator: Promise<ZxcvbnFactory> | undefined;

function loadEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, english] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...english.dictionary },
      graphs: common.adjacencyGraphs,
      translations: english.translations,
    });
  })();
  return estimator;
}

/** zxcvbn's score and words, and whether the password meets the rule. */
export async function estimatePassword(password: string): Promise<PasswordEstimate> {
  const length = Array.from(password).length;
  if (password === '') return { score: 0, acceptable: false, feedback: [`Use at least ${String(PASSWORD_RULE.minLength)} characters.`] };
  // zxcvbn's matchers are superlinear in the length: past 100 characters only the start is judged
  // (a longer password is long enough; the rest can only add strength).
  const { score, feedback } = (await loadEstimator()).check(password.slice(0, 100));
  const words = [...(feedback.warning === null || feedback.warning === '' ? [] : [feedback.warning]), ...feedback.suggestions];
  const tooShort = length < PASSWORD_RULE.minLength;
  return {
    score,
    acceptable: !tooShort && score >= PASSWORD_RULE.minScore,
    feedback: tooShort ? [`Use at least ${String(PASSWORD_RULE.minLength)} characters.`, ...words] : words,
  };
}

/** PASSWORD_REJECTED, with the estimator's feedback in words, unless the password meets the rule. */
export async function assertStrongPassword(password: string, purpose: PasswordPurpose): Promise<void> {
  const estimate = await estimatePassword(password);
  if (estimate.acceptable) return;
  const what = `the ${purpose} password`;
  const why =
    Array.from(password).length < PASSWORD_RULE.minLength
      ? `${what} must have at least ${String(PASSWORD_RULE.minLength)} characters`
      : `${what} is too easy to guess (strength ${String(estimate.score)} of 4; at least ${String(PASSWORD_RULE.minScore)} is needed)`;
  const advice = estimate.feedback.filter((line) => !line.startsWith('Use at least'));
  throw new LatchkeyError('PASSWORD_REJECTED', advice.length === 0 ? why : `${why}: ${advice.join(' ')}`, { score: estimate.score });
}
