import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient, type LatchkeyClient } from '../../shared/client.js';
import type { EventOf } from '../../shared/events.js';
import { createEmulatedYubiKeyOtpBackend, type EmulatedYubiKeyOtpBackend } from '../keys/emulators/yubikey-otp.js';
import { KDF_FLOOR, type DeriveKey } from '../vault/index.js';
import { heldKdf } from '../vault/test-support/held-kdf.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService, type Service } from './create-service.js';
import { createDevices } from './devices.js';
import type { PathRequest } from './user-prompts.js';

/**
 * The re-authenticated and KDF-heavy requests as long operations: an `opId` hears the touch a
 * password+YubiKey vault waits for (`op.progress {needsTouch}`) and the stages of a backup, and
 * `op.cancel` ends the request in CANCELLED with nothing read out, written or changed.
 */
const PASSWORD = 'vault password for long operations';
const BACKUP_PASSWORD = 'backup password for long operations';
const SEED = 'JBSWY3DPEHPK3PXP';
const URI = `otpauth://totp/ACME:alice?secret=${SEED}&issuer=ACME`;

interface Setup {
  readonly service: Service;
  readonly client: LatchkeyClient;
  readonly folder: string;
  readonly progress: EventOf<'op.progress'>[];
  /** Stages told for requests without an opId (the CLI's stderr). */
  readonly untracked: string[];
  readonly asked: PathRequest[];
}

function serviceWith(options: { deriveKey?: DeriveKey; key?: EmulatedYubiKeyOtpBackend } = {}): Setup {
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-reauth-ops-'));
  const progress: EventOf<'op.progress'>[] = [];
  const untracked: string[] = [];
  const asked: PathRequest[] = [];
  const service = createService({
    clock: testClock(),
    vaultPath: tempVaultPath(),
    kdf: KDF_FLOOR,
    deriveKey: options.deriveKey ?? memoisedKdf(),
    onProgress: (stage) => untracked.push(stage),
    prompts: {
      pickPath: (request) => {
        asked.push(request);
        return Promise.resolve(join(folder, 'export.txt'));
      },
      confirmCapture: () => Promise.resolve(false),
    },
    ...(options.key === undefined ? {} : { keys: { devices: createDevices({ backend: options.key }) } }),
  });
  service.onEvent((name, payload) => {
    if (name === 'op.progress') progress.push(payload as EventOf<'op.progress'>);
  });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  return { service, client, folder, progress, untracked, asked };
}

/** Resolves with the first op.progress of `opId` that `matches`. */
function nextProgress(service: Service, opId: string, matches: (event: EventOf<'op.progress'>) => boolean): Promise<EventOf<'op.progress'>> {
  return new Promise((resolve) => {
    const stop = service.onEvent((name, payload) => {
      const event = payload as EventOf<'op.progress'>;
      if (name === 'op.progress' && event.opId === opId && matches(event)) {
        stop();
        resolve(event);
      }
    });
  });
}

const touchWaitOf = (service: Service, opId: string) => nextProgress(service, opId, (event) => event.needsTouch === true);

/** A vault opened only by its password and the key's slot 2, which waits for a touch by hand (touch policy `never`). */
async function keyOnlyVault(): Promise<Setup & { readonly key: EmulatedYubiKeyOtpBackend; readonly accountId: string; readonly serial: number }> {
  const key = createEmulatedYubiKeyOtpBackend({ touchPolicy: { kind: 'never' } });
  const setup = serviceWith({ key });
  const { client, service } = setup;
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  const { account } = await client.call('accounts.add', { uri: URI });
  const programmed = await client.call('keys.program', { slot: 2, credential: { kind: 'challenge-response', touch: true } });
  const adding = client.call('vault.addKeySlot', { password: PASSWORD, removePasswordSlot: true, opId: 'add-key' });
  await touchWaitOf(service, 'add-key');
  key.current?.touch();
  await adding;
  setup.progress.length = 0;
  if (programmed.key.serial === null) throw new Error('the emulated key has a serial');
  return { ...setup, key, accountId: account.id, serial: programmed.key.serial };
}

