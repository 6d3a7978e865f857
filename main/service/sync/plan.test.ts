import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccountMeta } from '../../../shared/account.js';
import { nitrokey3Dialect, yubikeyDialect } from '../../keys/oath/index.js';
import type { KeyInventory } from '../../vault/index.js';
import { willWrite, type AnyKeyObservation, type KeyObservation, type ObservedCredential, type OtpSlotsObservation, type PlanCell, type PlanInput, type PlanOptions, type SyncPlan } from './model.js';
import { planSync } from './plan.js';

/** The pure planner (issue 17, items 1–2): every cell's rule, then properties over random vaults and keys. */
const TIME = 1_700_000_000;
let nextId = 0;
const id = () => (nextId++).toString(16).padStart(32, '0');

function totp(issuer: string, label: string, extra: Partial<{ algorithm: 'SHA1' | 'SHA256' | 'SHA512'; digits: number; period: number }> = {}): AccountMeta {
  return { id: id(), type: 'totp', issuer, label, algorithm: extra.algorithm ?? 'SHA1', digits: extra.digits ?? 6, period: extra.period ?? 30, tags: [], createdAt: 0, updatedAt: 0 };
}
function hotp(issuer: string, label: string, counter = 0n, extra: Partial<{ algorithm: 'SHA1' | 'SHA256' | 'SHA512'; digits: number }> = {}): AccountMeta {
  return { id: id(), type: 'hotp', issuer, label, algorithm: extra.algorithm ?? 'SHA1', digits: extra.digits ?? 6, counter, tags: [], createdAt: 0, updatedAt: 0 };
}
function steam(label: string): AccountMeta {
  return { id: id(), type: 'steam', issuer: 'Steam', label, algorithm: 'SHA1', digits: 5, period: 30, tags: [], createdAt: 0, updatedAt: 0 };
}

function yubikey(serial: number, credentials: ObservedCredential[] = [], firmware: [number, number, number] = [5, 4, 3]): KeyObservation {
  const version = { major: firmware[0], minor: firmware[1], patch: firmware[2] };
  return { serial, kind: 'yubikey-oath', version, capacity: yubikeyDialect.capacity(version), dialect: yubikeyDialect, credentials };
}
function nitrokey(serial: number, credentials: ObservedCredential[] = []): KeyObservation {
  return { serial, kind: 'nitrokey3', version: { major: 4, minor: 14, patch: 0 }, capacity: 50, dialect: nitrokey3Dialect, credentials };
}
const listed = (name: string, extra: Partial<ObservedCredential> = {}): ObservedCredential => ({ name, type: 'totp', algorithm: 'SHA1', touch: false, pinProtected: false, code: null, ...extra });
const codeOf = (account: AccountMeta) => `c${account.id.slice(-6)}`;

function plan(accounts: AccountMeta[], keys: AnyKeyObservation[], extra: Partial<PlanInput> & { options?: PlanOptions } = {}): SyncPlan {
  return planSync({
    accounts,
    chosen: accounts.map((account) => account.id),
    keys,
    time: TIME,
    vaultCodes: new Map(accounts.filter((account) => account.type === 'totp').map((account) => [account.id, codeOf(account)])),
    inventory: {},
    progress: undefined,
    options: {},
    ...extra,
  });
}
function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}
const cellOf = (result: SyncPlan, key: number, name: string) => result.cells.find((cell) => cell.key === key && cell.name === name);
const brief = (cell: PlanCell | undefined) => (cell === undefined ? undefined : { action: cell.action, write: willWrite(cell) });

