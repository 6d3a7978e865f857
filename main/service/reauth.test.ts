import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient, type LatchkeyClient } from '../../shared/client.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService, type Service } from './create-service.js';
import type { PathRequest } from './user-prompts.js';

const PASSWORD = 'vault password for re-authentication';
const OTHER = 'a backup or transfer password';
const URI = 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME';

interface Setup {
  readonly service: Service;
  readonly client: LatchkeyClient;
  readonly folder: string;
  readonly asked: PathRequest[];
  answer: string | undefined;
}

async function setup(): Promise<Setup> {
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-reauth-'));
  const state: { answer: string | undefined; asked: PathRequest[] } = { answer: undefined, asked: [] };
  const service = createService({
    clock: testClock(),
    vaultPath: tempVaultPath(),
    kdf: KDF_FLOOR,
    deriveKey: memoisedKdf(),
    prompts: {
      pickPath: (request) => {
        state.asked.push(request);
        return Promise.resolve(state.answer);
      },
      confirmCapture: () => Promise.resolve(false),
    },
  });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  await client.call('accounts.add', { uri: URI, recoveryCodes: ['aaaa-1111'] });
  return {
    service,
    client,
    folder,
    get asked() {
      return state.asked;
    },
    get answer() {
      return state.answer;
    },
    set answer(value) {
      state.answer = value;
    },
  };
}

/** Each call that yields secrets or copies them, as a caller without the vault password would make it. */
const COPYING_CALLS = [
  ['export.create (transfer)', (s: Setup, vaultPassword?: string) => s.client.call('export.create', { format: 'transfer', password: OTHER, ...(vaultPassword === undefined ? {} : { vaultPassword }) } as never)],
  ['export.save', (s: Setup, vaultPassword?: string) => s.client.call('export.save', { format: 'aegis', confirmPlaintext: true, ...(vaultPassword === undefined ? {} : { vaultPassword }) } as never)],
  ['backup.create', (s: Setup, vaultPassword?: string) => s.client.call('backup.create', { path: join(s.folder, 'b.lkbak'), password: OTHER, ...(vaultPassword === undefined ? {} : { vaultPassword }) } as never)],
  ['backup.auto.configure', (s: Setup, vaultPassword?: string) => s.client.call('backup.auto.configure', { folder: s.folder, password: OTHER, ...(vaultPassword === undefined ? {} : { vaultPassword }) } as never)],
  ['backup.auto.enable', (s: Setup, vaultPassword?: string) => s.client.call('backup.auto.enable', { password: OTHER, ...(vaultPassword === undefined ? {} : { vaultPassword }) } as never)],
  ['accounts.recoveryCodes list', async (s: Setup, vaultPassword?: string) => {
    const [account] = (await s.client.call('accounts.list', {})).accounts;
    return s.client.call('accounts.recoveryCodes', { id: account?.id ?? '', action: 'list', ...(vaultPassword === undefined ? {} : { vaultPassword }) } as never);
  }],
  ['vault.verify accepting', (s: Setup, vaultPassword?: string) => s.client.call('vault.verify', { acceptCurrentRows: true, ...(vaultPassword === undefined ? {} : { vaultPassword }) })],
] as const;

describe('every call that yields secrets or copies them needs the vault password again (SECURITY-NOTES §9.7)', () => {
  it.each(COPYING_CALLS)('%s: refused without it and with a wrong one, nothing written, no dialog opened', async (_name, call) => {
    const s = await setup();
    s.answer = join(s.folder, 'chosen');
    await expect(call(s)).rejects.toMatchObject({ code: expect.stringMatching(/^(INVALID_REQUEST|USAGE)$/) as unknown, message: expect.stringContaining('vault password') as unknown });
    await expect(call(s, 'not the vault password')).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    expect(readdirSync(s.folder)).toEqual([]);
    expect(s.asked).toEqual([]);
    expect((await s.client.call('backup.auto.status', {})).enabled).toBe(false);
  });

  it('restore with replace empties the vault: it needs the vault password; merge does not', async () => {
    const s = await setup();
    const path = join(s.folder, 'b.lkbak');
    await s.client.call('backup.create', { path, password: OTHER, vaultPassword: PASSWORD });
    await expect(s.client.call('backup.restore', { path, password: OTHER, mode: 'replace' })).rejects.toMatchObject({ code: 'USAGE' });
    await expect(s.client.call('backup.restore', { path, password: OTHER, mode: 'replace', vaultPassword: 'wrong' })).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    expect((await s.client.call('accounts.list', {})).accounts).toHaveLength(1);
    expect(await s.client.call('backup.restore', { path, password: OTHER, mode: 'replace', vaultPassword: PASSWORD })).toEqual({ added: 1, skipped: 0, removed: 1 });
    expect(await s.client.call('backup.restore', { path, password: OTHER })).toEqual({ added: 0, skipped: 1, removed: 0 });
  });

  it('wrong passwords here count with unlock and reveal: the fourth waits', async () => {
    const s = await setup();
    for (const [, call] of COPYING_CALLS.slice(0, 3)) await expect(call(s, 'wrong')).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    await expect(COPYING_CALLS[5][1](s, PASSWORD)).rejects.toMatchObject({ code: 'VAULT_TOO_MANY_ATTEMPTS' });
  });
});

