import Database from 'better-sqlite3';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createClient, type LatchkeyClient } from '../../shared/client.js';
import { createEmulatedYubiKeyOtpBackend, type EmulatedYubiKeyOtpBackend, type TouchPolicy } from '../keys/emulators/yubikey-otp.js';
import { KDF_FLOOR, loadSodium } from '../vault/index.js';
import { rewriteHeaderSum } from '../vault/test-support/slot-rows.js';
import { memoisedKdf, tempVaultPath, testClock } from '../vault/test-support/test-runtime.js';
import { createService, type Service } from './create-service.js';
import { createDevices } from './devices.js';
import { withSlotCleared, withSlotsSwapped, withSlotWritten } from './handlers/keys-record.js';

/**
 * Issue 15, item 6, at the service: the sealed `key-writes` record follows what the key confirmed
 * (program, swap, delete), nothing is written to a key whose write could not be recorded, and a
 * touch wait is one `op.progress` naming the key, cancelled by `op.cancel`.
 */
const PASSWORD = 'vault password for the keys service';
const HOTP_URI = 'otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank&counter=16';
const HMAC_KEY = '0a0b0c0d0e0f101112131415161718191a1b1c1d';

interface Setup {
  readonly service: Service;
  readonly client: LatchkeyClient;
  readonly key: EmulatedYubiKeyOtpBackend;
  readonly serial: number;
  readonly accountId: string;
}

async function setup(touchPolicy: TouchPolicy = { kind: 'auto' }, vaultPath = tempVaultPath()): Promise<Setup> {
  const key = createEmulatedYubiKeyOtpBackend({ touchPolicy });
  const clock = testClock();
  const service = createService({ clock, vaultPath, kdf: KDF_FLOOR, deriveKey: memoisedKdf(), keys: { devices: createDevices({ backend: key }) } });
  const client = createClient((channel, payload) => service.dispatch(channel, payload));
  await client.call('vault.create', { password: PASSWORD });
  await client.call('vault.unlock', { password: PASSWORD });
  const { account } = await client.call('accounts.add', { uri: HOTP_URI });
  const [listed] = (await client.call('keys.list', {})).keys;
  if (listed?.serial == null) throw new Error('the emulated key has a serial');
  return { service, client, key, serial: listed.serial, accountId: account.id };
}

/** The key's programming sequence as the emulator holds it (its last connection has the latest state). */
const pgmSeqOf = async (key: EmulatedYubiKeyOtpBackend): Promise<number> => {
  const [descriptor] = await key.devices();
  if (descriptor === undefined) throw new Error('no key');
  await (await key.open(descriptor)).close();
  if (key.current === null) throw new Error('no connection');
  return key.current.snapshot().pgmSeq;
};

