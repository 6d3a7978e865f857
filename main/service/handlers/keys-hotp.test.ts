import { describe, expect, it } from 'vitest';
import type { AccountMeta } from '../../../shared/account.js';
import { hotpSlotPlan } from './keys-hotp.js';

const bank = { id: '0'.repeat(32), type: 'hotp', issuer: 'Bank', label: 'bob', algorithm: 'SHA1', digits: 6, counter: 0n, tags: [], createdAt: 0, updatedAt: 0 } as unknown as AccountMeta;
const fit = (patch: Record<string, unknown>) => hotpSlotPlan({ ...bank, ...patch });

describe('which HOTP accounts a YubiKey OTP slot can hold', () => {
  it('SHA1, 6 or 8 digits, a counter that is a multiple of 16 up to 1,048,560: as it is', () => {
    expect(fit({})).toEqual({ digits: 6, initialMovingFactor: 0 });
    expect(fit({ digits: 8, counter: 1_048_560n })).toEqual({ digits: 8, initialMovingFactor: 1_048_560 });
  });

  it('anything else is KEY_UNSUPPORTED naming the field and why', () => {
    expect(() => fit({ algorithm: 'SHA256' })).toThrow(expect.objectContaining({ code: 'KEY_UNSUPPORTED', details: { field: 'algorithm' } }));
    expect(() => fit({ digits: 7 })).toThrow(expect.objectContaining({ code: 'KEY_UNSUPPORTED', details: { field: 'digits' } }));
    expect(() => fit({ type: 'steam' })).toThrow(/this one is STEAM/);
    // Said for `keys program`, a sync plan and the app alike: "try again", not "program the key again".
    expect(() => fit({ counter: 17n })).toThrow(/counter is 17: take 15 more code\(s\) .*\(the counter is then 32\), then try again$/);
    expect(() => fit({ counter: 1_048_576n })).toThrow(/the highest a slot can start from is 1048560/);
  });
});