describe('files main writes for the page: the user picks the place, nothing is replaced, new files are 0600', () => {
  it('export.save asks main’s dialog, writes a new 0600 file, answers with its name and no secret', async () => {
    const s = await setup();
    await expect(s.client.call('export.save', { format: 'otpauth-list', confirmPlaintext: true, vaultPassword: PASSWORD })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(s.asked).toEqual([{ purpose: 'export', kind: 'save-file', suggestedName: 'latchkey-export.txt' }]);
    s.answer = join(s.folder, 'out.txt');
    const saved = await s.client.call('export.save', { format: 'otpauth-list', confirmPlaintext: true, vaultPassword: PASSWORD });
    expect(saved).toEqual({ files: ['out.txt'], accounts: 1, warnings: [] });
    expect(JSON.stringify(saved)).not.toContain('JBSWY3DPEHPK3PXP');
    expect(readFileSync(s.answer, 'utf8')).toContain('secret=JBSWY3DPEHPK3PXP');
    expect(statSync(s.answer).mode & 0o777).toBe(0o600);
  });

  it('a file already at the chosen path is left as it was', async () => {
    const s = await setup();
    s.answer = join(s.folder, 'precious.txt');
    writeFileSync(s.answer, 'not yours', { mode: 0o644 });
    await expect(s.client.call('export.save', { format: 'otpauth-list', confirmPlaintext: true, vaultPassword: PASSWORD })).rejects.toMatchObject({ code: 'IO_ERROR', details: { reason: 'exists' } });
    await expect(s.client.call('backup.create', { path: s.answer, password: OTHER, vaultPassword: PASSWORD })).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(readFileSync(s.answer, 'utf8')).toBe('not yours');
    expect(readdirSync(s.folder)).toEqual(['precious.txt']);
  });

  it('backup.create replaces only when asked, with a new 0600 file (not the old file’s mode)', async () => {
    const s = await setup();
    const path = join(s.folder, 'b.lkbak');
    writeFileSync(path, 'old', { mode: 0o644 });
    await s.client.call('backup.create', { path, password: OTHER, vaultPassword: PASSWORD, replace: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path).subarray(0, 8).toString()).toBe('LKBACKUP');
  });

  it('backup.auto.enable: the password, then main’s folder dialog, then the first backup written', async () => {
    const s = await setup();
    s.answer = s.folder;
    const status = await s.client.call('backup.auto.enable', { password: OTHER, vaultPassword: PASSWORD, keep: 3 });
    expect(s.asked).toEqual([{ purpose: 'backup-folder', kind: 'folder' }]);
    expect(status).toMatchObject({ enabled: true, folder: s.folder, keep: 3, lastError: null });
    expect(readdirSync(s.folder).filter((name) => name.endsWith('.lkbak'))).toHaveLength(1);
  });
});

describe('state that must not outlive a lock', () => {
  it('an import preview is dropped on lock: its commit after a new unlock fails, nothing added', async () => {
    const s = await setup();
    const file = Buffer.from('otpauth://totp/Other:bob?secret=KRSXG5CTMVRXEZLU&issuer=Other\n').toString('base64');
    const preview = await s.client.call('import.preview', { fileBase64: file });
    s.service.lock();
    await s.client.call('vault.unlock', { password: PASSWORD });
    await expect(s.client.call('import.commit', { previewId: preview.previewId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await s.client.call('accounts.list', {})).accounts).toHaveLength(1);
  });
});
