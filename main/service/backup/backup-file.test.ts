import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackupEntry, SeededEntry } from '../../formats/latchkey-backup/index.js';
import { encodeBase32 } from '../../otp/index.js';
import { KDF_FLOOR, loadSodium } from '../../vault/index.js';
import { memoisedKdf } from '../../vault/test-support/test-runtime.js';
import { openBackupFile, readEntries, writeBackupFile } from './backup-file.js';

const SEED = Uint8Array.from([0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0xde, 0xad, 0xbe, 0xef]);

function entry(seed: Uint8Array): SeededEntry {
  return { type: 'totp', issuer: 'ACME', label: 'alice', secret: seed, algorithm: 'SHA1', digits: 6, period: 30, tags: [], createdAt: 1, updatedAt: 2 };
}

describe('backup entries carry seeds as bytes (SECURITY-NOTES §3)', () => {
  it('each seed is zeroed once written, and reads back as the same seed', async () => {
    const sodium = await loadSodium();
    const deriveKey = memoisedKdf();
    const path = join(mkdtempSync(join(tmpdir(), 'latchkey-backup-file-')), 'b.lkbak');
    const entries = [entry(SEED.slice()), entry(SEED.slice())];
    const password = new TextEncoder().encode('backup password');
    await writeBackupFile(path, entries, { sodium, deriveKey, kdf: KDF_FLOOR, password, app: 'test', replace: false });
    for (const written of entries) expect([...written.secret].every((byte) => byte === 0)).toBe(true);
    const read: BackupEntry[] = [];
    readEntries(await openBackupFile(path, password, { sodium, deriveKey }), (e) => read.push(e));
    expect(read.map((e) => e.secret)).toEqual([encodeBase32(SEED), encodeBase32(SEED)]);
  });
});
