import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccountDraft } from '../../../shared/account.js';
import { LatchkeyError } from '../../../shared/errors.js';
import { createManualClock, type KeyClock } from '../../keys/clock.js';
import { openSecretsAppTransport } from '../../keys/ctaphid/index.js';
import { openEmulatedNitrokey3, type EmulatedNitrokey3, type Nk3Fault, type Nk3State } from '../../keys/emulators/nitrokey3.js';
import { createEmulatedYubiKeyOtpBackend } from '../../keys/emulators/yubikey-otp.js';
import { openEmulatedYubiKeyOath, type EmulatedYubiKeyOath, type OathCardFault, type OathCardState } from '../../keys/emulators/yubikey-oath.js';
import { createVault, unlockVault, type VaultSession } from '../../vault/index.js';
import { tempVaultPath, testRuntime } from '../../vault/test-support/test-runtime.js';
import { applySyncPlan, type AppliedCell } from './apply.js';
import { inspectInventory } from './inventory-check.js';
import { makeSyncPlan, type SyncPlanRequest } from './make-plan.js';
import { willWrite, type PlanOptions, type SyncPlan } from './model.js';
import type { SyncKey } from './observe.js';
import { openSyncKey, type OpenSyncKeyOptions } from './open-key.js';
import { openOtpSyncKey, type OtpSyncKey } from './otp-key.js';

/**
 * The sync core against the emulated keys and a real vault file (issue 17, items 1–4): plan, apply,
 * resume and inventory, on a YubiKey (OATH over its CCID card) and a Nitrokey 3 (Secrets App over
 * CTAPHID). Every test checks the vault's accounts are as they were.
 */
const PASSWORD = 'vault password for the sync tests';
const START_MS = 1_700_000_000_000;
const secret = (text: string) => new Uint8Array(Buffer.from(text));
const totp = (issuer: string, label: string, extra: Partial<{ digits: number; period: number; algorithm: 'SHA1' | 'SHA256' | 'SHA512' }> = {}): AccountDraft => ({
  type: 'totp',
  algorithm: extra.algorithm ?? 'SHA1',
  digits: extra.digits ?? 6,
  period: extra.period ?? 30,
  issuer,
  label,
  secret: secret(`${issuer}/${label} totp secret`),
});
const hotp = (issuer: string, label: string, counter = 0n): AccountDraft => ({ type: 'hotp', algorithm: 'SHA1', digits: 6, counter, issuer, label, secret: secret(`${issuer}/${label} hotp secret`) });
const steam = (label: string): AccountDraft => ({ type: 'steam', algorithm: 'SHA1', digits: 5, period: 30, issuer: 'Steam', label, secret: secret(`${label} steam`) });

let runtime: Awaited<ReturnType<typeof testRuntime>>;
const sessions: VaultSession[] = [];

beforeAll(async () => {
  runtime = await testRuntime();
});
afterEach(() => {
  for (const session of sessions.splice(0)) session.lock();
});

async function vaultWith(drafts: readonly AccountDraft[]): Promise<VaultSession> {
  const path = tempVaultPath();
  await createVault(path, PASSWORD, runtime);
  const vault = await unlockVault(path, { password: PASSWORD }, runtime);
  sessions.push(vault);
  vault.addMany(drafts);
  return vault;
}

/** What "the vault untouched" means: the same accounts, and the same codes from them. */
function vaultPicture(vault: VaultSession): unknown {
  const { accounts } = vault.list();
  return accounts.map((account) => ({ ...account, code: vault.code(account.id, START_MS).code }));
}

interface YubiKeyHandle {
  card: EmulatedYubiKeyOath;
  open(options?: OpenSyncKeyOptions): Promise<SyncKey>;
}

function emulatedYubiKey(clock: KeyClock, options: { serial?: number; firmware?: [number, number, number]; initialState?: OathCardState; faults?: OathCardFault[] } = {}): YubiKeyHandle {
  const card = openEmulatedYubiKeyOath({
    clock,
    serial: options.serial ?? 11_223_344,
    firmware: options.firmware ?? [5, 4, 3],
    ...(options.initialState === undefined ? {} : { initialState: options.initialState }),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
  });
  return { card, open: (open = {}) => openSyncKey({ transmit: (apdu) => card.transmit(apdu) }, 'yubikey-oath', { clock, ...open }) };
}

