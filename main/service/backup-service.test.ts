import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import { formatOtpauthUri } from '../enroll/index.js';
import { goldenAccount } from '../test-support/golden-accounts.js';
import { encodeBase32 } from '../otp/index.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';
import { qrMatrix } from './qr-matrix.js';

const PASSWORD = 'vault password for backups';
const BACKUP_PASSWORD = 'a different backup password';

async function setup() {
  const kdf = memoisedKdf();
  const service = createService({ clock: testClock(), vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: kdf });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  return client;
}

async function filledVault(count: number) {
  const client = await setup();
  for (let i = 0; i < count; i++) {
    const golden = goldenAccount(i);
    const { account } = await client.call('accounts.add', {
      account: {
        type: golden.type,
        secretBase32: encodeBase32(golden.secret),
        issuer: golden.issuer,
        label: golden.label,
        algorithm: golden.algorithm,
        digits: golden.digits,
        ...(golden.type === 'hotp' ? { counter: golden.counter.toString() } : { period: golden.period }),
      },
      tags: [`tag${String(i % 3)}`],
      ...(i === 0 ? { note: 'paper copy in the safe', recoveryCodes: ['aaaa-1111', 'bbbb-2222'] } : {}),
    });
    if (i === 0) await client.call('accounts.recoveryCodes', { id: account.id, action: 'markUsed', code: 'aaaa-1111' });
  }
  return client;
}

