import { describe, expect, it } from 'vitest';
import { ENDING_MS, nextChangeAt } from './useLiveAccounts.js';

const at = (seconds: number | null) => ({ validUntil: seconds });

describe('nextChangeAt: the one timer of the list', () => {
  it('wakes when the soonest row enters its last seconds, then at its boundary', () => {
    const accounts = [at(1_030), at(1_060), at(null)];
    expect(nextChangeAt(accounts, 1_010_000, 0)).toBe(1_030_000 - ENDING_MS);
    expect(nextChangeAt(accounts, 1_030_000 - ENDING_MS, 0)).toBe(1_030_000);
    expect(nextChangeAt(accounts, 1_027_000, 0)).toBe(1_030_000);
  });

  it('never when no code is timed (HOTP only, or no accounts)', () => {
    expect(nextChangeAt([at(null)], 1_000_000, 0)).toBeUndefined();
    expect(nextChangeAt([], 1_000_000, 0)).toBeUndefined();
  });

  it('a window already ended (main behind the page): at the retry, or now when it is due', () => {
    expect(nextChangeAt([at(1_000), at(1_060)], 1_001_000, 1_004_000)).toBe(1_004_000);
    expect(nextChangeAt([at(1_000), at(1_060)], 1_001_000, 0)).toBe(1_001_000);
  });
});
