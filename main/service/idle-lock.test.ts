import { describe, expect, it } from 'vitest';
import { testClock } from '../vault/test-support/test-runtime.js';
import { LatchkeyError } from '../../shared/errors.js';
import { SETTINGS_LIMITS } from '../../shared/settings-api.js';
import { FALLBACK_LIMIT_MS, IdleLock } from './idle-lock.js';
import { manualTimers } from './test-support/manual-timers.js';

const MINUTE = 60_000;

/** An IdleLock over a pretend vault: `unlocked` flips to false when it locks. */
function setup(options: { idleSeconds?: () => number; limitMs?: () => number } = {}) {
  const clock = testClock();
  const manual = manualTimers(clock);
  const state = { unlocked: false, locks: 0, limitMs: 5 * MINUTE };
  const errors: unknown[] = [];
  const idle = new IdleLock({
    clock,
    timers: manual.timers,
    limitMs: () => state.limitMs,
    ...options,
    isUnlocked: () => state.unlocked,
    lock: () => {
      state.unlocked = false;
      state.locks++;
      idle.stop();
    },
    onError: (error) => errors.push(error),
  });
  const unlock = () => {
    state.unlocked = true;
    idle.noteUnlock();
  };
  return { clock, manual, state, idle, unlock, errors };
}