interface NitrokeyHandle {
  device: EmulatedNitrokey3;
  open(options?: OpenSyncKeyOptions): Promise<SyncKey>;
}

function emulatedNitrokey(clock: KeyClock, options: { serial?: number; initialState?: Nk3State; faults?: Nk3Fault[] } = {}): NitrokeyHandle {
  const device = openEmulatedNitrokey3({
    clock,
    serial: options.serial ?? 0x1a2b3c4d,
    ...(options.initialState === undefined ? {} : { initialState: options.initialState }),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
  });
  return { device, open: async (open = {}) => openSyncKey(await openSecretsAppTransport(device, { clock }), 'nitrokey3', { clock, ...open }) };
}

function operation(onProgress?: (stage: string, detail: { needsTouch?: boolean; key?: string; accountId?: string }) => void, signal = new AbortController().signal) {
  return { signal, progress: (stage: string, _fraction?: number, detail = {}) => onProgress?.(stage, detail) };
}

async function sync(vault: VaultSession, keys: SyncKey[], clock: KeyClock, options: PlanOptions = {}, extra: Partial<SyncPlanRequest> = {}): Promise<{ plan: SyncPlan; applied: AppliedCell[] }> {
  const request = { accounts: vault.list().accounts.map((account) => account.id), options, ...extra };
  const plan = await makeSyncPlan(vault, keys, request, clock.now());
  const applied = await applySyncPlan(plan, { vault, keys, operation: operation(), now: () => clock.now() });
  return { plan, applied };
}

/** As `sync`, with YubiKey OTP applications among the keys. */
async function syncAny(vault: VaultSession, keys: (SyncKey | OtpSyncKey)[], clock: KeyClock): Promise<{ plan: SyncPlan; applied: AppliedCell[] }> {
  const plan = await makeSyncPlan(vault, keys, { accounts: vault.list().accounts.map((account) => account.id) }, clock.now());
  return { plan, applied: await applySyncPlan(plan, { vault, keys, operation: operation(), now: () => clock.now() }) };
}

const names = async (key: SyncKey) => (await key.session.list(key.pin === undefined ? {} : { pin: key.pin })).map((credential) => credential.name).sort();
const actions = (plan: SyncPlan) => plan.cells.map((cell) => `${String(cell.key)} ${cell.name} ${cell.action}${willWrite(cell) ? '' : cell.action === 'add' || cell.action === 'overwrite' ? ' (proposed)' : ''}`);

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

