import Database from 'better-sqlite3';
import { createHmac, randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../shared/errors.js';
import { createEmulatedYubiKeyOtpBackend } from '../keys/emulators/yubikey-otp.js';
import { YubiOtpSession } from '../keys/yubikey-otp/index.js';
import { createDevices } from '../service/devices.js';
import { yubiKeyResponder } from '../service/yubikey-responder.js';
import { toHex } from './bytes.js';
import { createVault } from './create-vault.js';
import type { YubiKeyAnswerer, YubiKeyResponder } from './password-yubikey.js';
import { readSlotRows, rewriteHeaderSum } from './test-support/slot-rows.js';
import { memoisedKdf, tempVaultPath, testRuntime } from './test-support/test-runtime.js';
import { unlockVault } from './unlock-vault.js';
import type { VaultSession } from './vault-session.js';

const PASSWORD = 'correct horse battery';

/** A YubiKey as the vault sees it: HMAC-SHA1 secrets in its challenge-response slots, and a count of answers (touches). */
function fakeKey(serial: number, secrets: Partial<Record<1 | 2, Uint8Array>>) {
  const asked: Uint8Array[] = [];
  const answerer = (slot: 1 | 2, secret: Uint8Array): YubiKeyAnswerer => ({
    serial,
    slot,
    respond: (challenge) => {
      asked.push(challenge.slice());
      return Promise.resolve(new Uint8Array(createHmac('sha1', secret).update(challenge).digest()));
    },
  });
  // Slot 2 first, then slot 1, as the service tries them.
  const answerers = ([2, 1] as const).flatMap((slot) => (secrets[slot] === undefined ? [] : [answerer(slot, secrets[slot])]));
  return { serial, answerers, asked };
}

type FakeKey = ReturnType<typeof fakeKey>;

/** The keys plugged in now. */
function plugged(...keys: FakeKey[]): YubiKeyResponder {
  return {
    // eslint-disable-next-line @typescript-eslint/require-await -- an async generator, as the service's is
    answerers: async function* () {
      for (const key of keys) yield* key.answerers;
    },
  };
}

function theAnswerer(key: FakeKey): YubiKeyAnswerer {
  const [first] = key.answerers;
  if (first === undefined) throw new Error('that fake key has no challenge-response slot');
  return first;
}

async function failure(promise: Promise<unknown>): Promise<LatchkeyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LatchkeyError);
  return error as LatchkeyError;
}

