import { describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../shared/errors.js';
import { describeError } from './errors.js';

describe('describeError', () => {
  it('a damaged attempts counter is said in main’s words, naming the file (issue 13, item 15)', () => {
    const error = new LatchkeyError('VAULT_TOO_MANY_ATTEMPTS', 'the failed-attempt counter /v/vault.sqlite.attempts is a directory, not a file, so every unlock waits the longest (300 s): remove it, then try again', {
      retryAfterMs: 300_000,
      path: '/v/vault.sqlite.attempts',
    });
    expect(describeError(error)).toBe('The failed-attempt counter /v/vault.sqlite.attempts is a directory, not a file, so every unlock waits the longest (300 s): remove it, then try again.');
  });

  it('too many wrong passwords says how long to wait', () => {
    expect(describeError(new LatchkeyError('VAULT_TOO_MANY_ATTEMPTS', 'too many wrong passwords; try again in 4 s', { retryAfterMs: 4000 }))).toBe('Too many wrong passwords. Try again in 4 s.');
  });
});