describe('IdleLock', () => {
  it('locks when the limit is reached, not a millisecond before, with one one-shot timer', () => {
    const { manual, state, unlock } = setup();
    unlock();
    expect(manual.count()).toBe(1);
    manual.advance(5 * MINUTE - 1);
    expect(state).toMatchObject({ unlocked: true, locks: 0 });
    manual.advance(1);
    expect(state).toMatchObject({ unlocked: false, locks: 1 });
    expect(manual.count()).toBe(0);
  });

  it('activity postpones the lock, moving the one timer instead of adding one', () => {
    const { manual, state, idle, unlock } = setup();
    unlock();
    manual.advance(4 * MINUTE);
    idle.noteActivity();
    expect(manual.count()).toBe(1);
    manual.advance(4 * MINUTE);
    expect(state.unlocked).toBe(true);
    manual.advance(MINUTE);
    expect(state.unlocked).toBe(false);
  });

  it('a new limit applies to the idleness already counted', () => {
    const { manual, state, idle, unlock } = setup();
    unlock();
    manual.advance(2 * MINUTE);
    state.limitMs = 3 * MINUTE;
    idle.rearm();
    manual.advance(MINUTE - 1);
    expect(state.unlocked).toBe(true);
    manual.advance(1);
    expect(state.unlocked).toBe(false);

    unlock();
    state.limitMs = 60 * MINUTE;
    idle.rearm();
    manual.advance(59 * MINUTE);
    expect(state.unlocked).toBe(true);
  });

  it('arms nothing while locked, and nothing ticks while it waits', () => {
    const { manual, state, idle, unlock } = setup();
    idle.noteActivity();
    idle.rearm();
    expect(manual.count()).toBe(0);
    unlock();
    expect(manual.dueTimes()).toHaveLength(1);
    manual.advance(5 * MINUTE);
    expect(state.locks).toBe(1);
    idle.noteActivity();
    expect(manual.count()).toBe(0);
  });

  it('lockIfIdle locks a request that comes after the limit, even when the timer has not run', () => {
    const { clock, state, idle, unlock } = setup();
    unlock();
    expect(idle.lockIfIdle()).toBe(false);
    clock.advance(5 * MINUTE);
    expect(idle.lockIfIdle()).toBe(true);
    expect(state.unlocked).toBe(false);
    expect(idle.lockIfIdle()).toBe(false);
  });

  it("with a working system counter: input elsewhere keeps it open, and the timer waits for the rest", () => {
    let systemIdle = 0;
    const { clock, manual, state, idle, unlock } = setup({ idleSeconds: () => systemIdle });
    unlock();
    // The user reads the screen for two minutes (a request sees the counter at 120 s: it works)...
    manual.advance(2 * MINUTE);
    systemIdle = 120;
    expect(idle.lockIfIdle()).toBe(false);
    // ...then works in another app: at 5 minutes the timer fires, sees 60 s of idleness, waits 4 min more.
    manual.advance(2 * MINUTE);
    systemIdle = 60;
    manual.advance(MINUTE);
    expect(state.unlocked).toBe(true);
    expect(manual.dueTimes()).toEqual([clock.now() + 4 * MINUTE]);
    // Still busy elsewhere an hour later: still open.
    for (let i = 0; i < 12; i++) {
      systemIdle = 3;
      manual.advance(5 * MINUTE);
    }
    expect(state.unlocked).toBe(true);
    // Then the user leaves: locked once the system has seen no input for the limit.
    systemIdle = 0;
    manual.advance(5 * MINUTE);
    expect(state.unlocked).toBe(true);
    systemIdle = 5 * 60;
    manual.advance(5 * MINUTE);
    expect(state.unlocked).toBe(false);
  });

  it('a system counter that is always 0 (Wayland, electron#34826) is taken as unsupported: it locks at the limit', () => {
    const { clock, manual, state, idle, unlock } = setup({ idleSeconds: () => 0 });
    unlock();
    expect(manual.dueTimes()).toEqual([clock.now() + 5 * MINUTE]);
    manual.advance(5 * MINUTE - 1);
    expect(state.unlocked).toBe(true);
    manual.advance(1);
    expect(state).toMatchObject({ unlocked: false, locks: 1 });

    // app.activity still postpones, and a request after the limit finds it locked even before the timer.
    unlock();
    manual.advance(4 * MINUTE);
    idle.noteActivity();
    expect(manual.dueTimes()).toEqual([clock.now() + 5 * MINUTE]);
    manual.advance(4 * MINUTE);
    expect(state.unlocked).toBe(true);
    clock.advance(MINUTE);
    expect(idle.lockIfIdle()).toBe(true);
    expect(state.locks).toBe(2);
  });

  it('the counter is judged again at each unlock: a reading above 60 s before a lock does not carry over', () => {
    let systemIdle = 10 * 60;
    const { manual, state, idle, unlock } = setup({ idleSeconds: () => systemIdle });
    unlock();
    expect(idle.lockIfIdle()).toBe(false);
    manual.advance(5 * MINUTE);
    expect(state.locks).toBe(1);
    // Now stuck at 0 (or the user is busy elsewhere, never seen idle above 60 s): locks at the limit.
    systemIdle = 0;
    unlock();
    manual.advance(5 * MINUTE);
    expect(state.locks).toBe(2);
  });

  it('a counter never seen above 60 s since the unlock locks at the limit even if the user is busy elsewhere (fails closed)', () => {
    const { manual, state, unlock } = setup({ idleSeconds: () => 60 });
    unlock();
    manual.advance(5 * MINUTE - 1);
    expect(state.unlocked).toBe(true);
    manual.advance(1);
    expect(state.unlocked).toBe(false);
  });

  it('a system idle time that cannot be read, or is not a number, counts as no counter', () => {
    const { manual, state, unlock, errors } = setup({
      idleSeconds: () => {
        throw new Error('powerMonitor gone');
      },
    });
    unlock();
    manual.advance(5 * MINUTE);
    expect(state.unlocked).toBe(false);
    expect(errors.length).toBeGreaterThan(0);

    const nan = setup({ idleSeconds: () => Number.NaN });
    nan.unlock();
    nan.manual.advance(5 * MINUTE);
    expect(nan.state.unlocked).toBe(false);
  });

  it('with the system idle time, the unlock itself still counts as input', () => {
    const { manual, state, unlock } = setup({ idleSeconds: () => 3600 });
    unlock();
    manual.advance(5 * MINUTE - 1);
    expect(state.unlocked).toBe(true);
    manual.advance(1);
    expect(state.unlocked).toBe(false);
  });

  it('a wall clock stepped backwards does not postpone the lock: the last activity is taken as now', () => {
    const { clock, manual, state, idle, unlock } = setup();
    unlock();
    manual.advance(3 * MINUTE);
    // NTP (or the user) moves the clock back an hour.
    clock.advance(-60 * MINUTE);
    // A request now counts idleness from now, not from an activity an hour "in the future".
    expect(idle.lockIfIdle()).toBe(false);
    idle.rearm();
    expect(manual.dueTimes()).toEqual([clock.now() + 5 * MINUTE]);
    clock.advance(5 * MINUTE - 1);
    expect(idle.lockIfIdle()).toBe(false);
    clock.advance(1);
    expect(idle.lockIfIdle()).toBe(true);
    expect(state.unlocked).toBe(false);
  });

  it('a wall clock stepped backwards with a stuck system counter still locks after the limit', () => {
    const { clock, manual, state, idle, unlock } = setup({ idleSeconds: () => 0 });
    unlock();
    manual.advance(2 * MINUTE);
    clock.advance(-30 * MINUTE);
    idle.rearm();
    expect(manual.dueTimes()).toEqual([clock.now() + 5 * MINUTE]);
    manual.advance(5 * MINUTE);
    expect(state.unlocked).toBe(false);
  });

  it('settings that cannot be read (a busy vault) give the shortest limit, from the unlock on, and never throw', () => {
    const busy = () => {
      throw new LatchkeyError('VAULT_IN_USE', 'the vault is in use by another process');
    };
    const { clock, manual, state, idle, unlock, errors } = setup({ limitMs: busy });
    expect(() => {
      unlock();
    }).not.toThrow();
    expect(manual.dueTimes()).toEqual([clock.now() + FALLBACK_LIMIT_MS]);
    expect(FALLBACK_LIMIT_MS).toBe(SETTINGS_LIMITS.autoLockMinutesMin * MINUTE);
    clock.advance(FALLBACK_LIMIT_MS - 1);
    expect(idle.lockIfIdle()).toBe(false);
    idle.noteActivity();
    manual.advance(FALLBACK_LIMIT_MS);
    expect(state.unlocked).toBe(false);
    // Expected errors (a busy vault) are not reported as bugs; anything else would be.
    expect(errors).toEqual([]);
  });

  it('a limit that throws something unexpected, or is not a number, is reported and falls back too', () => {
    let limit = (): number => {
      throw new Error('a bug');
    };
    const { manual, state, unlock, errors } = setup({ limitMs: () => limit() });
    unlock();
    manual.advance(FALLBACK_LIMIT_MS);
    expect(state.unlocked).toBe(false);
    expect(errors.length).toBeGreaterThan(0);
    limit = () => Number.NaN;
    unlock();
    manual.advance(FALLBACK_LIMIT_MS);
    expect(state.locks).toBe(2);
  });

  it('a limit readable again later applies again: the fallback timer waits for the rest', () => {
    let readable = false;
    const { clock, manual, state, unlock } = setup({
      limitMs: () => {
        if (!readable) throw new LatchkeyError('VAULT_IN_USE', 'busy');
        return 5 * MINUTE;
      },
    });
    unlock();
    readable = true;
    manual.advance(FALLBACK_LIMIT_MS);
    expect(state.unlocked).toBe(true);
    expect(manual.dueTimes()).toEqual([clock.now() + 5 * MINUTE - FALLBACK_LIMIT_MS]);
    manual.advance(5 * MINUTE - FALLBACK_LIMIT_MS);
    expect(state.unlocked).toBe(false);
  });

  it('fails closed if reading the limit throws in its timer', () => {
    const { manual, state, unlock } = setup();
    unlock();
    Object.defineProperty(state, 'limitMs', {
      get: () => {
        throw new Error('settings unreadable');
      },
    });
    expect(() => {
      manual.advance(5 * MINUTE);
    }).not.toThrow();
    expect(state.unlocked).toBe(false);
  });
});
