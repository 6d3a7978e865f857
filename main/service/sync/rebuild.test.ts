import { describe, expect, it } from 'vitest';
import type { AccountMeta } from '../../../shared/account.js';
import { LatchkeyError } from '../../../shared/errors.js';
import { RECORD_KINDS, type KeyInventory } from '../../vault/index.js';
import { markedLost, rebuildRequest } from './rebuild.js';

/** The rebuild request (which accounts, which touch flags, what can't be rebuilt) from a lost key's inventory. */
const id = (n: number) => n.toString(16).padStart(32, '0');
const account = (n: number, label: string): AccountMeta => ({ type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer: 'I', label, id: id(n), tags: [], createdAt: 0, updatedAt: 0 });
const entry = (n: number, touch: boolean, extra: { keyOnly?: true } = {}) => ({ accountId: id(n), type: 'totp' as const, touch, writtenAt: 1, check: 'present' as const, ...extra });

const inventory: KeyInventory = {
  '111': {
    kind: 'yubikey-oath',
    credentials: {
      'I:b': entry(2, true),
      'I:a': entry(1, false),
      'I:gone': entry(3, false),
      'Q:scanned': entry(9, false, { keyOnly: true }),
    },
  },
};

function thrown(work: () => unknown): LatchkeyError {
  try {
    work();
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
  }
  throw new Error('expected a LatchkeyError');
}

describe('rebuildRequest', () => {
  it('asks for the lost key\'s vault accounts in name order with their touch flags; a deleted account and a key-only credential are impossible', () => {
    const request = rebuildRequest(inventory, [account(1, 'a'), account(2, 'b')], 111, 222);
    expect(request.accounts).toEqual([id(1), id(2)]);
    expect(request.options.touchByAccount).toEqual({ [id(1)]: false, [id(2)]: true });
    expect(request.impossible.map((impossible) => [impossible.name, impossible.accountId])).toEqual([
      ['I:gone', id(3)],
      ['Q:scanned', id(9)],
    ]);
    expect(request.impossible[1]?.reason).toContain('--key-only');
  });

  it('refuses the same key twice (INVALID_REQUEST) and a key the inventory never had (NOT_FOUND)', () => {
    expect(thrown(() => rebuildRequest(inventory, [], 111, 111)).code).toBe('INVALID_REQUEST');
    expect(thrown(() => rebuildRequest(inventory, [], 333, 222)).code).toBe('NOT_FOUND');
  });
});

describe('rebuildRequest: HOTP that would be on two keys', () => {
  const hotp = (n: number, label: string): AccountMeta => ({ type: 'hotp', algorithm: 'SHA1', digits: 6, counter: 0n, issuer: 'H', label, id: id(n), tags: [], createdAt: 0, updatedAt: 0 });
  const hotpEntry = (n: number) => ({ accountId: id(n), type: 'hotp' as const, touch: false, writtenAt: 1, check: 'present' as const });
  const accounts = [hotp(1, 'elsewhere'), hotp(2, 'slot'), hotp(3, 'only'), account(4, 'totp')];
  const held: KeyInventory = {
    '111': { kind: 'yubikey-oath', credentials: { 'H:elsewhere': hotpEntry(1), 'H:slot': hotpEntry(2), 'H:only': hotpEntry(3), 'I:totp': entry(4, false) } },
    // Still in use: H:elsewhere is here too (synced with --hotp-on-several-keys).
    '333': { kind: 'nitrokey3', credentials: { 'H:elsewhere': hotpEntry(1), 'I:totp': entry(4, false) } },
    // Lost too: what it held counts for nothing.
    '444': { kind: 'yubikey-oath', lostAt: 5, credentials: { 'H:only': hotpEntry(3) } },
  };
  const keyWrites = { '555': { '2': { accountId: id(2), kind: 'hotp' as const, writtenAt: 1, touch: true } } };

  it('names each HOTP account still on another key or OTP slot (not a lost key, not the new key itself); TOTP copies are no matter', () => {
    const request = rebuildRequest(held, accounts, 111, 222, keyWrites);
    expect(request.warnings).toEqual([
      'H:elsewhere: this HOTP account is still on key 333; rebuilt onto key 222 it would be on two keys, each counting its own codes, so their counters would drift apart (use one of them only, or remove the other copy)',
      "H:slot: this HOTP account is still on key 555's OTP slots; rebuilt onto key 222 it would be on two keys, each counting its own codes, so their counters would drift apart (use one of them only, or remove the other copy)",
    ]);
    // Rebuilt onto the key that already holds it, or onto those very slots: one copy, no warning.
    expect(rebuildRequest(held, accounts, 111, 333, keyWrites).warnings.some((line) => line.startsWith('H:elsewhere'))).toBe(false);
    expect(rebuildRequest(held, accounts, 111, '555/otp', keyWrites).warnings.some((line) => line.startsWith('H:slot'))).toBe(false);
    expect(rebuildRequest(held, accounts, 111, '555/otp', keyWrites).warnings.some((line) => line.startsWith('H:elsewhere'))).toBe(true);
  });

  it('refuses a target that names no key, and the lost key\'s own OTP slots as the new key', () => {
    expect(thrown(() => rebuildRequest(held, accounts, 111, '222/piv')).code).toBe('INVALID_REQUEST');
    expect(thrown(() => rebuildRequest(held, accounts, 111, '111/otp')).message).toContain('the same serial');
  });
});

describe('markedLost and the inventory record', () => {
  it('marks the key once, keeping what it held', () => {
    const lost = markedLost(inventory, 111, 500);
    expect(lost['111']?.lostAt).toBe(500);
    expect(lost['111']?.credentials).toEqual(inventory['111']?.credentials);
    expect(markedLost(lost, 111, 900)['111']?.lostAt).toBe(500);
    expect(markedLost(inventory, 333, 500)).toBe(inventory);
  });

  it('an inventory written before keyOnly existed still parses, and keyOnly is only ever true', () => {
    const before = { '111': { kind: 'nitrokey3', credentials: { 'I:a': { accountId: id(1), type: 'totp', touch: false, writtenAt: 1, check: 'code-match' } } } };
    expect(RECORD_KINDS['key-inventory'].safeParse(before).success).toBe(true);
    expect(RECORD_KINDS['key-inventory'].safeParse(inventory).success).toBe(true);
    const falseFlag = { '111': { kind: 'nitrokey3', credentials: { 'I:a': { ...entry(1, false), keyOnly: false } } } };
    expect(RECORD_KINDS['key-inventory'].safeParse(falseFlag).success).toBe(false);
  });
});
