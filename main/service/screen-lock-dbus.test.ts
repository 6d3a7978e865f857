import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { Message, sessionBus, type MessageBus } from 'dbus-next';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { watchLinuxScreenLock, type ScreenLockWatch } from './screen-lock-dbus.js';

/**
 * Against a private dbus-daemon started here (Debian package `dbus`): signals sent by `dbus-send`,
 * as the desktop's screensaver or logind would send them, lock; others don't. The one daemon plays
 * both the session bus and the "system" bus (where a fake logind answers the session lookup).
 */
const DBUS_DAEMON = '/usr/bin/dbus-daemon';
const run = promisify(execFile);
const SESSION_PATH = '/org/freedesktop/login1/session/c7';

describe.skipIf(!existsSync(DBUS_DAEMON))('Linux screen lock over D-Bus (private dbus-daemon)', () => {
  let dir: string;
  let daemon: ChildProcess;
  let address: string;
  const watches: ScreenLockWatch[] = [];
  const peers: MessageBus[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-dbus-'));
    daemon = spawn(DBUS_DAEMON, ['--session', '--print-address', '--nofork', `--address=unix:path=${join(dir, 'bus')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    const { stdout, stderr } = daemon;
    if (stdout === null || stderr === null) throw new Error('no output from dbus-daemon');
    // Its warnings (e.g. "Failed to set fd limit" as root) are kept for the failure message only.
    let warnings = '';
    stderr.on('data', (chunk: Buffer) => (warnings += chunk.toString()));
    const lines = createInterface({ input: stdout });
    address = await new Promise<string>((resolve, reject) => {
      lines.once('line', (line) => {
        resolve(line.trim());
      });
      daemon.once('exit', (code) => {
        reject(new Error(`dbus-daemon exited (${String(code)}): ${warnings}`));
      });
    });
  });

  afterEach(() => {
    for (const stop of watches.splice(0)) stop();
    for (const peer of peers.splice(0)) peer.disconnect();
  });

  afterAll(async () => {
    if (daemon.exitCode === null) {
      const exited = new Promise((resolve) => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  function watch(options: Parameters<typeof watchLinuxScreenLock>[1]): { locks: () => number; watcher: ScreenLockWatch } {
    let count = 0;
    const watcher = watchLinuxScreenLock(() => count++, { timeoutMs: 3000, ...options });
    watches.push(watcher);
    return { locks: () => count, watcher };
  }

  /** `dbus-send --session` (the bus from the environment), or `--bus=` for the "system" one. */
  async function send(bus: 'session' | 'system', ...args: string[]): Promise<void> {
    const target = bus === 'session' ? '--session' : `--bus=${address}`;
    await run('dbus-send', [target, '--type=signal', ...args], { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address } });
  }

  /** Resolves once `locks()` reaches `count`, then checks no extra lock arrives a moment later. */
  async function expectLocks(locks: () => number, count: number): Promise<void> {
    await vi.waitFor(() => {
      expect(locks()).toBeGreaterThanOrEqual(count);
    }, { timeout: 3000, interval: 10 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(locks()).toBe(count);
  }

  /** A stand-in for logind on the private bus, answering the session lookups it is given. */
  async function fakeLogind(answer: (message: Message) => Message | undefined): Promise<void> {
    const bus = sessionBus({ busAddress: address });
    peers.push(bus);
    await new Promise<void>((resolve) => bus.once('connect', resolve));
    await bus.requestName('org.freedesktop.login1', 0);
    bus.addMethodHandler((message: Message) => {
      const reply = answer(message);
      if (reply !== undefined) bus.send(reply);
      return reply !== undefined;
    });
  }

  it('locks on org.freedesktop.ScreenSaver ActiveChanged(true), not on ActiveChanged(false)', async () => {
    const { locks, watcher } = watch({ systemBus: null, sessionBus: address });
    expect(await watcher.ready).toEqual(['screensaver']);
    await send('session', '/org/freedesktop/ScreenSaver', 'org.freedesktop.ScreenSaver.ActiveChanged', 'boolean:false');
    await send('session', '/org/freedesktop/ScreenSaver', 'org.freedesktop.ScreenSaver.ActiveChanged', 'boolean:true');
    await expectLocks(locks, 1);
  });

  it('locks on org.gnome.ScreenSaver ActiveChanged(true), whatever the path and sender', async () => {
    const { locks, watcher } = watch({ systemBus: null, sessionBus: address });
    await watcher.ready;
    await send('session', '/org/gnome/ScreenSaver', 'org.gnome.ScreenSaver.ActiveChanged', 'boolean:false');
    await send('session', '/org/gnome/ScreenSaver', 'org.gnome.ScreenSaver.ActiveChanged', 'boolean:true');
    await send('session', '/elsewhere', 'org.gnome.ScreenSaver.ActiveChanged', 'boolean:true');
    await expectLocks(locks, 2);
  });

  it('ignores other signals of the same name', async () => {
    const { locks, watcher } = watch({ systemBus: null, sessionBus: address });
    await watcher.ready;
    await send('session', '/org/freedesktop/ScreenSaver', 'org.example.ScreenSaver.ActiveChanged', 'boolean:true');
    await send('session', '/org/freedesktop/ScreenSaver', 'org.freedesktop.ScreenSaver.WakeUpScreen');
    await send('session', '/org/freedesktop/ScreenSaver', 'org.freedesktop.ScreenSaver.ActiveChanged', 'string:true');
    await send('session', '/org/freedesktop/ScreenSaver', 'org.freedesktop.ScreenSaver.ActiveChanged', 'boolean:true');
    await expectLocks(locks, 1);
  });

  it("locks on logind's Lock for our session, not for another session", async () => {
    const { locks, watcher } = watch({ systemBus: address, sessionBus: null, sessionPath: SESSION_PATH });
    expect(await watcher.ready).toEqual(['logind']);
    await send('system', '/org/freedesktop/login1/session/c8', 'org.freedesktop.login1.Session.Lock');
    await send('system', SESSION_PATH, 'org.freedesktop.login1.Session.Unlock');
    await send('system', SESSION_PATH, 'org.freedesktop.login1.Session.Lock');
    await expectLocks(locks, 1);
  });

  it('finds our session with GetSession(XDG_SESSION_ID)', async () => {
    const asked: string[] = [];
    await fakeLogind((message) => {
      asked.push(`${message.member}(${String(message.body[0])})`);
      return message.member === 'GetSession' && message.body[0] === 'c7' ? Message.newMethodReturn(message, 'o', [SESSION_PATH]) : undefined;
    });
    const { locks, watcher } = watch({ systemBus: address, sessionBus: null, sessionId: 'c7' });
    expect(await watcher.ready).toEqual(['logind']);
    expect(asked).toEqual(['GetSession(c7)']);
    await send('system', '/org/freedesktop/login1/session/c8', 'org.freedesktop.login1.Session.Lock');
    await send('system', SESSION_PATH, 'org.freedesktop.login1.Session.Lock');
    await expectLocks(locks, 1);
  });

  it('falls back to GetSessionByPID without a session id', async () => {
    await fakeLogind((message) =>
      message.member === 'GetSessionByPID' && message.body[0] === 4242 ? Message.newMethodReturn(message, 'o', [SESSION_PATH]) : undefined,
    );
    const { locks, watcher } = watch({ systemBus: address, sessionBus: null, sessionId: '', pid: 4242 });
    expect(await watcher.ready).toEqual(['logind']);
    await send('system', SESSION_PATH, 'org.freedesktop.login1.Session.Lock');
    await expectLocks(locks, 1);
  });

  it('skips logind quietly when it is not there (and still watches the screensaver)', async () => {
    const { locks, watcher } = watch({ systemBus: address, sessionBus: address, sessionId: 'c7', pid: 4242 });
    expect(await watcher.ready).toEqual(['screensaver']);
    await send('system', SESSION_PATH, 'org.freedesktop.login1.Session.Lock');
    await send('session', '/org/freedesktop/ScreenSaver', 'org.freedesktop.ScreenSaver.ActiveChanged', 'boolean:true');
    await expectLocks(locks, 1);
  });

  it('watches both at once, and nothing after stop', async () => {
    const { locks, watcher } = watch({ systemBus: address, sessionBus: address, sessionPath: SESSION_PATH });
    expect(await watcher.ready).toEqual(['logind', 'screensaver']);
    await send('system', SESSION_PATH, 'org.freedesktop.login1.Session.Lock');
    await send('session', '/org/freedesktop/ScreenSaver', 'org.freedesktop.ScreenSaver.ActiveChanged', 'boolean:true');
    await expectLocks(locks, 2);
    watcher();
    await send('system', SESSION_PATH, 'org.freedesktop.login1.Session.Lock');
    await send('session', '/org/freedesktop/ScreenSaver', 'org.freedesktop.ScreenSaver.ActiveChanged', 'boolean:true');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(locks()).toBe(2);
  });

  it('closes its connections on stop (the daemon sees them go)', async () => {
    const before = await listNames();
    const { watcher } = watch({ systemBus: address, sessionBus: address, sessionPath: SESSION_PATH });
    await watcher.ready;
    expect((await listNames()).length).toBe(before.length + 2);
    watcher();
    await vi.waitFor(async () => {
      expect((await listNames()).length).toBe(before.length);
    }, { timeout: 3000, interval: 20 });
  });

  it('an onLock that throws does not break the watch', async () => {
    let calls = 0;
    const watcher = watchLinuxScreenLock(
      () => {
        calls++;
        throw new Error('boom');
      },
      { systemBus: null, sessionBus: address },
    );
    watches.push(watcher);
    await watcher.ready;
    await send('session', '/org/freedesktop/ScreenSaver', 'org.freedesktop.ScreenSaver.ActiveChanged', 'boolean:true');
    await send('session', '/org/gnome/ScreenSaver', 'org.gnome.ScreenSaver.ActiveChanged', 'boolean:true');
    await expectLocks(() => calls, 2);
  });

  /** The bus's unique connection names (":1.n"), as the daemon sees them. */
  async function listNames(): Promise<string[]> {
    const { stdout } = await run('dbus-send', [`--bus=${address}`, '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.ListNames']);
    return [...stdout.matchAll(/string "(:[^"]+)"/g)].map((match) => match[1] ?? '');
  }
});

describe('Linux screen lock without a bus', () => {
  it.each([
    ['a socket that does not exist', { systemBus: 'unix:path=/nonexistent/latchkey/bus', sessionBus: 'unix:path=/nonexistent/latchkey/session' }],
    ['addresses that are not addresses', { systemBus: 'nonsense', sessionBus: 'tcp:' }],
    ['no buses at all', { systemBus: null, sessionBus: null }],
  ])('%s: watches nothing, throws nothing, and stops cleanly', async (_name, options) => {
    const locks = vi.fn();
    const watcher = watchLinuxScreenLock(locks, { ...options, timeoutMs: 1000 });
    expect(await watcher.ready).toEqual([]);
    watcher();
    expect(locks).not.toHaveBeenCalled();
  });

  it('can be stopped before it is ready', async () => {
    const watcher = watchLinuxScreenLock(() => undefined, { systemBus: 'unix:path=/nonexistent/latchkey/bus', sessionBus: null, timeoutMs: 1000 });
    watcher();
    expect(await watcher.ready).toEqual([]);
  });
});