async function rejection(promise: Promise<unknown>): Promise<LatchkeyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('sync against the emulated keys and a real vault', () => {
  it('a fresh YubiKey: adds what it can hold, checks each write, records the inventory; a second sync plans nothing', async () => {
    const vault = await vaultWith([totp('GitHub', 'alice'), totp('Bank', 'bob', { period: 60, digits: 8 }), totp('Mail', 'carol', { algorithm: 'SHA256' }), hotp('VPN', 'dave', 32n), steam('gamer')]);
    const before = vaultPicture(vault);
    const clock = createManualClock(START_MS);
    const key = await emulatedYubiKey(clock).open();
    const { plan, applied } = await sync(vault, [key], clock);
    expect(actions(plan)).toEqual(['11223344 GitHub:alice add', '11223344 60/Bank:bob add', '11223344 Mail:carol add', '11223344 VPN:dave add', '11223344 Steam:gamer unsupported']);
    expect(applied.map((cell) => [cell.name, cell.check])).toEqual([
      ['GitHub:alice', 'code-match'],
      ['60/Bank:bob', 'code-match'],
      ['Mail:carol', 'code-match'],
      ['VPN:dave', 'present'],
    ]);
    expect(await names(key)).toEqual(['60/Bank:bob', 'GitHub:alice', 'Mail:carol', 'VPN:dave']);
    const inventory = vault.records.get('key-inventory')?.['11223344'];
    expect(Object.keys(inventory?.credentials ?? {}).sort()).toEqual(['60/Bank:bob', 'GitHub:alice', 'Mail:carol', 'VPN:dave']);
    expect(inventory?.listed).toEqual(['60/Bank:bob', 'GitHub:alice', 'Mail:carol', 'VPN:dave']);
    expect(vault.records.get('sync-progress')).toBeUndefined();

    await clock.sleep(95_000);
    const again = await makeSyncPlan(vault, [key], { accounts: vault.list().accounts.map((account) => account.id) }, clock.now());
    expect(again.cells.filter(willWrite)).toEqual([]);
    // Applying a plan with nothing to do writes nothing, not even a record.
    const writes: unknown[] = [];
    const stop = vault.onWrite((written) => writes.push(written));
    expect(await applySyncPlan(again, { vault, keys: [key], operation: operation(), now: () => clock.now() })).toEqual([]);
    stop();
    expect(writes).toEqual([]);
    expect(again.cells.map((cell) => [cell.action, cell.compared])).toEqual([
      ['identical', 'code'],
      ['identical', 'code'],
      ['identical', 'code'],
      ['identical', 'listing'],
      ['unsupported', undefined],
    ]);
    expect(vaultPicture(vault)).toEqual(before);
  });

  it('a partly synced key: a copy made by hand is identical, another secret under a vault name is proposed only, then overwritten when chosen', async () => {
    const drafts = [totp('Copied', 'by-hand'), totp('Clash', 'name'), totp('New', 'one')];
    const vault = await vaultWith(drafts);
    const before = vaultPicture(vault);
    const clock = createManualClock(START_MS);
    const key = await emulatedNitrokey(clock).open();
    const [copied, clash] = drafts as [AccountDraft, AccountDraft];
    await key.session.put({ issuer: 'Copied', account: 'by-hand', type: 'totp', algorithm: 'SHA1', digits: 6, secret: copied.secret });
    await key.session.put({ issuer: 'Clash', account: 'name', type: 'totp', algorithm: 'SHA1', digits: 6, secret: secret('someone else entirely') });
    const { plan } = await sync(vault, [key], clock);
    expect(actions(plan)).toEqual(['439041101 Copied:by-hand identical', '439041101 Clash:name overwrite (proposed)', '439041101 New:one add']);
    // The clashing credential was left as it was: it still computes the other secret's code.
    const ids = vault.list().accounts.map((account) => account.id);
    const replan = await makeSyncPlan(vault, [key], { accounts: ids }, clock.now());
    expect(replan.cells.find((cell) => cell.name === 'Clash:name')?.action).toBe('overwrite');
    const chosen = await makeSyncPlan(vault, [key], { accounts: ids, options: { choose: [{ key: key.serial, name: 'Clash:name' }] } }, clock.now());
    const applied = await applySyncPlan(chosen, { vault, keys: [key], operation: operation(), now: () => clock.now() });
    expect(applied).toEqual([{ key: key.serial, target: String(key.serial), name: 'Clash:name', action: 'overwrite', check: 'code-match' }]);
    // The copy made by hand is in the inventory now too (found identical by its code).
    expect(Object.keys(vault.records.get('key-inventory')?.[String(key.serial)]?.credentials ?? {}).sort()).toEqual(['Clash:name', 'Copied:by-hand', 'New:one']);
    expect((await makeSyncPlan(vault, [key], { accounts: ids }, clock.now())).cells.filter(willWrite)).toEqual([]);
    expect(clash.label).toBe('name');
    expect(vaultPicture(vault)).toEqual(before);
  });

  it('two keys at once: every account on both, HOTP on the first only; the inventory says which keys hold each account', async () => {
    const vault = await vaultWith([totp('A', 'one'), totp('B', 'two'), hotp('H', 'counter')]);
    const clock = createManualClock(START_MS);
    const keys = [await emulatedYubiKey(clock).open(), await emulatedNitrokey(clock).open()];
    const { plan, applied } = await sync(vault, keys, clock);
    expect(actions(plan)).toEqual(['11223344 A:one add', '11223344 B:two add', '11223344 H:counter add', '439041101 A:one add', '439041101 B:two add', '439041101 H:counter skip']);
    expect(plan.warnings).toEqual(['H:counter: a HOTP account on a key counts its codes apart from the vault: codes used from one leave the other behind']);
    expect(applied).toHaveLength(5);
    const report = await inspectInventory(vault, keys, clock.now());
    expect(report.accounts.map((account) => [account.label, account.keys])).toEqual([
      ['one', [11_223_344, 439_041_101]],
      ['two', [11_223_344, 439_041_101]],
      ['counter', [11_223_344]],
    ]);
    expect(report.drift).toEqual([]);
    expect(report.seen).toEqual([11_223_344, 439_041_101]);
  });

  it('a full key: refused before anything is written; spread over two keys, the first accounts on both and the rest on the one with room', async () => {
    const vault = await vaultWith(Array.from({ length: 5 }, (_, index) => totp('Site', `user${String(index)}`)));
    const clock = createManualClock(START_MS);
    const yubikey = await emulatedYubiKey(clock).open();
    for (let index = 0; index < 29; index++) await yubikey.session.put({ account: `own-${String(index)}`, type: 'totp', algorithm: 'SHA1', digits: 6, secret: secret(`own ${String(index)}`) });
    const keys = [yubikey, await emulatedNitrokey(clock).open()];
    const ids = vault.list().accounts.map((account) => account.id);
    const crowded = await makeSyncPlan(vault, keys, { accounts: ids }, clock.now());
    expect(crowded.fits).toBe(false);
    expect(crowded.room.map((room) => [room.key, room.held, room.after, room.capacity])).toEqual([
      [11_223_344, 29, 34, 32],
      [439_041_101, 0, 5, 50],
    ]);
    expect((await rejection(applySyncPlan(crowded, { vault, keys, operation: operation(), now: () => clock.now() }))).code).toBe('KEY_FULL');
    expect(await names(must(keys[1]))).toEqual([]);
    expect(vault.records.get('sync-progress')).toBeUndefined();

    const { plan, applied } = await sync(vault, keys, clock, { spread: { copies: 2 } });
    expect(plan.fits).toBe(true);
    expect(applied.map((cell) => `${String(cell.key)} ${cell.name}`)).toEqual([
      '11223344 Site:user0',
      '11223344 Site:user1',
      '11223344 Site:user2',
      '439041101 Site:user0',
      '439041101 Site:user1',
      '439041101 Site:user2',
      '439041101 Site:user3',
      '439041101 Site:user4',
    ]);
    expect((await yubikey.session.list()).length).toBe(32);
    expect((await makeSyncPlan(vault, keys, { accounts: ids, options: { spread: { copies: 2 } } }, clock.now())).cells.filter(willWrite)).toEqual([]);
  });

  it('a PIN-protected NK3: its PIN-encrypted credential is hidden without the PIN, and with it listed and compared by its code', async () => {
    const vault = await vaultWith([totp('Secret', 'pinned'), totp('Plain', 'one')]);
    const clock = createManualClock(START_MS);
    const seed = emulatedNitrokey(clock);
    const state = seed.device.snapshot();
    const pinned: Nk3State = {
      ...state,
      pin: { pinHex: Buffer.from('123456').toString('hex'), retriesLeft: 8 },
      credentials: [
        {
          labelHex: Buffer.from('Secret:pinned').toString('hex'),
          kind: 'TOTP',
          algorithm: 'SHA1',
          digits: 6,
          secretHex: Buffer.from('Secret/pinned totp secret').toString('hex'),
          touch: false,
          pinEncrypted: true,
          hasPasswordSafe: false,
          counter: 0,
        },
      ],
    };
    const nitrokey = emulatedNitrokey(clock, { initialState: pinned });
    const withoutPin = await nitrokey.open();
    expect(withoutPin.session.info.hasPin).toBe(true);
    const ids = vault.list().accounts.map((account) => account.id);
    // Without the PIN the key hides it: the plan can only propose an add (which the key would refuse as a duplicate).
    const blind = await makeSyncPlan(vault, [withoutPin], { accounts: ids }, clock.now());
    expect(actions(blind)).toEqual(['439041101 Secret:pinned add', '439041101 Plain:one add']);
    // Its room is then a bound, not a count: the hidden credential takes a place the listing can't show.
    expect(blind.room).toEqual([{ key: 439_041_101, target: '439041101', capacity: 50, held: 0, after: 2, fits: true, hiddenByPin: true }]);
    expect(blind.warnings).toContain('key 439041101 hides its PIN-protected credentials without the PIN: it holds at least 0, so at most 50 free (give its PIN to count them all)');
    const key = await nitrokey.open({ pin: '123456' });
    const { plan, applied } = await sync(vault, [key], clock);
    // With the PIN the listing is complete: the room is counted exactly.
    expect(plan.room).toEqual([{ key: 439_041_101, target: '439041101', capacity: 50, held: 1, after: 2, fits: true }]);
    expect(plan.warnings.filter((warning) => warning.includes('PIN'))).toEqual([]);
    expect(plan.cells.map((cell) => [cell.name, cell.action, cell.compared])).toEqual([
      ['Secret:pinned', 'identical', 'code'],
      ['Plain:one', 'add', undefined],
    ]);
    expect(applied.map((cell) => [cell.name, cell.check])).toEqual([['Plain:one', 'code-match']]);
  });

  it('a password-protected YubiKey: refused while locked, synced once unlocked', async () => {
    const vault = await vaultWith([totp('A', 'one')]);
    const clock = createManualClock(START_MS);
    const handle = emulatedYubiKey(clock);
    const setup = await handle.open();
    await setup.session.setPassword('key password');
    const locked = await handle.open();
    expect(locked.session.info.hasPassword).toBe(true);
    const ids = vault.list().accounts.map((account) => account.id);
    expect((await rejection(makeSyncPlan(vault, [locked], { accounts: ids }, clock.now()))).code).toMatch(/^KEY_/u);
    const key = await handle.open({ password: 'key password' });
    const { applied } = await sync(vault, [key], clock);
    expect(applied).toEqual([{ key: key.serial, target: String(key.serial), name: 'A:one', action: 'add', check: 'code-match' }]);
  });

  it('touch-required credentials: each write is a touch prompt naming the key and account, checked by presence; planning asks no touch', async () => {
    const vault = await vaultWith([totp('T', 'one'), totp('T', 'two')]);
    const clock = createManualClock(START_MS);
    const handle = emulatedNitrokey(clock);
    const key = await handle.open();
    const ids = vault.list().accounts.map((account) => account.id);
    const plan = await makeSyncPlan(vault, [key], { accounts: ids, options: { touch: true } }, clock.now());
    const prompts: string[] = [];
    const applied = await applySyncPlan(plan, {
      vault,
      keys: [key],
      operation: operation((stage, detail) => {
        if (detail.needsTouch === true) prompts.push(`${stage} [${detail.key ?? ''} ${detail.accountId === undefined ? '' : 'account'}]`);
      }),
      now: () => clock.now(),
    });
    expect(prompts).toEqual(['Touch key 439041101 to add T:one [439041101 account]', 'Touch key 439041101 to add T:two [439041101 account]']);
    expect(applied.map((cell) => cell.check)).toEqual(['present', 'present']);
    // Allowed to, the plan computes their codes too, each a touch told with the key's serial.
    const touched: string[] = [];
    const compared = await makeSyncPlan(
      vault,
      [key],
      { accounts: ids, options: { touch: true }, observe: { allowTouch: true, onProgress: (progress, credential, serial) => progress.needsTouch && touched.push(`${String(serial)} ${credential}`) } },
      clock.now(),
    );
    expect(compared.cells.map((cell) => [cell.action, cell.compared])).toEqual([
      ['identical', 'code'],
      ['identical', 'code'],
    ]);
    expect(touched).toEqual(['439041101 T:one', '439041101 T:two']);
    // Otherwise the next plan compares them by listing: with a key that would never be touched, it still plans.
    handle.device.injectFault({ kind: 'touch-never' });
    const again = await makeSyncPlan(vault, [key], { accounts: ids, options: { touch: true } }, clock.now());
    expect(again.cells.map((cell) => [cell.action, cell.compared])).toEqual([
      ['identical', 'listing'],
      ['identical', 'listing'],
    ]);
  });

  it('cancel between credentials: what was written is recorded, and a rerun finishes the rest', async () => {
    const vault = await vaultWith([totp('C', 'one'), totp('C', 'two'), totp('C', 'three')]);
    const clock = createManualClock(START_MS);
    const key = await emulatedYubiKey(clock).open();
    const ids = vault.list().accounts.map((account) => account.id);
    const plan = await makeSyncPlan(vault, [key], { accounts: ids }, clock.now());
    const cancel = new AbortController();
    const stages: string[] = [];
    const error = await rejection(
      applySyncPlan(plan, {
        vault,
        keys: [key],
        operation: operation((stage) => {
          stages.push(stage);
          if (stage.startsWith('Adding C:two')) cancel.abort();
        }, cancel.signal),
        now: () => clock.now(),
      }),
    );
    expect(error.code).toBe('CANCELLED');
    expect(await names(key)).toEqual(['C:one']);
    expect(vault.records.get('sync-progress')?.steps.map((step) => step.state)).toEqual(['done', 'writing', 'pending']);
    const { plan: rerun, applied } = await sync(vault, [key], clock);
    expect(rerun.cells.map((cell) => cell.action)).toEqual(['identical', 'add', 'add']);
    expect(applied.map((cell) => cell.name)).toEqual(['C:two', 'C:three']);
    expect(vault.records.get('sync-progress')).toBeUndefined();
  });

  it('renamed and deleted vault accounts: proposed, applied only when chosen', async () => {
    const vault = await vaultWith([totp('R', 'old'), totp('D', 'gone')]);
    const clock = createManualClock(START_MS);
    const key = await emulatedYubiKey(clock).open();
    await sync(vault, [key], clock);
    const [renamed, deleted] = vault.list().accounts.map((account) => account.id);
    if (renamed === undefined || deleted === undefined) throw new Error('two accounts');
    vault.update(renamed, { label: 'new' });
    vault.remove(deleted);
    const proposed = await makeSyncPlan(vault, [key], { accounts: [renamed] }, clock.now());
    expect(actions(proposed)).toEqual(['11223344 R:new rename', '11223344 D:gone remove']);
    expect(proposed.cells.filter(willWrite)).toEqual([]);
    const { applied } = await sync(vault, [key], clock, {
      choose: [
        { key: key.serial, name: 'R:new' },
        { key: key.serial, name: 'D:gone' },
      ],
    });
    expect(applied.map((cell) => [cell.name, cell.action, cell.check])).toEqual([
      ['R:new', 'rename', 'code-match'],
      ['D:gone', 'remove', 'removed'],
    ]);
    expect(await names(key)).toEqual(['R:new']);
    expect(Object.keys(vault.records.get('key-inventory')?.[String(key.serial)]?.credentials ?? {})).toEqual(['R:new']);
  });

  it('drift: a credential removed, added and rewritten outside Latchkey is shown with the cells that differ', async () => {
    const vault = await vaultWith([totp('K', 'kept'), totp('K', 'removed'), totp('K', 'rewritten')]);
    const clock = createManualClock(START_MS);
    const key = await emulatedYubiKey(clock).open();
    await sync(vault, [key], clock);
    const listing = await key.session.list();
    await key.session.delete(must(listing.find((credential) => credential.name === 'K:removed')));
    await key.session.put({ issuer: 'K', account: 'rewritten', type: 'totp', algorithm: 'SHA1', digits: 6, secret: secret('another secret') }, { ifExists: 'overwrite' });
    await key.session.put({ issuer: 'Outside', account: 'added', type: 'totp', algorithm: 'SHA1', digits: 6, secret: secret('by ykman') });
    const report = await inspectInventory(vault, [key], clock.now());
    expect(report.drift.map((cell) => [cell.name, cell.change])).toEqual([
      ['K:removed', 'removed'],
      ['K:rewritten', 'changed'],
      ['Outside:added', 'added'],
    ]);
  });
});