describe('re-authentication on a password+YubiKey vault, followed by an opId', () => {
  it('reveal: the touch wait is an op.progress {needsTouch}; after the touch, the secret', async () => {
    const { client, service, key, accountId, serial, progress } = await keyOnlyVault();
    const revealing = client.call('accounts.reveal', { id: accountId, password: PASSWORD, opId: 'reveal' });
    await touchWaitOf(service, 'reveal');
    expect(progress).toEqual([{ opId: 'reveal', stage: 'Touch your YubiKey…', needsTouch: true, key: String(serial) }]);
    key.current?.touch();
    expect((await revealing).secretBase32).toBe(SEED);
  });

  it('reveal: op.cancel during the touch wait is CANCELLED, no secret, and no wrong attempt counted', async () => {
    const { client, service, key, accountId } = await keyOnlyVault();
    const revealing = client.call('accounts.reveal', { id: accountId, password: PASSWORD, opId: 'reveal' });
    await touchWaitOf(service, 'reveal');
    expect(await client.call('op.cancel', { opId: 'reveal' })).toEqual({ cancelled: true });
    await expect(revealing).rejects.toMatchObject({ code: 'CANCELLED' });
    // The cancel was not a failed attempt: the next wrong password is failure 1.
    const wrong = client.call('accounts.reveal', { id: accountId, password: 'not the vault password', opId: 'wrong' });
    await touchWaitOf(service, 'wrong');
    key.current?.touch();
    await expect(wrong).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD', details: { failures: 1 } });
  });

  it('export.save: op.cancel during the touch wait opens no dialog and writes no file', async () => {
    const { client, service, folder, asked } = await keyOnlyVault();
    const saving = client.call('export.save', { format: 'otpauth-list', confirmPlaintext: true, vaultPassword: PASSWORD, opId: 'export' });
    await touchWaitOf(service, 'export');
    await client.call('op.cancel', { opId: 'export' });
    await expect(saving).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(asked).toEqual([]);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('export.create (transfer) and the recovery codes: the touch is told to their opId, and Cancel ends them', async () => {
    const { client, service, key, accountId } = await keyOnlyVault();
    const exporting = client.call('export.create', { format: 'transfer', password: BACKUP_PASSWORD, vaultPassword: PASSWORD, opId: 'transfer' });
    await touchWaitOf(service, 'transfer');
    key.current?.touch();
    const transferKey = await nextProgress(service, 'transfer', (event) => event.needsTouch !== true);
    expect(transferKey.stage).toBe('Deriving the transfer key…');
    expect((await exporting).accounts).toBe(1);

    const listing = client.call('accounts.recoveryCodes', { id: accountId, action: 'list', vaultPassword: PASSWORD, opId: 'codes' });
    await touchWaitOf(service, 'codes');
    await client.call('op.cancel', { opId: 'codes' });
    await expect(listing).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

async function unlockedWithOneAccount(deriveKey?: DeriveKey): Promise<Setup> {
  const setup = serviceWith(deriveKey === undefined ? {} : { deriveKey });
  await setup.client.call('vault.create', { password: PASSWORD });
  await setup.client.call('vault.unlock', { password: PASSWORD });
  await setup.client.call('accounts.add', { uri: URI });
  return setup;
}

describe('a cancel during a key derivation', () => {
  it('reveal: a cancel during the password check’s KDF is honoured when it ends, before the secret is read', async () => {
    const kdf = heldKdf();
    const { client } = await unlockedWithOneAccount(kdf.deriveKey);
    const [account] = (await client.call('accounts.list', {})).accounts;
    const held = kdf.holdNext(PASSWORD);
    const revealing = client.call('accounts.reveal', { id: account?.id ?? '', password: PASSWORD, opId: 'reveal' });
    await held.reached;
    await client.call('op.cancel', { opId: 'reveal' });
    held.release();
    await expect(revealing).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('export.create (transfer): a cancel during the transfer key’s KDF answers CANCELLED with no block, the late key wiped', async () => {
    const kdf = heldKdf();
    const { client, progress } = await unlockedWithOneAccount(kdf.deriveKey);
    const held = kdf.holdNext(BACKUP_PASSWORD);
    const exporting = client.call('export.create', { format: 'transfer', password: BACKUP_PASSWORD, vaultPassword: PASSWORD, opId: 'transfer' });
    await held.reached;
    expect(progress).toEqual([{ opId: 'transfer', stage: 'Deriving the transfer key…' }]);
    await client.call('op.cancel', { opId: 'transfer' });
    await expect(exporting).rejects.toMatchObject({ code: 'CANCELLED' });
    held.release();
    await expect.poll(() => kdf.handedOut[0]?.every((byte) => byte === 0)).toBe(true);
  });
});

describe('backups as long operations', () => {
  it('backup.create cancelled during its key derivation: CANCELLED, no file, and the late key wiped', async () => {
    const kdf = heldKdf();
    const { client, folder, progress } = await unlockedWithOneAccount(kdf.deriveKey);
    const path = join(folder, 'b.lkbak');
    const held = kdf.holdNext(BACKUP_PASSWORD);
    const creating = client.call('backup.create', { path, password: BACKUP_PASSWORD, vaultPassword: PASSWORD, opId: 'backup' });
    await held.reached;
    expect(progress).toEqual([{ opId: 'backup', stage: 'Deriving the backup key…' }]);
    await client.call('op.cancel', { opId: 'backup' });
    await expect(creating).rejects.toMatchObject({ code: 'CANCELLED' });
    held.release();
    await expect.poll(() => kdf.handedOut.length).toBe(1);
    await expect.poll(() => kdf.handedOut[0]?.every((byte) => byte === 0)).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('backup.restore --replace cancelled during its key derivation leaves the vault as it was', async () => {
    const kdf = heldKdf();
    const { client, folder } = await unlockedWithOneAccount(kdf.deriveKey);
    const path = join(folder, 'b.lkbak');
    await client.call('backup.create', { path, password: BACKUP_PASSWORD, vaultPassword: PASSWORD });
    await client.call('accounts.add', { uri: 'otpauth://totp/Other:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Other' });
    const held = kdf.holdNext(BACKUP_PASSWORD);
    const restoring = client.call('backup.restore', { path, password: BACKUP_PASSWORD, mode: 'replace', vaultPassword: PASSWORD, opId: 'restore' });
    await held.reached;
    await client.call('op.cancel', { opId: 'restore' });
    await expect(restoring).rejects.toMatchObject({ code: 'CANCELLED' });
    held.release();
    await expect.poll(() => kdf.handedOut[0]?.every((byte) => byte === 0)).toBe(true);
    expect((await client.call('accounts.list', {})).accounts.map((account) => account.issuer).sort()).toEqual(['ACME', 'Other']);
  });

  it.each([
    ['writing', 0],
    ['checking', 1],
  ])('backup.auto.enable cancelled after the folder was chosen, while the first backup’s key is derived for %s: CANCELLED, nothing kept', async (_when, skip) => {
    const kdf = heldKdf();
    const { client, folder, progress, asked } = await unlockedWithOneAccount(kdf.deriveKey);
    const held = kdf.holdNext(BACKUP_PASSWORD, { skip });
    const enabling = client.call('backup.auto.enable', { password: BACKUP_PASSWORD, vaultPassword: PASSWORD, keep: 3, opId: 'auto' });
    await held.reached;
    expect(asked).toEqual([{ purpose: 'backup-folder', kind: 'folder' }]);
    expect(progress.map(({ stage }) => stage)).toContain('Deriving the backup key…');
    await client.call('op.cancel', { opId: 'auto' });
    await expect(enabling).rejects.toMatchObject({ code: 'CANCELLED' });
    held.release();
    await expect.poll(() => kdf.handedOut[0]?.every((byte) => byte === 0)).toBe(true);
    // The chosen folder (the dialog's answer) holds no backup, and nothing was sealed in the vault.
    expect(readdirSync(join(folder, 'export.txt'))).toEqual([]);
    expect(await client.call('backup.auto.status', {})).toMatchObject({ enabled: false, last: null, lastFailure: null });
    expect(await client.call('backup.lastVerification', {})).toMatchObject({ verification: null });

    // Turned on again, uncancelled: the first backup written and verified.
    expect(await client.call('backup.auto.enable', { password: BACKUP_PASSWORD, vaultPassword: PASSWORD, keep: 3 })).toMatchObject({ enabled: true, lastError: null, last: { verified: true } });
    expect(readdirSync(join(folder, 'export.txt')).filter((name) => name.endsWith('.lkbak'))).toHaveLength(1);
  });

  it('with an opId, create, verify and restore tell their stages; without one (the CLI) none is told', async () => {
    const { client, folder, progress, untracked } = await unlockedWithOneAccount();
    const path = join(folder, 'b.lkbak');
    await client.call('backup.create', { path, password: BACKUP_PASSWORD, vaultPassword: PASSWORD });
    await client.call('backup.verify', { path, password: BACKUP_PASSWORD });
    await client.call('backup.restore', { path, password: BACKUP_PASSWORD });
    expect({ progress, untracked }).toEqual({ progress: [], untracked: [] });

    const second = join(folder, 'c.lkbak');
    await client.call('backup.create', { path: second, password: BACKUP_PASSWORD, vaultPassword: PASSWORD, opId: 'create' });
    await client.call('backup.verify', { path: second, password: BACKUP_PASSWORD, opId: 'verify' });
    await client.call('backup.restore', { path: second, password: BACKUP_PASSWORD, opId: 'restore' });
    expect(progress.map(({ opId, stage }) => `${opId}: ${stage}`)).toEqual([
      'create: Deriving the backup key…',
      'create: Writing the backup…',
      'verify: Deriving the backup key…',
      'verify: Checking the backup against the vault…',
      'restore: Deriving the backup key…',
      'restore: Restoring the accounts…',
    ]);
  });
});

describe('vault.rekey as a long operation', () => {
  async function vaultWithRecoveryKey(deriveKey: DeriveKey): Promise<Setup & { readonly recoveryKey: string }> {
    const setup = serviceWith({ deriveKey });
    const { recoveryKey } = await setup.client.call('vault.create', { password: PASSWORD });
    await setup.client.call('vault.unlock', { password: PASSWORD });
    await setup.client.call('accounts.add', { uri: URI });
    return { ...setup, recoveryKey };
  }

  /** Nothing changed: the old password and the old recovery key still open the vault, its account there. */
  async function expectUnchanged({ client }: Setup, recoveryKey: string): Promise<void> {
    expect((await client.call('vault.slots', {})).slots.map((slot) => slot.kind).sort()).toEqual(['password', 'recovery']);
    for (const credential of [{ password: PASSWORD }, { recoveryKey }]) {
      await client.call('vault.lock', {});
      await client.call('vault.unlock', credential);
      expect((await client.call('accounts.list', {})).accounts.map((account) => account.issuer)).toEqual(['ACME']);
    }
  }

  it('with an opId, tells its stages, and its new recovery key replaces the old one', async () => {
    const setup = await vaultWithRecoveryKey(memoisedKdf());
    const { recoveryKey } = await setup.client.call('vault.rekey', { password: PASSWORD, opId: 'rekey' });
    expect(setup.progress.map(({ opId, stage }) => `${opId}: ${stage}`)).toEqual(['rekey: Deriving the new password key…', 'rekey: Sealing every account again…']);
    await setup.client.call('vault.lock', {});
    await expect(setup.client.call('vault.unlock', { recoveryKey: setup.recoveryKey })).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    await setup.client.call('vault.unlock', { recoveryKey });
    // Without an opId (the CLI) no stage is told.
    setup.progress.length = 0;
    await setup.client.call('vault.rekey', { password: PASSWORD });
    expect(setup.progress).toEqual([]);
  });

  it.each([
    ['the password check', 0],
    ['the new password key', 1],
  ])('op.cancel during the derivation of %s: CANCELLED, nothing changed, a late new key wiped', async (_which, skip) => {
    const kdf = heldKdf();
    const setup = await vaultWithRecoveryKey(kdf.deriveKey);
    const held = kdf.holdNext(PASSWORD, { skip });
    const rekeying = setup.client.call('vault.rekey', { password: PASSWORD, opId: 'rekey' });
    await held.reached;
    expect(await setup.client.call('op.cancel', { opId: 'rekey' })).toEqual({ cancelled: true });
    // Answered at once, while the derivation still runs; it stops at the checkpoint after it.
    await expect(rekeying).rejects.toMatchObject({ code: 'CANCELLED' });
    held.release();
    if (skip === 1) await expect.poll(() => kdf.handedOut[0]?.every((byte) => byte === 0)).toBe(true);
    else await expect.poll(() => kdf.handedOut.length).toBe(1);
    expect(setup.progress.map(({ stage }) => stage)).not.toContain('Sealing every account again…');
    await expectUnchanged(setup, setup.recoveryKey);
  });
});