describe('password+YubiKey slots on a real vault file', () => {
  let runtime: Awaited<ReturnType<typeof testRuntime>>;
  let path: string;
  let recoveryKey: string;
  let key: FakeKey;

  beforeEach(async () => {
    runtime = await testRuntime();
    path = tempVaultPath();
    ({ recoveryKey } = await createVault(path, PASSWORD, runtime));
    key = fakeKey(1234567, { 2: randomBytes(20) });
  });

  async function keyOnlyVault(): Promise<string> {
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    const { slotId } = await session.addYubiKeySlot({ password: PASSWORD, answerer: theAnswerer(key), removePasswordSlot: true });
    session.lock();
    return slotId;
  }

  it('keeps the password enough while a plain slot remains: the key is not even asked', async () => {
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    const added = await session.addYubiKeySlot({ password: PASSWORD, answerer: theAnswerer(key), removePasswordSlot: false });
    expect(key.asked).toHaveLength(1);
    expect(session.slots().find((slot) => slot.id === added.slotId)).toMatchObject({ kind: 'password+yubikey', key: { serial: 1234567, slot: 2 } });
    session.lock();
    (await unlockVault(path, { password: PASSWORD, yubikey: plugged(key) }, runtime)).lock();
    expect(key.asked).toHaveLength(1);
  });

  it('opens with the password and the key once the plain slot is gone, with one Argon2id run and one answer', async () => {
    await keyOnlyVault();
    const db = new Database(path, { readonly: true });
    const rows = readSlotRows(db);
    db.close();
    expect(rows.map((row) => row.kind).sort()).toEqual(['password+yubikey', 'recovery']);
    expect(rows.find((row) => row.kind === 'password+yubikey')?.challenge).toHaveLength(32);

    const deriveKey = memoisedKdf();
    const counted = { ...runtime, deriveKey };
    const session = await unlockVault(path, { password: PASSWORD, yubikey: plugged(key) }, counted);
    expect(deriveKey.calls()).toBe(1);
    expect(key.asked).toHaveLength(2);
    session.lock();
  });

  it('counts a wrong key and a wrong password alike ("wrong password or wrong key")', async () => {
    await keyOnlyVault();
    const other = fakeKey(7654321, { 2: randomBytes(20) });
    const wrongKey = await failure(unlockVault(path, { password: PASSWORD, yubikey: plugged(other) }, runtime));
    expect(wrongKey.code).toBe('VAULT_WRONG_PASSWORD');
    expect(wrongKey.message).toBe('wrong password or wrong key');
    expect(wrongKey.details?.['failures']).toBe(1);
    const wrongPassword = await failure(unlockVault(path, { password: 'not the password', yubikey: plugged(key) }, runtime));
    expect(wrongPassword.code).toBe('VAULT_WRONG_PASSWORD');
    expect(wrongPassword.details?.['failures']).toBe(2);
  });

  it('says the key is needed, without counting an attempt, when none is plugged in', async () => {
    await keyOnlyVault();
    for (const yubikey of [undefined, plugged()]) {
      const error = await failure(unlockVault(path, { password: PASSWORD, ...(yubikey === undefined ? {} : { yubikey }) }, runtime));
      expect(error.code).toBe('KEY_NOT_FOUND');
      expect(error.message).toBe('this vault needs its YubiKey; plug it in or use the recovery key');
    }
    const wrong = await failure(unlockVault(path, { password: 'not the password', yubikey: plugged(key) }, runtime));
    expect(wrong.details?.['failures']).toBe(1);
  });

  it('still opens with the recovery key when the key is lost', async () => {
    await keyOnlyVault();
    const session = await unlockVault(path, { recoveryKey }, runtime);
    expect(session.unlockedBy).toBe('recovery');
    session.lock();
  });

  it('opens with either of two enrolled keys (a backup key)', async () => {
    const backup = fakeKey(2222222, { 1: randomBytes(20) });
    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    await session.addYubiKeySlot({ password: PASSWORD, answerer: theAnswerer(key), removePasswordSlot: false });
    await session.addYubiKeySlot({ password: PASSWORD, answerer: theAnswerer(backup), removePasswordSlot: true });
    session.lock();
    (await unlockVault(path, { password: PASSWORD, yubikey: plugged(backup) }, runtime)).lock();
    const again = await unlockVault(path, { password: PASSWORD, yubikey: plugged(key) }, runtime);
    // The same key slot twice would add nothing but a touch: refused before the key is asked.
    const asked = key.asked.length;
    expect((await failure(again.addYubiKeySlot({ password: PASSWORD, yubikey: plugged(key), answerer: theAnswerer(key), removePasswordSlot: false }))).code).toBe('USAGE');
    expect(key.asked).toHaveLength(asked);
    again.lock();
  });

  it('re-challenges each key slot at a password change: a new challenge, and the old response no longer opens', async () => {
    const slotId = await keyOnlyVault();
    const readChallenge = () => {
      const db = new Database(path, { readonly: true });
      const row = readSlotRows(db).find((slot) => slot.kind === 'password+yubikey');
      db.close();
      if (row === undefined) throw new Error('no key slot');
      return row.challenge;
    };
    const oldChallenge = readChallenge();
    // What someone who briefly held the key could have recorded.
    const oldResponse = await theAnswerer(key).respond(oldChallenge);
    if (oldResponse === null) throw new Error('no response');

    const session = await unlockVault(path, { password: PASSWORD, yubikey: plugged(key) }, runtime);
    const asked = key.asked.length;
    const change = await session.changePassword('a brand new passphrase', { yubikey: plugged(key) });
    expect(change).toMatchObject({ rechallenged: 1, droppedKeySlots: [] });
    expect(key.asked.length - asked).toBe(1);
    expect(session.slots().map((slot) => slot.kind).sort()).toEqual(['password+yubikey', 'recovery']);
    expect(session.slots().some((slot) => slot.id === slotId)).toBe(false);
    session.lock();

    expect(toHex(readChallenge())).not.toBe(toHex(oldChallenge));
    // Someone who recorded the key's answer to the old challenge, and knows the new password: no way in.
    const replay: YubiKeyResponder = plugged({ serial: 1, asked: [], answerers: [{ serial: 1, slot: 2, respond: () => Promise.resolve(oldResponse.slice()) }] });
    expect((await failure(unlockVault(path, { password: 'a brand new passphrase', yubikey: replay }, runtime))).code).toBe('VAULT_WRONG_PASSWORD');
    (await unlockVault(path, { password: 'a brand new passphrase', yubikey: plugged(key) }, runtime)).lock();
  });

  it('will not drop a key slot at a password change unless asked, and then writes a plain password slot', async () => {
    const slotId = await keyOnlyVault();
    const session = await unlockVault(path, { recoveryKey }, runtime);
    const refused = await failure(session.changePassword('a brand new passphrase', { yubikey: plugged() }));
    expect(refused.code).toBe('KEY_NOT_FOUND');
    expect(refused.details?.['slots']).toBe(slotId);
    expect(session.slots().map((slot) => slot.kind).sort()).toEqual(['password+yubikey', 'recovery']);
    const change = await session.changePassword('a brand new passphrase', { yubikey: plugged(), dropMissingKeySlots: true });
    expect(change).toMatchObject({ rechallenged: 0, droppedKeySlots: [slotId] });
    expect(session.slots().map((slot) => slot.kind).sort()).toEqual(['password', 'recovery']);
    session.lock();
    (await unlockVault(path, { password: 'a brand new passphrase' }, runtime)).lock();
  });

  it('binds the stored challenge into the slot: a changed challenge fails even with the right response', async () => {
    await keyOnlyVault();
    const db = new Database(path);
    const row = readSlotRows(db).find((slot) => slot.kind === 'password+yubikey');
    if (row === undefined) throw new Error('no key slot');
    const original = row.challenge.slice();
    const tampered = row.challenge.slice();
    tampered[0] = (tampered[0] ?? 0) ^ 1;
    db.prepare('UPDATE slots SET challenge = ? WHERE slot_id = ?').run(tampered, row.slotId);
    rewriteHeaderSum(runtime.sodium, db);
    db.close();
    // The key answers the challenge that was stored at enrolment, as a recording would.
    const rightResponse: YubiKeyResponder = plugged({ serial: key.serial, asked: [], answerers: [{ serial: key.serial, slot: 2, respond: () => theAnswerer(key).respond(original) }] });
    expect((await failure(unlockVault(path, { password: PASSWORD, yubikey: rightResponse }, runtime))).code).toBe('VAULT_WRONG_PASSWORD');
  });

  it('asks for the key at re-authentication when the password alone opens no slot', async () => {
    await keyOnlyVault();
    const session = await unlockVault(path, { password: PASSWORD, yubikey: plugged(key) }, runtime);
    expect((await failure(session.reauthenticate(PASSWORD))).code).toBe('KEY_NOT_FOUND');
    await session.reauthenticate(PASSWORD, plugged(key));
    expect((await failure(session.reauthenticate('not the password', plugged(key)))).code).toBe('VAULT_WRONG_PASSWORD');
    session.lock();
  });

  describe('never removes the last way in', () => {
    let session: VaultSession;
    const idOf = (kind: string) => session.slots().find((slot) => slot.kind === kind)?.id ?? '';

    it('refuses the recovery slot, or the only key slot, of a vault with no plain password slot', async () => {
      await keyOnlyVault();
      session = await unlockVault(path, { password: PASSWORD, yubikey: plugged(key) }, runtime);
      expect((await failure(Promise.resolve().then(() => session.removeSlot(idOf('recovery'))))).code).toBe('USAGE');
      expect((await failure(Promise.resolve().then(() => session.removeSlot(idOf('password+yubikey'))))).code).toBe('USAGE');
      expect(session.slots()).toHaveLength(2);
      session.lock();
    });

    it('refuses removing the plain password slot of a vault without a recovery slot, before asking the key', async () => {
      session = await unlockVault(path, { password: PASSWORD }, runtime);
      session.removeSlot(idOf('recovery'));
      const refused = await failure(session.addYubiKeySlot({ password: PASSWORD, answerer: theAnswerer(key), removePasswordSlot: true }));
      expect(refused.code).toBe('USAGE');
      expect(key.asked).toHaveLength(0);
      expect((await failure(Promise.resolve().then(() => session.removeSlot(idOf('password'))))).code).toBe('USAGE');
      // With a plain password slot kept, a key slot can be added and removed again.
      const { slotId } = await session.addYubiKeySlot({ password: PASSWORD, answerer: theAnswerer(key), removePasswordSlot: false });
      expect(session.removeSlot(slotId)).toMatchObject({ id: slotId, kind: 'password+yubikey' });
      expect(session.slots().map((slot) => slot.kind)).toEqual(['password']);
      session.lock();
    });
  });
});

