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
const ESTIMATED_LENGTH = 64;

function loadEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, english] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]);
    return new ZxcvbnFactory({
      // Bounds on the work of one check (it runs on main's thread, once per keystroke pause): l33t
      // variants past 8 substitutions and characters past 64 add time (~1 s at the defaults for some
      // inputs), not judgement; the scores of ordinary passwords are the same.
      l33tMaxSubstitutions: 8,
      maxLength: ESTIMATED_LENGTH,
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
  // Only the first 64 characters are judged (a longer password is long enough; the rest can only add strength).
  const { score, feedback } = (await loadEstimator()).check(password);
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