const folder = () => mkdtempSync(join(tmpdir(), 'latchkey-backups-'));
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('backups', () => {
  it('round-trips every field through create → restore --replace', async () => {
    const client = await filledVault(12);
    const path = join(folder(), 'vault.lkbak');
    const created = await client.call('backup.create', { path, password: BACKUP_PASSWORD, vaultPassword: PASSWORD });
    expect(created).toMatchObject({ accounts: 12, sha256: sha(path) });
    const before = (await client.call('accounts.list', {})).accounts;
    const firstId = before[0]?.id ?? '';
    const extras = await client.call('accounts.recoveryCodes', { id: firstId, action: 'list', vaultPassword: PASSWORD });

    await client.call('accounts.remove', { id: firstId });
    expect(await client.call('backup.restore', { path, password: BACKUP_PASSWORD, mode: 'replace', vaultPassword: PASSWORD })).toEqual({ added: 12, skipped: 0, removed: 11 });
    const after = (await client.call('accounts.list', {})).accounts;
    const strip = (views: typeof before) => views.map(({ id: _id, ...rest }) => rest);
    expect(strip(after)).toEqual(strip(before));
    expect(await client.call('accounts.recoveryCodes', { id: after[0]?.id ?? '', action: 'list', vaultPassword: PASSWORD })).toEqual(extras);
    const revealed = await client.call('accounts.reveal', { id: after[3]?.id ?? '', password: PASSWORD });
    // The QR code of the restored account's URI: the same secret, and the HOTP counter kept (3 × 11).
    expect(revealed.secretBase32).toBe(encodeBase32(goldenAccount(3).secret));
    expect(revealed.qr).toEqual(qrMatrix(formatOtpauthUri(goldenAccount(3))));
    expect(formatOtpauthUri(goldenAccount(3))).toContain(`counter=${String(3 * 11)}`);
  });

  it('restore --merge adds only what is missing', async () => {
    const client = await filledVault(5);
    const path = join(folder(), 'merge.lkbak');
    await client.call('backup.create', { path, password: BACKUP_PASSWORD, vaultPassword: PASSWORD });
    const { accounts } = await client.call('accounts.list', {});
    await client.call('accounts.remove', { id: accounts[2]?.id ?? '' });
    expect(await client.call('backup.restore', { path, password: BACKUP_PASSWORD })).toEqual({ added: 1, skipped: 4, removed: 0 });
  });

  it('verify compares codes with the live vault and records the result in the vault', async () => {
    const client = await filledVault(6);
    const path = join(folder(), 'verify.lkbak');
    await client.call('backup.create', { path, password: BACKUP_PASSWORD, vaultPassword: PASSWORD });
    const { accounts } = await client.call('accounts.list', {});
    await client.call('accounts.remove', { id: accounts[1]?.id ?? '' });
    await client.call('accounts.add', { uri: 'otpauth://totp/New:only-here?secret=JBSWY3DPEHPK3PXP' });
    const result = await client.call('backup.verify', { path, password: BACKUP_PASSWORD });
    expect(result).toMatchObject({ backupAccounts: 6, vaultAccounts: 6, matching: 5, onlyInBackup: ['Mailbox (user1@example.com)'], onlyInVault: ['New (only-here)'], differing: [], sha256: sha(path) });
    expect((await client.call('backup.lastVerification', {})).verification).toEqual(result);
  });

  it('writes atomically: no temporary file left, mode 0600', async () => {
    const client = await filledVault(2);
    const dir = folder();
    await client.call('backup.create', { path: join(dir, 'a.lkbak'), password: BACKUP_PASSWORD, vaultPassword: PASSWORD });
    expect(readdirSync(dir)).toEqual(['a.lkbak']);
    if (process.platform !== 'win32') expect((await import('node:fs')).statSync(join(dir, 'a.lkbak')).mode & 0o777).toBe(0o600);
  });

  describe('bad backups: each its code, nothing written', () => {
    async function prepared() {
      const client = await filledVault(3);
      const dir = folder();
      const path = join(dir, 'good.lkbak');
      await client.call('backup.create', { path, password: BACKUP_PASSWORD, vaultPassword: PASSWORD });
      const count = async () => (await client.call('accounts.list', {})).accounts.length;
      const variant = (name: string, change: (file: string) => void) => {
        const file = join(dir, name);
        copyFileSync(path, file);
        change(file);
        return file;
      };
      return { client, path, count, variant };
    }

    it('wrong password, truncation at every chunk boundary, trailing bytes, flipped bytes, newer version, oversized header', async () => {
      const { client, path, count, variant } = await prepared();
      const bytes = readFileSync(path);
      const expectCode = async (file: string, code: string) => {
        await expect(client.call('backup.restore', { path: file, password: BACKUP_PASSWORD, mode: 'replace', vaultPassword: PASSWORD })).rejects.toMatchObject({ code });
        expect(await count()).toBe(3);
      };
      await expect(client.call('backup.restore', { path, password: 'not the backup password', mode: 'replace', vaultPassword: PASSWORD })).rejects.toMatchObject({ code: 'BACKUP_WRONG_PASSWORD' });
      const headerLength = bytes.readUInt32LE(10);
      const bodyStart = 14 + headerLength + 24;
      // Chunk boundaries: walk the length prefixes.
      const boundaries = [14, 14 + headerLength, bodyStart];
      for (let at = bodyStart; at < bytes.length; at += 4 + bytes.readUInt32LE(at)) boundaries.push(at + 4, at + 4 + bytes.readUInt32LE(at));
      for (const cut of boundaries.filter((b) => b < bytes.length)) {
        await expectCode(variant(`cut-${String(cut)}.lkbak`, (f) => { truncateSync(f, cut); }), cut < bodyStart ? 'BACKUP_TRUNCATED' : 'BACKUP_TRUNCATED');
      }
      await expectCode(variant('trailing.lkbak', (f) => { appendFileSync(f, Buffer.from([1, 2, 3])); }), 'BACKUP_TRAILING_DATA');
      for (const at of [bodyStart + 4, bodyStart + 40, bytes.length - 1]) {
        await expectCode(variant(`flip-${String(at)}.lkbak`, (f) => { const b = readFileSync(f); b[at] = (b[at] ?? 0) ^ 1; writeFileSync(f, b); }), 'BACKUP_INTEGRITY');
      }
      // A flipped byte in the authenticated header (here: the app name) is caught by the first chunk.
      const appAt = bytes.indexOf('"app"') + 8;
      await expectCode(variant('header.lkbak', (f) => { const b = readFileSync(f); b[appAt] = (b[appAt] ?? 0) ^ 1; writeFileSync(f, b); }), 'BACKUP_INTEGRITY');
      await expectCode(variant('v2.lkbak', (f) => { const b = readFileSync(f); b.writeUInt16LE(2, 8); writeFileSync(f, b); }), 'BACKUP_TOO_NEW');
      await expectCode(variant('big-header.lkbak', (f) => { const b = readFileSync(f); b.writeUInt32LE(5000, 10); writeFileSync(f, b); }), 'BACKUP_MALFORMED');
      await expectCode(variant('not-a-backup.lkbak', (f) => { writeFileSync(f, 'hello'); }), 'BACKUP_MALFORMED');
      expect(existsSync(path)).toBe(true);
    });
  });
});