describe('sync plan: cells', () => {
  it('a fresh key: every account is an add, with its period in the name and the room counted', () => {
    const accounts = [totp('GitHub', 'alice'), totp('Bank', 'bob', { period: 60 }), hotp('VPN', 'carol')];
    const result = plan(accounts, [yubikey(1)]);
    expect(result.cells.map((cell) => [cell.name, cell.action])).toEqual([
      ['GitHub:alice', 'add'],
      ['60/Bank:bob', 'add'],
      ['VPN:carol', 'add'],
    ]);
    expect(result.room).toEqual([{ key: 1, target: '1', capacity: 32, held: 0, after: 3, fits: true }]);
    expect(result.fits).toBe(true);
    expect(result.warnings).toEqual([expect.stringContaining('VPN:carol: a HOTP account on a key counts its codes apart')]);
  });

  it('TOTP on the key: the same code is identical, another code an overwrite — proposed only when Latchkey did not write it', () => {
    const [same, other, ours] = [totp('A', 'same'), totp('B', 'other'), totp('C', 'ours')] as [AccountMeta, AccountMeta, AccountMeta];
    const key = yubikey(7, [listed('A:same', { code: codeOf(same) }), listed('B:other', { code: '000000' }), listed('C:ours', { code: '111111' })]);
    const inventory: KeyInventory = { '7': { kind: 'yubikey-oath', credentials: { 'C:ours': { accountId: ours.id, type: 'totp', touch: false, writtenAt: 1, check: 'code-match' } } } };
    const result = plan([same, other, ours], [key], { inventory });
    expect(cellOf(result, 7, 'A:same')).toMatchObject({ action: 'identical', compared: 'code' });
    expect(cellOf(result, 7, 'B:other')).toMatchObject({ action: 'overwrite', compared: 'code', optIn: true, chosen: false });
    expect(cellOf(result, 7, 'B:other')?.reason).toContain('Latchkey did not write it');
    expect(willWrite(must(cellOf(result, 7, 'B:other')))).toBe(false);
    expect(brief(cellOf(result, 7, 'C:ours'))).toEqual({ action: 'overwrite', write: true });
    const chosen = plan([same, other, ours], [key], { inventory, options: { choose: [{ key: 7, name: 'B:other' }] } });
    expect(brief(cellOf(chosen, 7, 'B:other'))).toEqual({ action: 'overwrite', write: true });
  });

  it('HOTP, touch and PIN-protected credentials are compared by listing only, and differ by kind, algorithm or touch flag', () => {
    const accounts = [hotp('H', 'one'), totp('T', 'touch'), totp('P', 'pin'), totp('S', 'sha'), hotp('K', 'kind')];
    const key = nitrokey(3, [
      listed('H:one', { type: 'hotp' }),
      listed('T:touch', { touch: true }),
      listed('P:pin', { pinProtected: true }),
      listed('S:sha', { algorithm: 'SHA256' }),
      listed('K:kind', { type: 'totp' }),
    ]);
    const result = plan(accounts, [key]);
    expect(cellOf(result, 3, 'H:one')).toMatchObject({ action: 'identical', compared: 'listing' });
    expect(cellOf(result, 3, 'H:one')?.reason).toContain('HOTP');
    expect(cellOf(result, 3, 'T:touch')).toMatchObject({ action: 'identical', compared: 'listing', touch: true });
    expect(cellOf(result, 3, 'P:pin')).toMatchObject({ action: 'identical', compared: 'listing' });
    expect(cellOf(result, 3, 'P:pin')?.reason).toContain('PIN-protected');
    expect(cellOf(result, 3, 'S:sha')).toMatchObject({ action: 'overwrite' });
    expect(cellOf(result, 3, 'S:sha')?.reason).toContain('SHA256');
    expect(cellOf(result, 3, 'K:kind')).toMatchObject({ action: 'overwrite' });
    expect(cellOf(result, 3, 'K:kind')?.reason).toContain('TOTP credential');
    // Asking for touch makes a credential without it differ.
    expect(cellOf(plan(accounts, [key], { options: { touch: true } }), 3, 'S:sha')).toMatchObject({ action: 'overwrite' });
    expect(cellOf(plan([must(accounts[1])], [key], { options: { touch: false } }), 3, 'T:touch')).toMatchObject({ action: 'overwrite', reason: 'the key’s credential asks for a touch; Latchkey did not write it, and what it holds can’t be read back' });
  });

  it('says why a key cannot hold an account', () => {
    const long = totp('An issuer with quite a long name', 'someone.with.a.long.address@example.com');
    const accounts = [totp('N', 'sha512', { algorithm: 'SHA512' }), steam('gamer'), totp('D', 'five', { digits: 5 }), totp('D', 'ten', { digits: 10 }), long, hotp('C', 'big', 0x1_0000_0000n)];
    const reasons = (key: KeyObservation, options: PlanOptions = {}) => Object.fromEntries(plan(accounts, [key], { options }).cells.map((cell) => [cell.name, cell.action === 'unsupported' ? cell.reason : cell.action]));
    expect(reasons(nitrokey(1))).toEqual({
      'N:sha512': 'the Nitrokey 3 stores HMAC-SHA512 credentials but cannot compute their codes',
      'Steam:gamer': 'Steam codes use their own alphabet, which no key computes',
      'D:five': 'a key makes codes of 6 to 8 digits; this account has 5',
      'D:ten': 'a key makes codes of 6 to 8 digits; this account has 10',
      [`${long.issuer}:${long.label}`]: 'add',
      'C:big': "a key's HOTP counter goes up to 4294967295; this account's is 4294967296",
    });
    expect(reasons(yubikey(2))[`${long.issuer}:${long.label}`]).toMatch(/^the name is 72 bytes .* holds at most 64/u);
    expect(reasons(yubikey(2))['N:sha512']).toBe('add');
    expect(reasons(yubikey(3, [], [4, 2, 0]), { touch: true })['D:five']).toMatch(/6 to 8 digits/u);
    expect(reasons(yubikey(3, [], [4, 2, 0]), { touch: true })['N:sha512']).toBe('HMAC-SHA512 needs firmware 4.3.1 or later; this key has 4.2.0');
    expect(plan([totp('T', 'x')], [yubikey(3, [], [4, 2, 0])], { options: { touch: true } }).cells[0]?.reason).toBe('a touch-required credential needs firmware 4.2.6 or later; this key has 4.2.0');
  });

  it('a name clash between two chosen accounts: the first goes on, the second is unsupported', () => {
    const result = plan([totp('Mail', 'me'), totp('Mail', 'me')], [yubikey(1)]);
    expect(result.cells.map((cell) => cell.action)).toEqual(['add', 'unsupported']);
    expect(result.cells[1]?.reason).toContain('same name');
  });

  it('key-only credentials are shown and left; a deleted account’s credential is a removal and a renamed one a rename, each only when chosen', () => {
    const kept = totp('Keep', 'me');
    const renamed = totp('New', 'name');
    const inventory: KeyInventory = {
      '5': {
        kind: 'yubikey-oath',
        credentials: {
          'Old:name': { accountId: renamed.id, type: 'totp', touch: false, writtenAt: 1, check: 'code-match' },
          'Gone:account': { accountId: id(), type: 'totp', touch: false, writtenAt: 1, check: 'code-match' },
        },
      },
    };
    const key = yubikey(5, [listed('Keep:me', { code: codeOf(kept) }), listed('Old:name'), listed('Gone:account'), listed('Mine:alone')]);
    const result = plan([kept, renamed], [key], { inventory });
    expect(result.cells.map((cell) => [cell.name, cell.action, willWrite(cell)])).toEqual([
      ['Keep:me', 'identical', false],
      ['New:name', 'rename', false],
      ['Gone:account', 'remove', false],
      ['Mine:alone', 'key-only', false],
    ]);
    expect(cellOf(result, 5, 'New:name')?.from).toBe('Old:name');
    const chosen = plan([kept, renamed], [key], { inventory, options: { choose: [{ key: 5, name: 'New:name' }, { key: 5, name: 'Gone:account' }] } });
    expect(chosen.cells.filter(willWrite).map((cell) => [cell.name, cell.action])).toEqual([
      ['New:name', 'rename'],
      ['Gone:account', 'remove'],
    ]);
    expect(chosen.room[0]).toMatchObject({ held: 4, after: 3 });
  });

  it('HOTP goes on one key only (the one holding it, else the first), unless asked; several copies are warned about', () => {
    const [first, held] = [hotp('H', 'first'), hotp('H', 'held')];
    const keys = [yubikey(1), nitrokey(2, [listed('H:held', { type: 'hotp' })])];
    const result = plan([first, held], keys);
    expect(result.cells.map((cell) => [cell.key, cell.name, cell.action])).toEqual([
      [1, 'H:first', 'add'],
      [1, 'H:held', 'skip'],
      [2, 'H:first', 'skip'],
      [2, 'H:held', 'identical'],
    ]);
    expect(cellOf(result, 1, 'H:held')?.reason).toContain('on key 2');
    const both = plan([first, held], keys, { options: { hotpOnSeveralKeys: true } });
    expect(both.cells.map((cell) => cell.action)).toEqual(['add', 'add', 'add', 'identical']);
    expect(both.warnings).toContain('H:held: this HOTP account is on 2 keys, whose counters drift apart with use');
  });

  it('HOTP on other keys by the inventory (not this sync\'s targets): a new key alone gets a skip naming where it is, unless chosen; a lost key does not count', () => {
    const [held, slotted, fresh] = [hotp('H', 'held'), hotp('H', 'slotted'), hotp('H', 'fresh')];
    const entry = (accountId: string) => ({ accountId, type: 'hotp' as const, touch: false, writtenAt: 1, check: 'present' as const });
    const inventory: KeyInventory = { '7': { kind: 'yubikey-oath', credentials: { 'H:held': entry(held.id) } }, '8': { kind: 'nitrokey3', lostAt: 5, credentials: { 'H:fresh': entry(fresh.id) } } };
    const keyWrites = { '9': { '2': { accountId: slotted.id, kind: 'hotp' as const, writtenAt: 1, touch: false } } };
    const result = plan([held, slotted, fresh], [nitrokey(3)], { inventory, keyWrites });
    expect(result.cells.map((cell) => [cell.name, cell.action, willWrite(cell)])).toEqual([
      ['H:held', 'skip', false],
      ['H:slotted', 'skip', false],
      ['H:fresh', 'add', true],
    ]);
    expect(cellOf(result, 3, 'H:held')?.reason).toBe('a HOTP account goes on one place only (each copy counts its own codes): it is already on key 7; --choose 3:H:held puts it here too');
    expect(cellOf(result, 3, 'H:slotted')?.reason).toContain("it is already on key 9's OTP slots; --choose 3:H:slotted puts it here too");
    // Chosen, it goes there too, with a warning naming the other copy; --hotp-on-several-keys does the same for all.
    const chosen = plan([held, slotted, fresh], [nitrokey(3)], { inventory, keyWrites, options: { choose: [{ key: '3', name: 'H:held' }] } });
    expect(chosen.cells.map((cell) => [cell.name, cell.action, willWrite(cell)])).toEqual([
      ['H:held', 'add', true],
      ['H:slotted', 'skip', false],
      ['H:fresh', 'add', true],
    ]);
    expect(chosen.warnings).toContain('H:held: this HOTP account is already on key 7; put on key 3 too, the copies count their codes apart and drift with use');
    const several = plan([held, slotted, fresh], [nitrokey(3)], { inventory, keyWrites, options: { hotpOnSeveralKeys: true } });
    expect(several.cells.map((cell) => cell.action)).toEqual(['add', 'add', 'add']);
    // The holding key among the targets: it stays identical there, the new key gets the usual skip.
    const withHolder = plan([held], [nitrokey(3), yubikey(7, [listed('H:held', { type: 'hotp' })])], { inventory });
    expect(withHolder.cells.map((cell) => [cell.key, cell.action])).toEqual([
      [3, 'skip'],
      [7, 'identical'],
    ]);
  });

  it('a full key: the plan does not fit and says so; spread over two keys, each account on both while there is room, then on the other', () => {
    const full = yubikey(1, Array.from({ length: 29 }, (_, index) => listed(`own:${String(index)}`)));
    const accounts = Array.from({ length: 5 }, (_, index) => totp('Site', `user${String(index)}`));
    const result = plan(accounts, [full, yubikey(2)]);
    expect(result.fits).toBe(false);
    expect(result.room).toEqual([
      { key: 1, target: '1', capacity: 32, held: 29, after: 34, fits: false },
      { key: 2, target: '2', capacity: 32, held: 0, after: 5, fits: true },
    ]);
    expect(result.warnings[0]).toContain('key 1 would hold 34 credentials, and it holds at most 32');
    const spread = plan(accounts, [full, yubikey(2)], { options: { spread: { copies: 2 } } });
    expect(spread.fits).toBe(true);
    expect(spread.cells.filter((cell) => cell.key === 1).map((cell) => cell.action).slice(0, 5)).toEqual(['add', 'add', 'add', 'skip', 'skip']);
    expect(spread.cells.filter((cell) => cell.key === 2).map((cell) => cell.action)).toEqual(['add', 'add', 'add', 'add', 'add']);
    expect(cellOf(spread, 1, 'Site:user3')?.reason).toBe('spread: no room left on this key');
    const one = plan(accounts, [yubikey(1), yubikey(2)], { options: { spread: { copies: 1 } } });
    expect(one.cells.map((cell) => cell.action)).toEqual([...Array<string>(5).fill('add'), ...Array<string>(5).fill('skip')]);
  });

  it('an unfinished sync: a credential whose write was cut short is rewritten unless its code shows it whole; its chosen removals stay chosen', () => {
    const [touchy, coded] = [totp('T', 'touchy'), totp('C', 'coded')];
    const gone = id();
    const inventory: KeyInventory = { '9': { kind: 'nitrokey3', credentials: { 'G:gone': { accountId: gone, type: 'totp', touch: false, writtenAt: 1, check: 'present' } } } };
    const key = nitrokey(9, [listed('T:touchy', { touch: true }), listed('C:coded', { code: codeOf(coded) }), listed('G:gone')]);
    const progress = {
      startedAt: 1,
      steps: [
        { key: '9', name: 'T:touchy', action: 'add' as const, accountId: touchy.id, state: 'writing' as const },
        { key: '9', name: 'C:coded', action: 'add' as const, accountId: coded.id, state: 'writing' as const },
        { key: '9', name: 'G:gone', action: 'remove' as const, state: 'pending' as const },
      ],
    };
    const result = plan([touchy, coded], [key], { inventory, progress });
    expect(result.cells.map((cell) => [cell.name, cell.action, willWrite(cell)])).toEqual([
      ['T:touchy', 'overwrite', true],
      ['C:coded', 'identical', false],
      ['G:gone', 'remove', true],
    ]);
  });
});