describe('YubiKey OTP slots in a sync', () => {
  it('a HOTP account goes into the free slot (the factory credential in slot 1 is left), recorded in key-writes; the TOTP one onto the OATH key; a second sync plans nothing', async () => {
    const vault = await vaultWith([{ ...hotp('Bank', 'slot', 32n), secret: secret('twenty bytes secret!') }, { ...hotp('Long', 'secret', 16n) }, totp('Mail', 'totp')]);
    const before = vaultPicture(vault);
    const clock = createManualClock(START_MS);
    const backend = createEmulatedYubiKeyOtpBackend({ clock: { now: () => clock.now() } });
    const [descriptor] = await backend.devices();
    const device = await backend.open(must(descriptor));
    const otp = await openOtpSyncKey(device, { clock });
    const oath = await emulatedYubiKey(clock).open();
    const { plan, applied } = await syncAny(vault, [otp, oath], clock);
    expect(actions(plan)).toEqual([
      `${String(otp.serial)} Bank:slot add`,
      `${String(otp.serial)} Long:secret unsupported`,
      `${String(otp.serial)} Mail:totp unsupported`,
      `${String(otp.serial)} slot 1 key-only`,
      '11223344 Bank:slot skip',
      '11223344 Long:secret add',
      '11223344 Mail:totp add',
    ]);
    expect(plan.cells[1]?.reason).toContain('at most 20 bytes');
    expect(applied.map((cell) => [cell.key, cell.name, cell.check])).toEqual([
      [otp.serial, 'Bank:slot', 'present'],
      [11_223_344, 'Long:secret', 'present'],
      [11_223_344, 'Mail:totp', 'code-match'],
    ]);
    const [bank] = vault.list().accounts;
    expect(vault.records.get('key-writes')?.[String(otp.serial)]).toEqual({ '2': { accountId: bank?.id, kind: 'hotp', writtenAt: Math.floor(START_MS / 1000), touch: true } });
    expect(must(backend.current ?? undefined).snapshot().slots[1]).not.toBeNull();
    const again = await makeSyncPlan(vault, [otp, oath], { accounts: vault.list().accounts.map((account) => account.id) }, clock.now());
    expect(again.cells.filter(willWrite)).toEqual([]);
    expect(again.cells[0]).toMatchObject({ action: 'identical', compared: 'record', slot: 2 });
    expect(vaultPicture(vault)).toEqual(before);
  });
});

