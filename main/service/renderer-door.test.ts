import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../shared/api.js';
import { CLI_ONLY_FIELDS_BY_CHANNEL, PAGE_REAUTH_RULES, RENDERER_CHANNELS } from '../../shared/renderer-channels.js';
import type { ReplyEnvelope } from '../../shared/wire.js';
import { REPO_ROOT } from '../test-support/facts.js';
import { rendererDoor } from './renderer-door.js';

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every channel the renderer's code calls, read from the code itself. */
function channelsTheRendererCalls(): { literal: Set<string>; dynamic: string[] } {
  const literal = new Set<string>();
  const dynamic: string[] = [];
  for (const file of sourceFiles(join(REPO_ROOT, 'renderer', 'src'))) {
    const text = readFileSync(file, 'utf8');
    // `.call(` or `.call<T>(`: a type argument must not hide a channel named by a variable.
    for (const match of text.matchAll(/\.call(?:<[^>]*>)?\(\s*(['"`])?([^'"`,)\s]*)/g)) {
      if (match[1] === undefined) dynamic.push(`${file}: .call(${match[2] ?? ''}`);
      else literal.add(match[2] ?? '');
    }
  }
  return { literal, dynamic };
}

describe('the renderer door', () => {
  it('serves exactly the channels the renderer’s code calls: a stale list fails here', () => {
    const { literal, dynamic } = channelsTheRendererCalls();
    // A channel named by a variable could not be checked: the renderer names each one literally.
    expect(dynamic).toEqual([]);
    expect([...literal].sort()).toEqual([...RENDERER_CHANNELS].sort());
    for (const channel of RENDERER_CHANNELS) expect(CHANNELS).toContain(channel);
  });

  it('leaves out every channel that takes a path, yields seeds in the clear or administers the vault', () => {
    // The snapshot forces a review of each channel added to the page's list (SECURITY-NOTES §9.7).
    const notServed = CHANNELS.filter((channel) => !(RENDERER_CHANNELS as readonly string[]).includes(channel)).sort();
    expect(notServed).toEqual([
      'accounts.nextHotp',
      'accounts.removeDamaged',
      'backup.auto.configure',
      'backup.create',
      'backup.restore',
      'backup.verify',
      'export.create',
      // keys.challenge: no screen computes a challenge-response.
      'keys.challenge',
      // The sync channels rebuild and syncImport too (issue 17; the app's sync panel has plan, apply and inventory).
      'keys.rebuild',
      'keys.syncImport',
      'otp.code',
      'uri.format',
      'uri.parse',
    ]);
  });

  it('refuses other channels and CLI-only fields without reaching the service', async () => {
    const reached: unknown[] = [];
    const door = rendererDoor((channel) => {
      reached.push(channel);
      return Promise.resolve({ ok: true, value: {} } satisfies ReplyEnvelope);
    });
    const refused = { ok: false, error: { code: 'INVALID_REQUEST' } };
    for (const channel of ['accounts.removeDamaged', 'export.create', 'backup.create', 'backup.restore', 'otp.code', 'uri.parse', 'nope', 42, null, '__proto__', 'toString']) {
      expect(await door(channel, {})).toMatchObject(refused);
    }
    expect(await door('import.preview', { fileBase64: '', showSecrets: true })).toMatchObject(refused);
    expect(await door('enroll.decodeText', { text: 'x', showSecrets: 'yes' })).toMatchObject(refused);
    expect(await door('vault.verify', { acceptCurrentRows: true, vaultPassword: 'x' })).toMatchObject(refused);
    expect(reached).toEqual([]);
    expect(await door('import.preview', { fileBase64: '', showSecrets: false })).toEqual({ ok: true, value: {} });
    expect(await door('accounts.list', {})).toEqual({ ok: true, value: {} });
    expect(reached).toEqual(['import.preview', 'accounts.list']);
  });

  it('refuses a chosen HMAC key and a new slot access code from the page, and no page code sets those names', async () => {
    const reached: unknown[] = [];
    const door = rendererDoor((channel, payload) => {
      reached.push(payload);
      return Promise.resolve({ ok: true, value: {} } satisfies ReplyEnvelope);
    });
    const refused = { ok: false, error: { code: 'INVALID_REQUEST' } };
    const challenge = { kind: 'challenge-response', touch: false };
    expect(await door('keys.program', { slot: 2, credential: { ...challenge, keyHex: '00112233' } })).toMatchObject(refused);
    expect(await door('keys.program', { slot: 2, newAccessCode: '001122334455', credential: challenge })).toMatchObject(refused);
    expect(reached).toEqual([]);
    // A generated key (none chosen) and the same field names on another channel are the page's to send.
    expect(await door('keys.program', { slot: 2, credential: challenge })).toEqual({ ok: true, value: {} });
    expect(reached).toHaveLength(1);
    // The page's code names neither field: a panel that started to would fail here, not at the door.
    const names = Object.values(CLI_ONLY_FIELDS_BY_CHANNEL).flatMap((paths) => paths.map((path) => path.at(-1) ?? ''));
    expect(names.sort()).toEqual(['keyHex', 'newAccessCode']);
    for (const file of sourceFiles(join(REPO_ROOT, 'renderer', 'src', 'data'))) {
      const text = readFileSync(file, 'utf8');
      for (const name of names) expect(text, file).not.toMatch(new RegExp(`\\b${name}\\s*:`));
    }
  });

  it('lets an irreversible key write through only with the vault password, as PAGE_REAUTH_RULES says', async () => {
    const reached: string[] = [];
    const door = rendererDoor((channel) => {
      reached.push(String(channel));
      return Promise.resolve({ ok: true, value: {} } satisfies ReplyEnvelope);
    });
    expect(Object.keys(PAGE_REAUTH_RULES).sort()).toEqual(['keys.delete', 'keys.deleteCredential', 'keys.program', 'keys.reset']);
    const refused = { ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('needs the vault password typed again') as unknown } };
    const challenge = { kind: 'challenge-response', touch: false };
    for (const [channel, payload] of [
      ['keys.reset', { confirmed: true }],
      ['keys.reset', { confirmed: true, vaultPassword: '' }],
      ['keys.reset', { confirmed: true, vaultPassword: 42 }],
      ['keys.deleteCredential', { name: 'Mail:me' }],
      ['keys.delete', { slot: 1, confirmed: true }],
      ['keys.program', { slot: 1, overwrite: true, credential: challenge }],
      // A HOTP credential without its password: the schema would refuse it, the door does first.
      ['keys.program', { slot: 1, overwrite: true, credential: { kind: 'hotp', accountId: 'a'.repeat(32) } }],
    ] as const) {
      expect(await door(channel, payload), `${channel} ${JSON.stringify(payload)}`).toMatchObject(refused);
    }
    expect(reached).toEqual([]);
    for (const [channel, payload] of [
      ['keys.reset', { confirmed: true, vaultPassword: 'typed again' }],
      ['keys.deleteCredential', { name: 'Mail:me', vaultPassword: 'typed again' }],
      ['keys.delete', { slot: 1, confirmed: true, vaultPassword: 'typed again' }],
      // Unconfirmed, a programmed slot's delete is refused by main; an empty slot loses nothing.
      ['keys.delete', { slot: 1 }],
      ['keys.program', { slot: 1, overwrite: true, vaultPassword: 'typed again', credential: challenge }],
      ['keys.program', { slot: 1, overwrite: true, credential: { kind: 'hotp', accountId: 'a'.repeat(32), vaultPassword: 'typed again' } }],
      ['keys.program', { slot: 1, credential: challenge }],
    ] as const) {
      expect(await door(channel, payload), `${channel} ${JSON.stringify(payload)}`).toEqual({ ok: true, value: {} });
    }
    expect(reached).toHaveLength(7);
  });
});