describe('sync plan: YubiKey OTP slots', () => {
  const otpKey = (serial: number, slot1: boolean, slot2: boolean): OtpSlotsObservation => ({
    serial,
    kind: 'yubikey-otp',
    slots: [
      { slot: 1, configured: slot1 },
      { slot: 2, configured: slot2 },
    ],
  });

  it('HOTP into a free slot; what a slot cannot hold says why; a slot programmed outside Latchkey is left as it is', () => {
    const accounts = [hotp('Bank', 'sixteen', 16n), hotp('Bank', 'three', 3n), totp('T', 'time')];
    const result = plan(accounts, [otpKey(42, true, false)]);
    expect(result.cells.map((cell) => [cell.name, cell.action, cell.slot])).toEqual([
      ['Bank:sixteen', 'add', 2],
      ['Bank:three', 'unsupported', undefined],
      ['T:time', 'unsupported', undefined],
      ['slot 1', 'key-only', 1],
    ]);
    expect(result.cells[1]?.reason).toContain('multiple of 16');
    expect(result.cells[2]?.reason).toContain('HOTP');
    expect(result.room).toEqual([{ key: 42, target: '42/otp', capacity: 2, held: 1, after: 2, fits: true }]);
  });

  it('a slot the key-writes record gives the account is identical; a deleted account’s slot is emptied when chosen, and then is room', () => {
    const [kept, next] = [hotp('H', 'kept'), hotp('H', 'next')];
    const keyWrites = { '42': { '1': { accountId: kept.id, kind: 'hotp' as const, writtenAt: 1, touch: true }, '2': { accountId: id(), kind: 'hotp' as const, writtenAt: 1, touch: true } } };
    const result = plan([kept, next], [otpKey(42, true, true)], { keyWrites });
    expect(result.cells.map((cell) => [cell.name, cell.action, willWrite(cell)])).toEqual([
      ['H:kept', 'identical', false],
      ['H:next', 'add', true],
      ['slot 2', 'remove', false],
    ]);
    expect(result.fits).toBe(false);
    const chosen = plan([kept, next], [otpKey(42, true, true)], { keyWrites, options: { choose: [{ key: '42/otp', name: 'slot 2' }] } });
    expect(chosen.cells.map((cell) => [cell.name, cell.action, cell.slot, willWrite(cell)])).toEqual([
      ['H:kept', 'identical', 1, false],
      ['H:next', 'add', 2, true],
      ['slot 2', 'remove', 2, true],
    ]);
    expect(chosen.fits).toBe(true);
  });

  it('HOTP goes to the first chosen key: an OTP slot before an OATH key when chosen first; a spread of one puts the rest on the OATH key', () => {
    const accounts = [hotp('H', 'a'), hotp('H', 'b')];
    const result = plan(accounts, [otpKey(42, true, false), yubikey(1)]);
    expect(result.cells.map((cell) => `${String(cell.key)} ${cell.name} ${cell.action}`)).toEqual(['42 H:a add', '42 H:b add', '42 slot 1 key-only', '1 H:a skip', '1 H:b skip']);
    expect(result.fits).toBe(false);
    const spread = plan(accounts, [otpKey(42, true, false), yubikey(1)], { options: { spread: { copies: 1 } } });
    expect(spread.cells.map((cell) => `${String(cell.key)} ${cell.name} ${cell.action}`)).toEqual(['42 H:a add', '42 H:b skip', '42 slot 1 key-only', '1 H:a skip', '1 H:b add']);
  });

  it('a slot whose programming an unplug cut short is programmed again', () => {
    const account = hotp('H', 'cut');
    const progress = { startedAt: 1, steps: [{ key: '42', name: 'H:cut', action: 'add' as const, accountId: account.id, slot: 2 as const, state: 'writing' as const }] };
    const result = plan([account], [otpKey(42, true, true)], { progress });
    expect(result.cells.map((cell) => [cell.name, cell.action, cell.slot, willWrite(cell)])).toEqual([
      ['H:cut', 'overwrite', 2, true],
      ['slot 1', 'key-only', 1, false],
    ]);
  });

  it('one YubiKey, both applications: its OATH card (42) and its OTP slots (42/otp) are two targets with their own cells and room; a step cut short on one is not the other\'s', () => {
    const [slot, time] = [hotp('H', 'slot'), totp('T', 'time')];
    const result = plan([slot, time], [otpKey(42, true, false), yubikey(42)]);
    expect(result.cells.map((cell) => `${cell.target} ${cell.name} ${cell.action}`)).toEqual(['42/otp H:slot add', '42/otp T:time unsupported', '42/otp slot 1 key-only', '42 H:slot skip', '42 T:time add']);
    expect(result.cells.every((cell) => cell.key === 42)).toBe(true);
    expect(result.room.map((room) => [room.target, room.held, room.after, room.capacity])).toEqual([
      ['42/otp', 1, 2, 2],
      ['42', 0, 1, 32],
    ]);
    expect(result.cells[3]?.reason).toContain('it is on key 42/otp');
    // The OTP slot's programming was cut short; the OATH card lists the same name, written whole earlier.
    // A step recorded before targets carried the application ('42' with a slot) is the OTP slots' too.
    for (const key of ['42/otp', '42']) {
      const progress = { startedAt: 1, steps: [{ key, name: 'H:slot', action: 'add' as const, accountId: slot.id, slot: 2 as const, state: 'writing' as const }] };
      const both = plan([slot], [otpKey(42, true, true), yubikey(42, [listed('H:slot', { type: 'hotp' })])], { progress, options: { hotpOnSeveralKeys: true } });
      expect(both.cells.map((cell) => `${cell.target} ${cell.name} ${cell.action}`), key).toEqual(['42/otp H:slot overwrite', '42/otp slot 1 key-only', '42 H:slot identical']);
      expect(both.cells[2]?.compared).toBe('listing');
    }
  });
});