describe('keys service: the key-writes record', () => {
  it('program, swap and delete: the record says what each slot got, the account is left as it was', async () => {
    const { client, accountId, serial } = await setup();
    const programmed = await client.call('keys.program', { slot: 2, credential: { kind: 'hotp', accountId, vaultPassword: PASSWORD } });
    expect(programmed).toMatchObject({ slot: 2, kind: 'hotp', counter: '16', recorded: true, key: { serial } });
    const { accounts } = await client.call('accounts.list', {});
    expect(accounts[0]?.counter).toBe('16');

    const status = await client.call('keys.status', {});
    expect(status.slots[1]?.written).toMatchObject({ kind: 'hotp', accountId, touch: true, account: { issuer: 'Bank', label: 'bob' } });
    expect(status.slots[0]?.written).toBeUndefined();

    await client.call('keys.program', { slot: 1, overwrite: true, credential: { kind: 'challenge-response', keyHex: HMAC_KEY, touch: true } });
    await client.call('keys.swap', {});
    const swapped = await client.call('keys.status', {});
    expect(swapped.slots.map((slot) => slot.written?.kind)).toEqual(['hotp', 'challenge-response']);
    expect(swapped.slots[1]?.written?.touch).toBe(true);

    await client.call('keys.delete', { slot: 2, confirmed: true });
    await client.call('keys.delete', { slot: 1, confirmed: true });
    const emptied = await client.call('keys.status', {});
    expect(emptied.slots.map((slot) => [slot.configured, slot.written])).toEqual([
      [false, undefined],
      [false, undefined],
    ]);
  });

  it('a locked vault is VAULT_LOCKED before the key is touched; a wrong vault password too', async () => {
    const { client, key, accountId } = await setup();
    const before = await pgmSeqOf(key);
    await expect(client.call('keys.program', { slot: 2, credential: { kind: 'hotp', accountId, vaultPassword: 'not it' } })).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSWORD' });
    await client.call('vault.lock', {});
    await expect(client.call('keys.program', { slot: 2, credential: { kind: 'challenge-response', keyHex: HMAC_KEY } })).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    await expect(client.call('keys.swap', {})).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    expect(await pgmSeqOf(key)).toBe(before);
    // Without the record, the key alone is worked on.
    expect(await client.call('keys.program', { slot: 2, updateRecord: false, credential: { kind: 'challenge-response', keyHex: HMAC_KEY } })).toMatchObject({ recorded: false });
  });

  it('a vault whose manifest does not match saves nothing: VAULT_INTEGRITY before the key is touched', async () => {
    const vaultPath = tempVaultPath();
    const { client, key } = await setup({ kind: 'auto' }, vaultPath);
    await client.call('vault.lock', {});
    const db = new Database(vaultPath);
    // A slot removed outside Latchkey, the header's checksum made to match: only the manifest can tell.
    db.prepare("DELETE FROM slots WHERE kind = 'recovery'").run();
    rewriteHeaderSum(await loadSodium(), db);
    db.close();
    await client.call('vault.unlock', { password: PASSWORD });
    const before = await pgmSeqOf(key);
    await expect(client.call('keys.program', { slot: 2, credential: { kind: 'challenge-response', keyHex: HMAC_KEY } })).rejects.toMatchObject({
      code: 'VAULT_INTEGRITY',
      message: expect.stringContaining('the key was not changed') as unknown,
    });
    expect(await pgmSeqOf(key)).toBe(before);
  });

  it('an unconfirmed delete of a programmed slot is KEY_CREDENTIAL_EXISTS (slot 1: the factory credential) and changes nothing', async () => {
    const { client, key } = await setup();
    const before = await pgmSeqOf(key);
    await expect(client.call('keys.delete', { slot: 1 })).rejects.toMatchObject({ code: 'KEY_CREDENTIAL_EXISTS', details: { slot: 1, factoryCredential: true } });
    expect(await pgmSeqOf(key)).toBe(before);
  });
});

describe('keys service: a touch wait', () => {
  it('is one op.progress naming the key, and op.cancel ends it in CANCELLED', async () => {
    const { client, service, serial } = await setup({ kind: 'never' });
    await client.call('keys.program', { slot: 2, credential: { kind: 'challenge-response', keyHex: HMAC_KEY, touch: true } });
    const progress: unknown[] = [];
    service.onEvent((name, payload) => {
      if (name !== 'op.progress') return;
      progress.push(payload);
      void client.call('op.cancel', { opId: 'touch-1' });
    });
    await expect(client.call('keys.challenge', { slot: 2, challengeHex: '00ff', opId: 'touch-1' })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(progress).toEqual([{ opId: 'touch-1', stage: 'Touch your YubiKey…', needsTouch: true, key: String(serial) }]);
  });

  it('answers once touched (the touch policy of the emulated key)', async () => {
    const { client } = await setup({ kind: 'after', ms: 30 });
    await client.call('keys.program', { slot: 2, credential: { kind: 'challenge-response', keyHex: HMAC_KEY, touch: true } });
    const { responseHex } = await client.call('keys.challenge', { slot: 2, challengeHex: '00ff' });
    expect(responseHex).toBe(createHmac('sha1', Buffer.from(HMAC_KEY, 'hex')).update(Buffer.from('00ff', 'hex')).digest('hex'));
  });
});

describe('key-writes record changes', () => {
  const write = { kind: 'challenge-response' as const, writtenAt: 1, touch: false };
  it('clearing a key\'s last slot drops the key; swapping moves a lone slot; other keys are left alone', () => {
    const one = withSlotWritten({ '7': { '1': write } }, 42, 2, write);
    expect(one).toEqual({ '7': { '1': write }, '42': { '2': write } });
    expect(withSlotsSwapped(one, 42)).toEqual({ '7': { '1': write }, '42': { '1': write } });
    expect(withSlotCleared(one, 42, 2)).toEqual({ '7': { '1': write } });
    expect(withSlotCleared(one, 42, 1)).toEqual(one);
    expect(withSlotsSwapped(one, 99)).toBe(one);
  });
});
