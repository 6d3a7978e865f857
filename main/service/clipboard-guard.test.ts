import { describe, expect, it } from 'vitest';
import { testClock } from '../vault/test-support/test-runtime.js';
import type { Timers } from './backup/auto-backup.js';
import { slowClipboard } from './test-support/slow-clipboard.js';
import { ClipboardGuard } from './clipboard-guard.js';

function setup() {
  const clock = testClock(1_700_000_000_000);
  const board = { text: '', concealed: false };
  let delayMs = 30_000;
  const timers: { at: number; run: () => void }[] = [];
  const fake: Timers = {
    setTimeout: (run, ms) => timers.push({ at: clock.now() + ms, run }),
    clearTimeout: (handle) => {
      timers.splice((handle as number) - 1, 1, { at: Infinity, run: () => undefined });
    },
  };
  const write = (text: string, { concealed }: { concealed: boolean }) => {
    Object.assign(board, { text, concealed });
  };
  const guard = new ClipboardGuard({ write, read: () => board.text }, clock, fake, () => delayMs);
  const advance = async (ms: number) => {
    clock.advance(ms);
    for (const timer of timers) if (timer.at <= clock.now()) {
      timer.at = Infinity;
      timer.run();
    }
    await Promise.resolve();
  };
  const setDelay = (ms: number) => {
    delayMs = ms;
  };
  return { clock, board, guard, advance, setDelay };
}

describe('ClipboardGuard', () => {
  it('copies as concealed and clears after 30 s', async () => {
    const { board, guard, advance, clock } = setup();
    expect(await guard.copy('123456', null)).toBe(clock.now() + 30_000);
    expect(board).toEqual({ text: '123456', concealed: true });
    await advance(29_999);
    expect(board.text).toBe('123456');
    await advance(1);
    expect(board.text).toBe('');
  });

  it('clears when the code expires, if that is sooner', async () => {
    const { board, guard, advance, clock } = setup();
    await guard.copy('654321', clock.now() + 5_000);
    await advance(5_000);
    expect(board.text).toBe('');
  });

  it('never clears what the user copied since', async () => {
    const { board, guard, advance } = setup();
    await guard.copy('111111', null);
    board.text = 'a recipe';
    await advance(30_000);
    expect(board.text).toBe('a recipe');
    await guard.clearIfOurs();
    expect(board.text).toBe('a recipe');
  });

  it('clears at once on lock (clearIfOurs)', async () => {
    const { board, guard } = setup();
    await guard.copy('222222', null);
    await guard.clearIfOurs();
    expect(board.text).toBe('');
  });

  it('settled() waits for a clear whose clipboard read is asynchronous, and never rejects', async () => {
    const clock = testClock();
    const { board, clipboard, answerRead } = slowClipboard();
    const timers: Timers = { setTimeout: () => 0, clearTimeout: () => undefined };
    const guard = new ClipboardGuard(
      clipboard,
      clock,
      timers,
    );
    await guard.copy('555555', null);
    void guard.clearIfOurs();
    let settled = false;
    void guard.settled().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(board.text).toBe('555555');
    answerRead();
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(true);
    expect(board.text).toBe('');

    // A clear that fails: its caller sees the error, settled() still resolves.
    const failing = new ClipboardGuard({ write: () => undefined, read: () => Promise.reject(new Error('no clipboard')) }, clock, timers);
    await failing.copy('666666', null);
    await expect(failing.clearIfOurs()).rejects.toThrow('no clipboard');
    await expect(failing.settled()).resolves.toBeUndefined();
  });

  it('reads the delay at each copy (the user may change it in between)', async () => {
    const { board, guard, advance, clock, setDelay } = setup();
    setDelay(5_000);
    expect(await guard.copy('333333', null)).toBe(clock.now() + 5_000);
    await advance(5_000);
    expect(board.text).toBe('');
    setDelay(600_000);
    expect(await guard.copy('444444', null)).toBe(clock.now() + 600_000);
    await advance(599_999);
    expect(board.text).toBe('444444');
  });
});
