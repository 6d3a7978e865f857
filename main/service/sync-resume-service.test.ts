import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient, type LatchkeyClient } from '../../shared/client.js';
import { LatchkeyError } from '../../shared/errors.js';
import { createManualClock } from '../keys/clock.js';
import type { HidBackend } from '../keys/hid/hid-device.js';
import { openEmulatedYubiKeyOath, type EmulatedYubiKeyOath } from '../keys/emulators/yubikey-oath.js';
import { createEmulatedYubiKeyOtpBackend, factoryState, openEmulatedYubiKeyOtp, type EmulatedYubiKeyOtpBackend } from '../keys/emulators/yubikey-otp.js';
import { createEmulatedPcscBackend } from '../keys/emulators/yubikey-oath/pcsc.js';
import { REPO_ROOT } from '../test-support/facts.js';
import { KDF_FLOOR } from '../vault/index.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService } from './create-service.js';
import { createDevices } from './devices.js';

/**
 * A rebuild and a key-only import cut short by an unplug (issue 17, items 3, 5 and 6), through the
 * service, with emulated YubiKey OATH cards behind the real PC/SC transport. For each N the new key
 * answers N APDUs and is gone; then it is plugged in again (its state kept) and the same request is
 * made again. Each time: nothing is lost (the lost key's inventory is whole and not yet marked lost;
 * the vault's accounts are as they were; what reached the key is known), and the rerun finishes with
 * each credential once on the key.
 */
const PASSWORD = 'vault password for resumed rebuilds';
const [LOST, NEW, OTHER] = [11_111_111, 22_222_222, 33_333_333];
const AT = 1_700_000_100;

interface Rig {
  readonly client: LatchkeyClient;
  /** The cards in their readers; replacing one is unplugging it and plugging another in. */
  readonly cards: EmulatedYubiKeyOath[];
}

async function rig(serials: readonly number[] = [LOST, NEW]): Promise<Rig> {
  const cards = serials.map((serial) => openEmulatedYubiKeyOath({ serial }));
  const devices = createDevices({ emulators: ['yubikey-oath'], pcsc: createEmulatedPcscBackend(cards) });
  const service = createService({ clock: testClock(), vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf(), keys: { devices } });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  return { client, cards };
}

/**
 * The new key plugged in (again): a card with the state the one in its reader had; with `unplugAfter`,
 * one that answers that many APDUs from now and is gone.
 */
function plugNew(cards: EmulatedYubiKeyOath[], unplugAfter?: number): void {
  const index = cards.findIndex((card) => card.snapshot().serial === NEW);
  const old = cards[index];
  if (old === undefined) throw new Error('no new key in the rig');
  cards[index] = openEmulatedYubiKeyOath({ initialState: old.snapshot(), ...(unplugAfter === undefined ? {} : { faults: [{ kind: 'unplug-after', apdus: unplugAfter }] }) });
}

async function unplugged(promise: Promise<unknown>): Promise<boolean> {
  try {
    await promise;
    return false;
  } catch (error) {
    if (error instanceof LatchkeyError && (error.code === 'KEY_UNPLUGGED' || error.code === 'KEY_TIMEOUT')) return true;
    throw error;
  }
}

const names = async (client: LatchkeyClient, serial: number) => (await client.call('keys.credentials', { serial })).credentials.map((credential) => credential.name).sort();

