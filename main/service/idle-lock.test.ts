import { describe, expect, it } from 'vitest';
import { testClock } from '../vault/test-support/test-runtime.js';
import { IdleLock } from './idle-lock.js';
import { manualTimers } from './test-support/manual-timers.js';

const MINUTE = 60_000;

/** An IdleLock over a pretend vault: `unlocked` flips to false when it locks. */
function setup(options: { idleSeconds?: () => number } = {}) {
  const clock = testClock();
  const manual = manualTimers(clock);
  const state = { unlocked: false, locks: 0, limitMs: 5 * MINUTE };
  const idle = new IdleLock({
    clock,
    timers: manual.timers,
    ...options,
    limitMs: () => state.limitMs,
    isUnlocked: () => state.unlocked,
    lock: () => {
      state.unlocked = false;
      state.locks++;
      idle.stop();
    },
  });
  const unlock = () => {
    state.unlocked = true;
    idle.noteActivity();
  };
  return { clock, manual, state, idle, unlock };
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

  it("with the system's idle time: input elsewhere keeps it open, and the timer waits for the rest", () => {
    let systemIdle = 0;
    const { clock, manual, state, unlock } = setup({ idleSeconds: () => systemIdle });
    unlock();
    // The user works in another app for 5 minutes: the timer fires, sees 60 s of idleness, waits 4 min more.
    manual.advance(4 * MINUTE);
    systemIdle = 60;
    manual.advance(MINUTE);
    expect(state.unlocked).toBe(true);
    expect(manual.dueTimes()).toEqual([clock.now() + 4 * MINUTE]);
    systemIdle = 5 * 60;
    manual.advance(4 * MINUTE);
    expect(state.unlocked).toBe(false);
  });

  it('with the system idle time, the unlock itself still counts as input', () => {
    const { manual, state, unlock } = setup({ idleSeconds: () => 3600 });
    unlock();
    manual.advance(5 * MINUTE - 1);
    expect(state.unlocked).toBe(true);
    manual.advance(1);
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