describe('password+YubiKey slots answered by the emulated YubiKey through the driver', () => {
  it('adds a slot on the key, then opens only with the password and that key', async () => {
    const runtime = await testRuntime();
    const path = tempVaultPath();
    await createVault(path, PASSWORD, runtime);
    const backend = createEmulatedYubiKeyOtpBackend({ touchPolicy: { kind: 'auto' } });
    const [descriptor] = await backend.devices();
    if (descriptor === undefined) throw new Error('no emulated key');
    const device = await backend.open(descriptor);
    await (await YubiOtpSession.open(device)).programChallengeResponse(2, { key: new Uint8Array(randomBytes(20)), requireTouch: true });
    await device.close();
    const touches: unknown[] = [];
    const devices = createDevices({ backend });
    const emulated = yubiKeyResponder({ devices: () => Promise.resolve(devices), operation: { signal: new AbortController().signal, progress: (...args) => touches.push(args) } });

    const session = await unlockVault(path, { password: PASSWORD }, runtime);
    for await (const answerer of emulated.answerers()) {
      await session.addYubiKeySlot({ password: PASSWORD, answerer, removePasswordSlot: true });
      break;
    }
    session.lock();
    expect(touches).toHaveLength(1);
    (await unlockVault(path, { password: PASSWORD, yubikey: emulated }, runtime)).lock();
    expect(touches).toHaveLength(2);
    expect((await failure(unlockVault(path, { password: PASSWORD, yubikey: plugged(fakeKey(1, { 2: randomBytes(20) })) }, runtime))).code).toBe('VAULT_WRONG_PASSWORD');
  });
});