describe('an unplug while a rebuild writes the new key', () => {
  it('at every step: the lost key stays unmarked with its inventory whole, the vault untouched; a rerun finishes, each credential once, then the old key is marked lost', async () => {
    const expected = ['60/Mail:carol', 'Bank:bob', 'GitHub:alice'];
    let resumedWrites = 0;
    for (let n = 0; ; n++) {
      const { client, cards } = await rig();
      await client.call('accounts.add', { uri: 'otpauth://totp/GitHub:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub' });
      await client.call('accounts.add', { uri: 'otpauth://hotp/Bank:bob?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Bank&counter=16' });
      await client.call('accounts.add', { uri: 'otpauth://totp/Mail:carol?secret=KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU&issuer=Mail&period=60' });
      await client.call('keys.syncApply', { keys: [LOST], vaultPassword: PASSWORD });
      const accounts = await client.call('accounts.list', { at: AT });
      const lostBefore = (await client.call('keys.inventory', {})).keys.find((key) => key.serial === LOST);
      plugNew(cards, n);

      const cut = await unplugged(client.call('keys.rebuild', { from: LOST, to: NEW, vaultPassword: PASSWORD }));
      if (cut) {
        const inventory = await client.call('keys.inventory', {});
        const lost = inventory.keys.find((key) => key.serial === LOST);
        expect(lost?.lostAt, `after an unplug at APDU ${String(n)}`).toBeUndefined();
        expect(lost?.credentials).toEqual(lostBefore?.credentials);
        expect(await client.call('accounts.list', { at: AT })).toEqual(accounts);
      }
      // Plugged in again, with no fault (a key that was not cut may still be counting down).
      plugNew(cards);
      if (cut) {
        const resumed = await client.call('keys.rebuild', { from: LOST, to: NEW, vaultPassword: PASSWORD });
        if (resumed.applied.length > 0) resumedWrites += 1;
        expect(resumed.lostAt).toBeDefined();
      }
      expect(await names(client, NEW), `after an unplug at APDU ${String(n)}`).toEqual(expected);
      const inventory = await client.call('keys.inventory', {});
      expect(inventory.keys.find((key) => key.serial === NEW)?.credentials.map((credential) => credential.name)).toEqual(expected);
      expect(inventory.keys.find((key) => key.serial === LOST)?.lostAt).toBeDefined();
      expect(inventory.drift).toEqual([]);
      expect(await client.call('accounts.list', { at: AT })).toEqual(accounts);
      // Converged: the same rebuild again has nothing left to write.
      const again = await client.call('keys.rebuild', { from: LOST, to: NEW, dryRun: true });
      expect(again.actions.map((action) => action.action)).toEqual(['identical', 'identical', 'identical']);
      if (!cut) {
        expect(n).toBeGreaterThan(10);
        expect(resumedWrites).toBeGreaterThan(0);
        return;
      }
    }
  });
});

describe('an unplug while a key-only import writes the key', () => {
  it('at every third APDU: the vault file never gets the accounts; what reached the key is recorded key-only; the same import again finishes, each credential once', async () => {
    const source = { kind: 'file' as const, fileBase64: readFileSync(join(REPO_ROOT, 'main/formats/aegis/fixtures/plain-v3.json')).toString('base64') };
    const clean = await rig([NEW]);
    const complete = await clean.client.call('keys.syncImport', { source, key: NEW, keyOnly: true, vaultPassword: PASSWORD });
    const expected = await names(clean.client, NEW);
    expect(expected.length).toBe(complete.applied.length);
    expect(expected.length).toBeGreaterThan(3);
    // Every third: the file's accounts make a long write, and each step of it is like its neighbours.
    for (let n = 0; ; n += 3) {
      const { client, cards } = await rig([NEW]);
      plugNew(cards, n);
      const cut = await unplugged(client.call('keys.syncImport', { source, key: NEW, keyOnly: true, vaultPassword: PASSWORD }));
      if (cut) {
        expect((await client.call('accounts.list', {})).accounts).toEqual([]);
      }
      plugNew(cards);
      if (cut) {
        await client.call('keys.syncImport', { source, key: NEW, keyOnly: true, vaultPassword: PASSWORD });
      }
      expect(await names(client, NEW), `after an unplug at APDU ${String(n)}`).toEqual(expected);
      expect((await client.call('accounts.list', {})).accounts).toEqual([]);
      const onKey = (await client.call('keys.inventory', {})).keys.find((key) => key.serial === NEW)?.credentials ?? [];
      expect(onKey.map((credential) => credential.name).sort()).toEqual(expected);
      expect(onKey.every((credential) => credential.keyOnly === true)).toBe(true);
      const again = await client.call('keys.syncImport', { source, key: NEW, keyOnly: true, dryRun: true });
      expect(again.actions.filter((action) => ['add', 'overwrite'].includes(action.action))).toEqual([]);
      if (!cut) {
        expect(n).toBeGreaterThan(10);
        return;
      }
    }
  });
});

