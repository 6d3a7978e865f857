import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import { REPO_ROOT } from '../test-support/facts.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';
import type { UserPrompts } from './user-prompts.js';

const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'main/enroll/qr/fixtures', name));
const base64 = (name: string) => fixture(name).toString('base64');
const PASSWORD = 'enroll test password';

/** The user at main's capture question: agrees unless told otherwise. */
const agreeing = (answer = true) => ({ pickPath: () => Promise.resolve(undefined), confirmCapture: () => Promise.resolve(answer) });

async function setupService(capture?: () => Promise<Uint8Array[]>, prompts: UserPrompts | null = agreeing()) {
  const service = createService({
    clock: testClock(),
    vaultPath: tempVaultPath(),
    kdf: KDF_FLOOR,
    deriveKey: memoisedKdf(),
    ...(capture === undefined ? {} : { capture: { capture } }),
    ...(prompts === null ? {} : { prompts }),
  });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  return { service, client };
}

async function setup(capture?: () => Promise<Uint8Array[]>, prompts: UserPrompts = agreeing()) {
  return (await setupService(capture, prompts)).client;
}

describe('enrollment into the vault', () => {
  it('an image: previews without secrets, then commit, then the same image shows duplicates', async () => {
    const client = await setup();
    const found = await client.call('enroll.decodeImage', { imageBase64: base64('two-codes.png') });
    expect(found.candidates).toHaveLength(2);
    expect(found.candidates.every((c) => c.secretBase32 === undefined && !c.duplicate)).toBe(true);
    const { added } = await client.call('enroll.commit', { ids: found.candidates.map((c) => c.id) });
    expect(added).toHaveLength(2);
    expect((await client.call('accounts.list', {})).accounts.map((a) => a.label).sort()).toEqual(['user1@example.com', 'user2@example.com']);
    const again = await client.call('enroll.decodeImage', { imageBase64: base64('two-codes.png') });
    expect(again.candidates.every((c) => c.duplicate)).toBe(true);
    expect(await client.call('enroll.commit', { ids: again.candidates.map((c) => c.id) })).toMatchObject({ added: [], skipped: again.candidates.map((c) => c.id) });
  });

  it('a Google batch: parts in any order, the missing ones reported, all committed in one go', async () => {
    const client = await setup();
    const third = await client.call('enroll.decodeImage', { imageBase64: base64('google-batch-3-of-3.png') });
    expect(third.batches).toEqual([{ batchId: -1_234_567_890, size: 3, received: [2], missing: [0, 1] }]);
    const first = await client.call('enroll.decodeImage', { imageBase64: base64('google-batch-1-of-3.png') });
    expect(first.batches[0]?.missing).toEqual([1]);
    const second = await client.call('enroll.decodeImage', { imageBase64: base64('google-batch-2-of-3.png') });
    expect(second.batches[0]?.missing).toEqual([]);
    const ids = [...first.candidates, ...second.candidates, ...third.candidates].map((c) => c.id);
    expect((await client.call('enroll.commit', { ids })).added).toHaveLength(25);
  });

  it('the screen, through the injected capture: each display decoded separately', async () => {
    const client = await setup(() => Promise.resolve([new Uint8Array(fixture('no-qr.png')), new Uint8Array(fixture('screenshot-1080p.png'))]));
    const found = await client.call('enroll.captureScreen', {});
    expect(found.candidates.map((c) => [c.source, c.label])).toEqual([['screen', 'user1@example.com']]);
  });

  it('the screen is captured only when the user agrees in main: a refusal or no prompts capture nothing', async () => {
    let captured = 0;
    const capture = () => {
      captured++;
      return Promise.resolve([new Uint8Array(fixture('screenshot-1080p.png'))]);
    };
    await expect((await setup(capture, agreeing(false))).call('enroll.captureScreen', {})).rejects.toMatchObject({ code: 'CAPTURE_DENIED' });
    const withoutPrompts = await setupService(capture, null);
    await expect(withoutPrompts.client.call('enroll.captureScreen', {})).rejects.toMatchObject({ code: 'CAPTURE_DENIED' });
    expect(captured).toBe(0);
    await (await setup(capture, agreeing(true))).call('enroll.captureScreen', {});
    expect(captured).toBe(1);
  });

  it('scanned accounts waiting for a commit are dropped on lock: a commit after a new unlock finds none', async () => {
    const { client, service } = await setupService();
    const found = await client.call('enroll.decodeImage', { imageBase64: base64('plain.png') });
    service.lock();
    await client.call('vault.unlock', { password: PASSWORD });
    await expect(client.call('enroll.commit', { ids: found.candidates.map((c) => c.id) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await client.call('accounts.list', {})).accounts).toEqual([]);
  });

  it('pasted text: URIs a line each, comments allowed, bad lines collected', async () => {
    const client = await setup();
    const text = ['# from my old phone', 'otpauth://totp/A:one?secret=JBSWY3DPEHPK3PXP', '', 'otpauth://totp/B:two?secret=1', 'hello'].join('\n');
    const found = await client.call('enroll.decodeText', { text, showSecrets: true });
    expect(found.candidates.map((c) => [c.label, c.secretBase32])).toEqual([['one', 'JBSWY3DPEHPK3PXP']]);
    expect(found.invalid.map((i) => i.field)).toEqual(['URI_BAD_SECRET', 'uri']);
  });

  it.each([
    ['no-qr.png', 'QR_NOT_FOUND'],
    ['not-otp.png', 'QR_NOT_OTP'],
    ['not-an-image.png', 'QR_INVALID_IMAGE'],
    ['huge-header.png', 'QR_IMAGE_TOO_LARGE'],
    ['truncated-migration.png', 'MIGRATION_MALFORMED'],
    ['bad-secret.png', 'URI_BAD_SECRET'],
  ])('%s → %s, nothing written', async (name, code) => {
    const client = await setup();
    await expect(client.call('enroll.decodeImage', { imageBase64: base64(name) })).rejects.toMatchObject({ code });
    expect((await client.call('accounts.list', {})).accounts).toEqual([]);
  });

  it('no capture available → CAPTURE_UNAVAILABLE', async () => {
    const client = await setup();
    await expect(client.call('enroll.captureScreen', {})).rejects.toMatchObject({ code: 'CAPTURE_UNAVAILABLE' });
  });
});
