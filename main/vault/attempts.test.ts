import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../shared/errors.js';
import { MAX_WAIT_MS } from './attempts.js';
import { createVault } from './create-vault.js';
import { tempVaultPath, testRuntime } from './test-support/test-runtime.js';
import { unlockVault } from './unlock-vault.js';

const PASSWORD = 'correct horse battery staple 7';

async function refusal(promise: Promise<unknown>): Promise<LatchkeyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LatchkeyError);
  return error as LatchkeyError;
}

/** Issue 13, item 15: a sidecar that is not our counter is the worst case, never a reset nor a stack trace. */
describe('the attempts sidecar when it is not the counter Latchkey wrote', () => {
  let runtime: Awaited<ReturnType<typeof testRuntime>>;
  let path: string;
  let sidecar: string;

  beforeEach(async () => {
    runtime = await testRuntime();
    path = tempVaultPath();
    sidecar = `${path}.attempts`;
    await createVault(path, PASSWORD, runtime);
  });

  for (const [what, garbage] of [
    ['garbage', 'not json at all \u0000\u0001'],
    ['JSON of another shape', '{"failures": 0}'],
    ['a negative count', JSON.stringify({ ['0'.repeat(32)]: { failures: -5, lastFailureMs: 0 } }).replace('0'.repeat(32), 'zz')],
  ] as const) {
    it(`${what}: the longest wait, named, then a normal unlock 300 s later`, async () => {
      writeFileSync(sidecar, garbage);
      const error = await refusal(unlockVault(path, { password: PASSWORD }, runtime));
      expect(error.code).toBe('VAULT_TOO_MANY_ATTEMPTS');
      expect(error.details).toMatchObject({ retryAfterMs: MAX_WAIT_MS });
      expect(error.message).toContain(sidecar);
      // Still the worst case a moment later (the garbage was replaced by a worst-case record, not dropped).
      runtime.clock.advance(MAX_WAIT_MS - 1000);
      expect((await refusal(unlockVault(path, { password: PASSWORD }, runtime))).code).toBe('VAULT_TOO_MANY_ATTEMPTS');
      runtime.clock.advance(1000);
      // A wrong password now waits the longest again: the count did not start over.
      const wrong = await refusal(unlockVault(path, { password: 'not the password at all' }, runtime));
      expect(wrong.code).toBe('VAULT_WRONG_PASSWORD');
      expect(wrong.details).toMatchObject({ retryAfterMs: MAX_WAIT_MS });
      runtime.clock.advance(MAX_WAIT_MS);
      (await unlockVault(path, { password: PASSWORD }, runtime)).lock();
      expect(JSON.parse(readFileSync(sidecar, 'utf8'))).toEqual({});
    });
  }

  it('a directory: every unlock waits the longest, with a message naming it, until it is removed', async () => {
    mkdirSync(sidecar);
    for (let i = 0; i < 2; i++) {
      const error = await refusal(unlockVault(path, { password: PASSWORD }, runtime));
      expect(error.code).toBe('VAULT_TOO_MANY_ATTEMPTS');
      expect(error.details).toMatchObject({ retryAfterMs: MAX_WAIT_MS });
      expect(error.message).toContain(sidecar);
      expect(error.message).toMatch(/directory/);
      runtime.clock.advance(MAX_WAIT_MS);
    }
    const session = await unlockVault(path, { password: PASSWORD }, runtime).catch(() => undefined);
    expect(session).toBeUndefined();
    rmSync(sidecar, { recursive: true });
    (await unlockVault(path, { password: PASSWORD }, runtime)).lock();
  });

  it('re-authentication (reveal, export…) treats it the same way', async () => {
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    mkdirSync(sidecar);
    const error = await refusal(session.reauthenticate(PASSWORD));
    expect(error.code).toBe('VAULT_TOO_MANY_ATTEMPTS');
    expect(error.message).toContain(sidecar);
    session.lock();
  });
});