describe('a rebuild and HOTP on several keys', () => {
  it('warns, in the plan and after applying, when a HOTP account of the lost key is still on another key: its counters would drift', async () => {
    const { client } = await rig([LOST, NEW, OTHER]);
    await client.call('accounts.add', { uri: 'otpauth://hotp/Bank:bob?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Bank&counter=16' });
    await client.call('accounts.add', { uri: 'otpauth://totp/GitHub:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub' });
    await client.call('keys.syncApply', { keys: [LOST, OTHER], hotpOnSeveralKeys: true, vaultPassword: PASSWORD });
    const warning = `Bank:bob: this HOTP account is still on key ${String(OTHER)}; rebuilt onto key ${String(NEW)} it would be on two keys, each counting its own codes, so their counters would drift apart (use one of them only, or remove the other copy)`;
    const dry = await client.call('keys.rebuild', { from: LOST, to: NEW, dryRun: true });
    expect(dry.actions.map((action) => [action.name, action.action])).toEqual([
      ['Bank:bob', 'add'],
      ['GitHub:alice', 'add'],
    ]);
    expect(dry.warnings).toContain(warning);
    const done = await client.call('keys.rebuild', { from: LOST, to: NEW, vaultPassword: PASSWORD });
    expect(done.warnings).toContain(warning);
    expect(done.warnings.filter((line) => line.includes('GitHub:alice'))).toEqual([]);
    const inventory = await client.call('keys.inventory', {});
    expect(inventory.accounts.find((account) => account.label === 'bob')?.keys).toEqual([NEW, OTHER]);
  });
});

describe('an unplug while a sync programs a YubiKey\'s OTP slots (SERIAL/otp)', () => {
  it('at every HID report: the rerun finishes, each HOTP account in one slot, typing the vault\'s code; then nothing is left to write, and the vault is untouched', async () => {
    const SECRETS = ['JBSWY3DPEHPK3PXP', 'KRSXG5CTMVRXEZLU'] as const;
    // Both slots empty, so both accounts are written: more steps to cut.
    const fresh = factoryState((length) => new Uint8Array(length).fill(7), { factoryCredential: false });
    const target = `${String(fresh.serial)}/otp`;
    let resumedWrites = 0;
    for (let n = 0; ; n++) {
      // The key in its USB port: replacing `plugged` is pulling it out and plugging another state in.
      let plugged: EmulatedYubiKeyOtpBackend = createEmulatedYubiKeyOtpBackend({ initialState: fresh, faults: [{ kind: 'unplug-after', reports: n }] });
      const port: HidBackend = { devices: () => plugged.devices(), open: (descriptor) => plugged.open(descriptor) };
      const devices = createDevices({ backend: port, pcsc: createEmulatedPcscBackend([]) });
      // The driver's waits (a write's busy polls) pass on a manual clock: no real time.
      const session = { clock: createManualClock(1_700_000_000_000) };
      const service = createService({ clock: testClock(), vaultPath: tempVaultPath(), kdf: KDF_FLOOR, deriveKey: memoisedKdf(), keys: { devices, session } });
      const client = createClient((channel, payload) => service.dispatch(channel, payload));
      await client.call('vault.create', { password: PASSWORD });
      await client.call('vault.unlock', { password: PASSWORD });
      await client.call('accounts.add', { uri: `otpauth://hotp/Bank:one?secret=${SECRETS[0]}&issuer=Bank&counter=16` });
      await client.call('accounts.add', { uri: `otpauth://hotp/Bank:two?secret=${SECRETS[1]}&issuer=Bank&counter=32` });
      const accounts = await client.call('accounts.list', {});

      const cut = await unplugged(client.call('keys.syncApply', { keys: [target], vaultPassword: PASSWORD }));
      plugged = createEmulatedYubiKeyOtpBackend({ initialState: plugged.current?.snapshot() ?? fresh });
      if (cut) {
        expect(await client.call('accounts.list', {})).toEqual(accounts);
        const resumed = await client.call('keys.syncApply', { keys: [target], vaultPassword: PASSWORD });
        if (resumed.applied.length > 0) resumedWrites += 1;
      }
      const again = await client.call('keys.syncPlan', { keys: [target] });
      expect(again.actions.map((action) => [action.name, action.action, action.slot]), `after an unplug at report ${String(n)}`).toEqual([
        ['Bank:one', 'identical', 1],
        ['Bank:two', 'identical', 2],
      ]);
      expect(await client.call('accounts.list', {})).toEqual(accounts);
      // What the key types from each slot is the vault's next code for the account recorded there.
      const key = openEmulatedYubiKeyOtp({ initialState: plugged.current?.snapshot() ?? fresh });
      for (const [index, slot] of [1, 2].entries()) {
        const vault = await client.call('otp.code', { secretBase32: SECRETS[index] ?? '', type: 'hotp', counter: String(16 * (index + 1)) });
        expect(key.typeOtp(slot as 1 | 2), `slot ${String(slot)} after an unplug at report ${String(n)}`).toBe(vault.code);
      }
      if (!cut) {
        expect(n).toBeGreaterThan(5);
        expect(resumedWrites).toBeGreaterThan(0);
        return;
      }
    }
  });
});
