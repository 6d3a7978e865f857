import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';
import { estimatePassword } from './password-policy.js';

/** Issue 13, item 12: every password being set is at least 8 characters and zxcvbn score ≥ 2. */
const STRONG = 'correct horse battery staple 7';

function client(prompts?: Parameters<typeof createService>[0]['prompts']) {
  const service = createService({ clock: testClock(), vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf(), ...(prompts === undefined ? {} : { prompts }) });
  return createClient((channel, payload) => service.dispatch(channel, payload));
}

async function unlocked() {
  const latchkey = client({ pickPath: () => Promise.resolve('/nonexistent/never-used'), confirmCapture: () => Promise.resolve(false) });
  await latchkey.call('vault.create', { password: STRONG });
  await latchkey.call('vault.unlock', { password: STRONG });
  return latchkey;
}

describe('the strength estimate', () => {
  it('scores with zxcvbn and says why in words', async () => {
    expect(await estimatePassword('password')).toMatchObject({ score: 0, acceptable: false, feedback: expect.arrayContaining(['This is a heavily used password.']) as unknown });
    expect(await estimatePassword('abc')).toMatchObject({ acceptable: false, feedback: expect.arrayContaining(['Use at least 8 characters.']) as unknown });
    expect(await estimatePassword(STRONG)).toMatchObject({ score: 4, acceptable: true });
    expect(await estimatePassword('e2e vault password')).toMatchObject({ acceptable: true });
  });

  it('a long l33t or repeated password is judged in bounded time (it runs on main’s thread)', async () => {
    await estimatePassword('warm up');
    const started = performance.now();
    // Each took 0.5–1 s at zxcvbn-ts's defaults; now about a tenth of that.
    for (const pattern of ['l33tsp34k1!', 'p4$$w0rd', 'Tr0ub4dor&3', '1234567890']) await estimatePassword(pattern.repeat(100));
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('answers the page on password.estimate, with no vault at all', async () => {
    expect(await client().call('password.estimate', { password: 'qwertyuiop' })).toMatchObject({ acceptable: false });
    expect(await client().call('password.estimate', { password: '' })).toMatchObject({ score: 0, acceptable: false });
  });
});

describe('weak new passwords are PASSWORD_REJECTED, with the estimator’s words', () => {
  it('vault.create refuses "password" and a 3-character one; no vault is made', async () => {
    const latchkey = client();
    await expect(latchkey.call('vault.create', { password: 'password' })).rejects.toMatchObject({ code: 'PASSWORD_REJECTED', message: expect.stringMatching(/too easy to guess.*heavily used password/) as unknown });
    await expect(latchkey.call('vault.create', { password: 'abc' })).rejects.toMatchObject({ code: 'PASSWORD_REJECTED', message: expect.stringContaining('at least 8 characters') as unknown });
    expect(await latchkey.call('vault.status', {})).toMatchObject({ exists: false });
  });

  it('vault.changePassword refuses a weak one', async () => {
    const latchkey = await unlocked();
    await expect(latchkey.call('vault.changePassword', { current: STRONG, next: 'iloveyou1' })).rejects.toMatchObject({ code: 'PASSWORD_REJECTED' });
    await latchkey.call('vault.changePassword', { current: STRONG, next: 'a different long passphrase' });
  });

  it('backup.create, backup.auto.configure and backup.auto.enable refuse a 3-character backup password', async () => {
    const latchkey = await unlocked();
    const folder = tempVaultPath();
    await expect(latchkey.call('backup.create', { path: `${folder}.lkbak`, password: 'abc', vaultPassword: STRONG })).rejects.toMatchObject({ code: 'PASSWORD_REJECTED', message: expect.stringContaining('backup password') as unknown });
    await expect(latchkey.call('backup.auto.configure', { folder, password: 'abc', vaultPassword: STRONG, keep: 3 })).rejects.toMatchObject({ code: 'PASSWORD_REJECTED' });
    await expect(latchkey.call('backup.auto.enable', { password: 'password1', vaultPassword: STRONG, keep: 3 })).rejects.toMatchObject({ code: 'PASSWORD_REJECTED' });
  });

  it('export.create of a transfer block refuses a weak transfer password', async () => {
    const latchkey = await unlocked();
    await expect(latchkey.call('export.create', { format: 'transfer', password: 'abc', vaultPassword: STRONG })).rejects.toMatchObject({ code: 'PASSWORD_REJECTED', message: expect.stringContaining('transfer password') as unknown });
    const { files } = await latchkey.call('export.create', { format: 'transfer', password: 'another fine transfer phrase', vaultPassword: STRONG });
    expect(files).toHaveLength(1);
  });
});