// ─── Properties ────────────────────────────────────────────────────────────────────────────────

const accountArb = fc
  .record({
    type: fc.constantFrom('totp', 'totp', 'hotp', 'steam'),
    issuer: fc.constantFrom('', 'A', 'B', 'Bank'),
    label: fc.constantFrom('x', 'y', 'z', 'alice'),
    digits: fc.constantFrom(5, 6, 6, 8),
    algorithm: fc.constantFrom<'SHA1' | 'SHA256' | 'SHA512'>('SHA1', 'SHA1', 'SHA256', 'SHA512'),
    period: fc.constantFrom(30, 30, 60),
  })
  .map((draft): AccountMeta => {
    if (draft.type === 'steam') return steam(draft.label);
    if (draft.type === 'hotp') return hotp(draft.issuer, draft.label, 0n, { digits: draft.digits, algorithm: draft.algorithm });
    return totp(draft.issuer, draft.label, { digits: draft.digits, algorithm: draft.algorithm, period: draft.period });
  });

const scenarioArb = fc
  .record({
    accounts: fc.array(accountArb, { minLength: 1, maxLength: 10 }),
    keys: fc.array(fc.record({ nk3: fc.boolean(), capacity: fc.integer({ min: 1, max: 8 }), own: fc.integer({ min: 0, max: 3 }), copied: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 3 }),
    spread: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    touch: fc.boolean(),
    hotpOnSeveralKeys: fc.boolean(),
  })
  .map((draft) => {
    const keys = draft.keys.map((spec, index) => {
      const base = spec.nk3 ? nitrokey(100 + index) : yubikey(100 + index);
      // Some of the vault's accounts already on the key (same code), and some of its own.
      const copies = draft.accounts.slice(0, spec.copied).filter((account) => account.type === 'totp' && account.digits >= 6);
      const credentials = [
        ...new Map(copies.map((account) => [`${account.issuer === '' ? '' : `${account.issuer}:`}${account.label}`, account])).entries(),
      ].flatMap(([name, account]) => (account.type === 'totp' && account.period === 30 ? [listed(name, { code: codeOf(account), algorithm: account.algorithm })] : []));
      for (let own = 0; own < spec.own; own++) credentials.push(listed(`own-${String(index)}-${String(own)}`));
      return { ...base, capacity: Math.max(spec.capacity, credentials.length) };
    });
    const options: PlanOptions = { touch: draft.touch, hotpOnSeveralKeys: draft.hotpOnSeveralKeys, ...(draft.spread === undefined ? {} : { spread: { copies: draft.spread } }) };
    return { accounts: draft.accounts, keys, options };
  });

/** The keys as they would list after the plan was applied (the emulators are the test of the real thing). */
function applied(result: SyncPlan, keys: readonly KeyObservation[], accounts: readonly AccountMeta[]): KeyObservation[] {
  return keys.map((key) => {
    const credentials = new Map(key.credentials.map((credential) => [credential.name, credential]));
    for (const cell of result.cells.filter((candidate) => candidate.key === key.serial && willWrite(candidate))) {
      if (cell.action === 'remove') credentials.delete(cell.name);
      else {
        if (cell.from !== undefined) credentials.delete(cell.from);
        const account = must(accounts.find((candidate) => candidate.id === cell.accountId));
        credentials.set(cell.name, listed(cell.name, { type: cell.type ?? 'totp', algorithm: account.algorithm, touch: cell.touch ?? false, code: cell.type === 'totp' && cell.touch !== true ? codeOf(account) : null }));
      }
    }
    return { ...key, credentials: [...credentials.values()] };
  });
}

describe('sync plan: properties', () => {
  it('one cell per chosen account and key; nothing written twice; key-only, unsupported and skipped cells are never written', () => {
    fc.assert(
      fc.property(scenarioArb, ({ accounts, keys, options }) => {
        const result = plan(accounts, keys, { options });
        for (const key of keys) {
          const cells = result.cells.filter((cell) => cell.key === key.serial);
          expect(cells.filter((cell) => cell.accountId !== undefined && cell.action !== 'remove')).toHaveLength(accounts.length);
          const written = cells.filter(willWrite).map((cell) => cell.name);
          expect(new Set(written).size).toBe(written.length);
          const listedNames = new Set(key.credentials.map((credential) => credential.name));
          for (const cell of cells.filter((candidate) => candidate.action === 'add')) expect(listedNames.has(cell.name)).toBe(false);
        }
        for (const cell of result.cells) if (['key-only', 'unsupported', 'skip', 'identical'].includes(cell.action)) expect(willWrite(cell)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('a spread always fits; an HOTP account is written to one key at most unless asked', () => {
    fc.assert(
      fc.property(scenarioArb, ({ accounts, keys, options }) => {
        const result = plan(accounts, keys, { options });
        if (options.spread !== undefined) expect(result.fits).toBe(true);
        if (options.hotpOnSeveralKeys !== true) {
          for (const account of accounts.filter((candidate) => candidate.type === 'hotp')) {
            expect(result.cells.filter((cell) => cell.accountId === account.id && cell.action === 'add').length).toBeLessThanOrEqual(1);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a plan that fits, once applied, plans nothing more', () => {
    fc.assert(
      fc.property(scenarioArb, ({ accounts, keys, options }) => {
        const result = plan(accounts, keys, { options });
        fc.pre(result.fits);
        const again = plan(accounts, applied(result, keys, accounts), { options });
        expect(again.cells.filter(willWrite)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
