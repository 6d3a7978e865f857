import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountDraft } from '../../../shared/account.js';
import { privatePcscdMissing, startPrivatePcscd, type PrivatePcscd } from '../../keys/emulators/pcscd/private-pcscd.js';
import { insertEmulatedCard } from '../../keys/emulators/test-support/vpcd-card.js';
import { openEmulatedYubiKeyOath, type EmulatedYubiKeyOath, type VpcdConnection } from '../../keys/emulators/yubikey-oath.js';
import { createVault, unlockVault } from '../../vault/index.js';
import { tempVaultPath, testRuntime } from '../../vault/test-support/test-runtime.js';
import { applySyncPlan } from './apply.js';
import { inspectInventory } from './inventory-check.js';
import { makeSyncPlan } from './make-plan.js';
import { openSyncKey } from './open-key.js';

/**
 * Drift made by Yubico's ykman: the sync writes to the emulated YubiKey card, ykman (through a real
 * pcscd and vpcd, as a user would) deletes one account and adds another, and the inventory shows
 * both, with the cells that differ.
 */
const has = (tool: string) => spawnSync('which', [tool]).status === 0;
const missing = privatePcscdMissing() ?? (has('ykman') ? null : 'ykman is not installed (Debian: apt install yubikey-manager)');
const onCi = process.env['CI'] === 'true';
const PASSWORD = 'vault password for the ykman drift test';

const totp = (issuer: string, label: string): AccountDraft => ({ type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer, label, secret: new Uint8Array(Buffer.from(`${issuer} ${label} secret`)) });

describe.skipIf(missing !== null && !onCi)(`drift made by ykman through a private pcscd${missing === null ? '' : ` (skipped: ${missing})`}`, () => {
  let pcscd: PrivatePcscd | null = null;
  let card: EmulatedYubiKeyOath | null = null;
  let connection: VpcdConnection | null = null;
  let home = '';

  beforeAll(async () => {
    if (missing !== null) return;
    home = mkdtempSync(join(tmpdir(), 'latchkey-sync-ykman-'));
    pcscd = await startPrivatePcscd();
    card = openEmulatedYubiKeyOath({ serial: 23456789, firmware: [5, 4, 3] });
    connection = (await insertEmulatedCard(pcscd, card)).connection;
  });

  afterAll(async () => {
    await connection?.close();
    await pcscd?.stop();
    if (home !== '') rmSync(home, { recursive: true, force: true });
  });

  async function ykman(args: readonly string[]): Promise<void> {
    if (pcscd === null) throw new Error('no private pcscd');
    const deadline = Date.now() + 15_000;
    for (;;) {
      // HOME apart, so ykman neither reads nor writes the user's remembered passwords; pcscd polls for the card at first.
      const result = await pcscd.run('ykman', ['--reader', pcscd.readerName, ...args], { timeoutMs: 40_000, env: { HOME: home } });
      if (result.code === 0) return;
      if (Date.now() > deadline) throw new Error(`ykman ${args.join(' ')}: ${result.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('a deleted and an added credential show as drift on the key', async () => {
    if (card === null) throw new Error('no card');
    const emulated = card;
    const runtime = await testRuntime();
    const path = tempVaultPath();
    await createVault(path, PASSWORD, runtime);
    const vault = await unlockVault(path, { password: PASSWORD }, runtime);
    vault.addMany([totp('Kept', 'one'), totp('Deleted', 'two')]);
    const open = () => openSyncKey({ transmit: (apdu) => emulated.transmit(apdu) }, 'yubikey-oath');
    const key = await open();
    const plan = await makeSyncPlan(vault, [key], { accounts: vault.list().accounts.map((account) => account.id) }, Date.now());
    await applySyncPlan(plan, { vault, keys: [key], operation: { signal: new AbortController().signal, progress: () => undefined }, now: () => Date.now() });
    expect((await inspectInventory(vault, [await open()], Date.now())).drift).toEqual([]);

    await ykman(['oath', 'accounts', 'delete', '-f', 'Deleted:two']);
    await ykman(['oath', 'accounts', 'add', '-f', '-i', 'Outside', 'three', 'JBSWY3DPEHPK3PXP']);

    const report = await inspectInventory(vault, [await open()], Date.now());
    expect(report.drift.map((cell) => [cell.key, cell.name, cell.change])).toEqual([
      [23_456_789, 'Deleted:two', 'removed'],
      [23_456_789, 'Outside:three', 'added'],
    ]);
    vault.lock();
  });
});
