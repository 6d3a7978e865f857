import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import { REPO_ROOT } from '../test-support/facts.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';

const PASSWORD = 'import test password';
const golden = readFileSync(join(REPO_ROOT, 'main/formats/otpauth-list/fixtures/golden.txt')).toString('base64');
const withBadLine = readFileSync(join(REPO_ROOT, 'main/formats/otpauth-list/fixtures/golden-crlf-with-bad-line.txt')).toString('base64');

async function setup(unlock = true) {
  const service = createService({ clock: testClock(), vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf() });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  await client.call('vault.create', { password: PASSWORD });
  if (unlock) await client.call('vault.unlock', { password: PASSWORD });
  return client;
}

describe('import preview and commit', () => {
  it('previews without a vault and without secrets; nothing is written before commit', async () => {
    const client = await setup(false);
    const preview = await client.call('import.preview', { fileBase64: golden });
    expect(preview).toMatchObject({ format: 'otpauth-list', invalid: [] });
    expect(preview.accounts).toHaveLength(12);
    expect(preview.accounts.every((a) => a.secretBase32 === undefined && !a.duplicate)).toBe(true);
    await client.call('vault.unlock', { password: PASSWORD });
    expect((await client.call('accounts.list', {})).accounts).toEqual([]);
    expect((await client.call('import.commit', { previewId: preview.previewId })).added).toHaveLength(12);
    expect((await client.call('accounts.list', {})).accounts).toHaveLength(12);
  });

  it('marks duplicates by secret and type against the vault, and skips them', async () => {
    const client = await setup();
    const first = await client.call('import.preview', { fileBase64: withBadLine, fileName: 'old-phone.txt' });
    expect(first.invalid.map((entry) => entry.field)).toEqual(['URI_BAD_SECRET', 'URI_BAD_SCHEME']);
    await client.call('import.commit', { previewId: first.previewId });
    const second = await client.call('import.preview', { fileBase64: golden });
    expect(second.accounts.filter((a) => a.duplicate)).toHaveLength(4);
    expect(await client.call('import.commit', { previewId: second.previewId })).toMatchObject({ skipped: 4 });
    expect((await client.call('accounts.list', {})).accounts).toHaveLength(12);
  });

  it('lists the formats it reads', async () => {
    const client = await setup(false);
    const { formats } = await client.call('import.formats', {});
    expect(formats.map((f) => f.id)).toContain('otpauth-list');
  });

  it('refuses hostile files with their codes, writing nothing', async () => {
    const client = await setup();
    await expect(client.call('import.preview', { fileBase64: '' })).rejects.toMatchObject({ code: 'IMPORT_EMPTY' });
    await expect(client.call('import.preview', { fileBase64: Buffer.from('{"x":1}').toString('base64') })).rejects.toMatchObject({ code: 'IMPORT_UNKNOWN_FORMAT' });
    await expect(client.call('import.preview', { fileBase64: '%%%' })).rejects.toMatchObject({ code: 'IMPORT_UNREADABLE' });
    await expect(client.call('import.commit', { previewId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await client.call('accounts.list', {})).accounts).toEqual([]);
  });
});
