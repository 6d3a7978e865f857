import { describe, expect, it } from 'vitest';
import { guardQuit, QUIT_TIMEOUT_MS, type QuittingApp } from './quit-guard.js';

/** Electron's app as far as the quit goes: `quit()` emits before-quit, and quits unless a listener prevents it. */
function fakeApp() {
  let listener: ((event: { preventDefault(): void }) => void) | undefined;
  const state = { quitCalls: 0, quit: false };
  const app: QuittingApp = {
    on: (_event, handler) => {
      listener = handler;
    },
    quit: () => {
      state.quitCalls++;
      const event = {
        prevented: false,
        preventDefault() {
          this.prevented = true;
        },
      };
      listener?.(event);
      if (!event.prevented) state.quit = true;
    },
  };
  return { app, state };
}

function manual() {
  const pending: (() => void)[] = [];
  return {
    timers: {
      setTimeout: (run: () => void) => pending.push(run),
      clearTimeout: () => undefined,
    },
    fire: () => {
      for (const run of pending.splice(0)) run();
    },
  };
}

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('guardQuit', () => {
  it('holds the first quit back until the shutdown (lock + clipboard clear) is done, then quits', async () => {
    const { app, state } = fakeApp();
    const shutdown = deferred();
    const order: string[] = [];
    guardQuit(app, {
      shutdown: () => {
        order.push('shutdown');
        return shutdown.promise;
      },
      onQuitting: () => order.push('quitting'),
      timers: manual().timers,
    });
    app.quit();
    expect(state.quit).toBe(false);
    await tick();
    expect(order).toEqual(['quitting', 'shutdown']);
    // A second quit meanwhile waits for the same shutdown; it does not start another.
    app.quit();
    await tick();
    expect(state.quit).toBe(false);
    expect(order).toEqual(['quitting', 'shutdown']);
    shutdown.resolve();
    await tick();
    expect(state.quit).toBe(true);
  });

  it('quits anyway when the shutdown fails, and says why', async () => {
    const { app, state } = fakeApp();
    const errors: unknown[] = [];
    guardQuit(app, {
      shutdown: () => {
        throw new Error('clipboard gone');
      },
      onError: (error) => errors.push(error),
      timers: manual().timers,
    });
    app.quit();
    await tick();
    expect(state.quit).toBe(true);
    expect(errors).toEqual([new Error('clipboard gone')]);
  });

  it('quits anyway after the timeout when the clipboard never answers', async () => {
    const { app, state } = fakeApp();
    const time = manual();
    const errors: unknown[] = [];
    guardQuit(app, { shutdown: () => new Promise<void>(() => undefined), onError: (error) => errors.push(error), timers: time.timers });
    app.quit();
    await tick();
    expect(state.quit).toBe(false);
    time.fire();
    await tick();
    expect(state.quit).toBe(true);
    expect(String(errors[0])).toContain(String(QUIT_TIMEOUT_MS));
  });
});
