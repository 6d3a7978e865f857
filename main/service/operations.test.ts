import { describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/events.js';
import { enteEncrypted } from '../formats/test-support/worst-files.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';

const PASSWORD = 'operations test vault password';
const slowExport = () => Buffer.from(enteEncrypted(8, 256 * 1024 * 1024)).toString('base64');
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function service() {
  const made = createService({ clock: testClock(), vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf() });
  const progress: unknown[] = [];
  made.onEvent((name: EventName, payload) => {
    if (name === 'op.progress') progress.push(payload);
  });
  return { service: made, progress };
}

describe('long operations (op.progress, op.cancel)', () => {
  it('an import tells its stages under the caller’s id, and op.cancel ends it in CANCELLED at once', async () => {
    const { service: s, progress } = service();
    const started = Date.now();
    const pending = s.dispatch('import.preview', { fileBase64: slowExport(), password: 'x', opId: 'import-1' });
    await tick(200);
    expect(await s.dispatch('op.cancel', { opId: 'import-1' })).toEqual({ ok: true, value: { cancelled: true } });
    expect(await pending).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    // Long before the 256 MiB × 8 derivation could have finished.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(progress).toContainEqual(expect.objectContaining({ opId: 'import-1', stage: expect.stringMatching(/Argon2id/) as unknown }));
    // Ended: its id is free again, and cancelling it now finds nothing.
    expect(await s.dispatch('op.cancel', { opId: 'import-1' })).toEqual({ ok: true, value: { cancelled: false } });
  });

  it('an id already running is refused for a second operation', async () => {
    const { service: s } = service();
    const first = s.dispatch('import.preview', { fileBase64: slowExport(), password: 'x', opId: 'same' });
    await tick(50);
    expect(await s.dispatch('import.preview', { fileBase64: slowExport(), password: 'x', opId: 'same' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    await s.dispatch('op.cancel', { opId: 'same' });
    await first;
  });

  it('a cancelled unlock leaves the vault locked, even when the key arrives after the cancel', async () => {
    const { service: s } = service();
    await s.dispatch('vault.create', { password: PASSWORD });
    const pending = s.dispatch('vault.unlock', { password: PASSWORD, opId: 'unlock-1' });
    expect(await s.dispatch('op.cancel', { opId: 'unlock-1' })).toEqual({ ok: true, value: { cancelled: true } });
    expect(await pending).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    await tick(1500);
    expect(await s.dispatch('vault.status', {})).toMatchObject({ ok: true, value: { locked: true } });
    expect(await s.dispatch('vault.unlock', { password: PASSWORD })).toMatchObject({ ok: true, value: { locked: false } });
  });
});
