import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import { LatchkeyError } from '../../shared/errors.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { slowClipboard } from './test-support/slow-clipboard.js';
import { createService } from './create-service.js';
import { manualTimers } from './test-support/manual-timers.js';

const clock = { now: () => 1_700_000_000_000 };
const SECRET = 'JBSWY3DPEHPK3PXP';

describe('createService().dispatch', () => {
  const service = createService({ clock });

  it('answers a valid request with { ok: true, value }', async () => {
    expect(await service.dispatch('otp.code', { secretBase32: SECRET })).toEqual({
      ok: true,
      value: { code: '324550', validFrom: 1_699_999_980, validUntil: 1_700_000_010 },
    });
  });

  it('uses the injected clock', async () => {
    const later = createService({ clock: { now: () => 1_700_000_030_000 } });
    const reply = await later.dispatch('otp.code', { secretBase32: SECRET });
    expect(reply).toMatchObject({ ok: true, value: { validFrom: 1_700_000_010 } });
  });

  it.each([
    ['an unknown channel', 'vault.explode', {}],
    ['a non-string channel', 42, {}],
    ['a missing payload', 'otp.code', undefined],
    ['a wrong field type', 'otp.code', { secretBase32: 5 }],
    ['an unknown type', 'otp.code', { secretBase32: SECRET, type: 'motp' }],
    ['a prototype-polluting payload', 'uri.parse', JSON.parse('{"__proto__": {"polluted": 1}}') as unknown],
  ])('refuses %s with INVALID_REQUEST before any handler runs', async (_name, channel, payload) => {
    const reply = await service.dispatch(channel, payload);
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('never echoes request values in a schema error', async () => {
    const reply = await service.dispatch('otp.code', { secretBase32: SECRET, digits: 'SECRETISH' });
    expect(JSON.stringify(reply)).not.toContain('SECRETISH');
  });

  it('maps expected failures to their codes', async () => {
    expect(await service.dispatch('uri.parse', { uri: 'otpauth://totp/a?secret=1' })).toMatchObject({
      ok: false,
      error: { code: 'URI_BAD_SECRET' },
    });
    expect(await service.dispatch('otp.code', { secretBase32: SECRET, period: 0 })).toMatchObject({
      ok: false,
      error: { code: 'ACCOUNT_INVALID', details: { field: 'period' } },
    });
  });

  it('reports a bug as INTERNAL, with the error only to onInternalError', async () => {
    const seen: unknown[] = [];
    const broken = createService({
      clock: {
        now: () => {
          throw new Error('clock exploded with SECRET-ish detail');
        },
      },
      onInternalError: (error) => seen.push(error),
    });
    const reply = await broken.dispatch('otp.code', { secretBase32: SECRET });
    expect(reply).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'an unexpected internal error occurred' } });
    expect(seen).toHaveLength(1);
  });
});

describe('createClient over the service', () => {
  const client = createClient((channel, payload) => createService({ clock }).dispatch(channel, payload));

  it('returns typed values', async () => {
    const { account } = await client.call('uri.parse', { uri: `otpauth://hotp/a?secret=${SECRET}&counter=7` });
    expect(account).toEqual({ type: 'hotp', issuer: '', label: 'a', algorithm: 'SHA1', digits: 6, counter: '7' });
  });

  it('throws LatchkeyError with the code', async () => {
    await expect(client.call('uri.parse', { uri: 'http://x' })).rejects.toSatisfy(
      (error) => error instanceof LatchkeyError && error.code === 'URI_BAD_SCHEME',
    );
  });

  it('refuses a reply of the wrong shape from a hostile transport', async () => {
    const hostile = createClient(() => Promise.resolve({ ok: true, value: { code: 123 } }));
    await expect(hostile.call('otp.code', { secretBase32: SECRET })).rejects.toThrow();
  });
});

describe('Service.shutdown', () => {
  async function withCopiedCode() {
    const testclock = testClock(1_700_000_000_000);
    const { board, clipboard, answerAll } = slowClipboard();
    const service = createService({
      clock: testclock,
      timers: manualTimers(testclock).timers,
      vaultPath: tempVaultPath(),
      kdf: KDF_FLOOR,
      deriveKey: memoisedKdf(),
      dailyBackups: false,
      clipboard,
    });
    const client = createClient((channel, payload) => service.dispatch(channel, payload));
    await client.call('vault.create', { password: 'shutdown test password' });
    await client.call('vault.unlock', { password: 'shutdown test password' });
    const { account } = await client.call('accounts.add', { uri: `otpauth://totp/A:me?secret=${SECRET}&issuer=A` });
    await client.call('accounts.copyCode', { id: account.id });
    return { service, client, board, answerAll };
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('locks, and resolves only once the clipboard clear it started has finished', async () => {
    const { service, client, board, answerAll } = await withCopiedCode();
    expect(board.text).toMatch(/^\d{6}$/);
    let done = false;
    const shutdown = service.shutdown().then(() => (done = true));
    expect(await client.call('vault.status', {})).toMatchObject({ locked: true });
    await tick();
    expect(done).toBe(false);
    answerAll();
    await shutdown;
    expect(done).toBe(true);
    expect(board.text).toBe('');
  });

  it('waits for a clear already started by an earlier lock (lock() does not wait)', async () => {
    const { service, board, answerAll } = await withCopiedCode();
    service.lock();
    let done = false;
    const shutdown = service.shutdown().then(() => (done = true));
    await tick();
    expect(done).toBe(false);
    answerAll();
    await shutdown;
    expect(board.text).toBe('');
  });
});
