import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';
import { qrMatrix } from './qr-matrix.js';
import { manualTimers } from './test-support/manual-timers.js';

const PASSWORD = 'preview test password';
const SECRET = 'JBSWY3DPEHPK3PXP';

async function unlockedClient(atMs: number) {
  const clock = testClock(atMs);
  const service = createService({ clock, timers: manualTimers(clock).timers, vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf(), dailyBackups: false });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  return client;
}

describe('accounts.nextCodes (the preview in a code’s last seconds)', () => {
  it('gives the next window’s code, equal to oathtool’s; HOTP accounts are left out', async () => {
    const client = await unlockedClient(1_700_000_007_000);
    const { account: totp } = await client.call('accounts.add', { uri: `otpauth://totp/A:a?secret=${SECRET}&issuer=A&period=30` });
    const { account: minute } = await client.call('accounts.add', { uri: `otpauth://totp/B:b?secret=${SECRET}&issuer=B&period=60&digits=8` });
    const { account: hotp } = await client.call('accounts.add', { uri: `otpauth://hotp/C:c?secret=${SECRET}&issuer=C&counter=5` });
    const { codes } = await client.call('accounts.nextCodes', { ids: [totp.id, minute.id, hotp.id] });
    const oath = (args: string[]) => execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
    expect(codes).toEqual([
      { id: totp.id, code: oath(['--totp', '--now=@1700000010', '--base32', SECRET]), validFrom: 1_700_000_010 },
      { id: minute.id, code: oath(['--totp', '--time-step-size=60s', '--digits=8', '--now=@1700000040', '--base32', SECRET]), validFrom: 1_700_000_040 },
    ]);
  });
});

describe('qrMatrix (reveal’s "show as QR")', () => {
  it('draws a grid that zbarimg reads back as the same URI', async () => {
    const uri = `otpauth://totp/ACME:alice%40example.com?secret=${SECRET}&issuer=ACME`;
    const { size, modules } = qrMatrix(uri);
    expect(modules).toHaveLength(size * size);
    const scale = 8;
    const quiet = 4;
    const side = (size + quiet * 2) * scale;
    const pixels = Buffer.alloc(side * side, 255);
    for (let row = 0; row < size; row++) {
      for (let column = 0; column < size; column++) {
        if (modules[row * size + column] !== '1') continue;
        for (let y = 0; y < scale; y++) pixels.fill(0, ((row + quiet) * scale + y) * side + (column + quiet) * scale, ((row + quiet) * scale + y) * side + (column + quiet + 1) * scale);
      }
    }
    const file = `${tempVaultPath()}.png`;
    writeFileSync(file, await sharp(pixels, { raw: { width: side, height: side, channels: 1 } }).png().toBuffer());
    expect(execFileSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8' }).trim()).toBe(uri);
  });
});