describe('an unplug at every step of a sync', () => {
  /**
   * For each N, the key answers N APDUs (or CTAPHID reports) and is gone; then it is plugged in again
   * (its state kept) and the sync rerun. Every rerun converges: each account once on the key, the
   * inventory complete, nothing left in progress, the vault's accounts as they were.
   */
  const drafts = [totp('U', 'one'), totp('U', 'two', { period: 60 }), hotp('U', 'counter', 16n)];

  async function converges(run: (n: number) => { open: () => Promise<SyncKey>; replug: () => Promise<SyncKey>; clock: KeyClock }): Promise<number> {
    const vault = await vaultWith(drafts);
    const before = vaultPicture(vault);
    // A HOTP write cut short after the key took it can only be seen by its name: it must be rewritten.
    let rewrittenAfterCut = 0;
    for (let n = 0; ; n++) {
      const attempt = run(n);
      let finished = false;
      try {
        const key = await attempt.open();
        await sync(vault, [key], attempt.clock);
        finished = true;
      } catch (error) {
        if (!(error instanceof LatchkeyError) || !['KEY_UNPLUGGED', 'KEY_TIMEOUT'].includes(error.code)) throw error;
      }
      const key = await attempt.replug();
      const { plan: rerun } = await sync(vault, [key], attempt.clock);
      if (rerun.cells.some((cell) => cell.action === 'overwrite' && cell.reason?.includes('cut short') === true)) rewrittenAfterCut += 1;
      expect(await names(key), `after an unplug at step ${String(n)}`).toEqual(['60/U:two', 'U:counter', 'U:one']);
      const again = await makeSyncPlan(vault, [key], { accounts: vault.list().accounts.map((account) => account.id) }, attempt.clock.now());
      expect(again.cells.filter(willWrite), `replan after step ${String(n)}`).toEqual([]);
      expect(Object.keys(vault.records.get('key-inventory')?.[String(key.serial)]?.credentials ?? {}).sort()).toEqual(['60/U:two', 'U:counter', 'U:one']);
      expect(vault.records.get('sync-progress')).toBeUndefined();
      expect(vaultPicture(vault)).toEqual(before);
      // Start the next N from a fresh key and no inventory, so every step of a first sync is cut once.
      vault.transaction((tx) => {
        tx.records.clear('key-inventory');
      });
      if (finished) {
        expect(rewrittenAfterCut).toBeGreaterThan(0);
        return n;
      }
    }
  }

  it('on a YubiKey (APDUs)', async () => {
    const steps = await converges((n) => {
      const clock = createManualClock(START_MS);
      const first = emulatedYubiKey(clock, { faults: [{ kind: 'unplug-after', apdus: n }] });
      return { clock, open: () => first.open(), replug: () => emulatedYubiKey(clock, { initialState: first.card.snapshot() }).open() };
    });
    expect(steps).toBeGreaterThanOrEqual(14);
  });

  it('on a Nitrokey 3 (CTAPHID reports)', async () => {
    const steps = await converges((n) => {
      const clock = createManualClock(START_MS);
      const first = emulatedNitrokey(clock, { faults: [{ kind: 'unplug-after', reports: n }] });
      return { clock, open: () => first.open(), replug: () => emulatedNitrokey(clock, { initialState: first.device.snapshot() }).open() };
    });
    expect(steps).toBeGreaterThan(10);
  });
});
