import { createRequire } from 'node:module';
import type * as DBus from 'dbus-next';
import type { Message, MessageBus } from 'dbus-next';

/**
 * SECURITY-NOTES §5 on Linux, where Electron's powerMonitor never reports `lock-screen`: the vault
 * locks when the desktop locks, as told over D-Bus by
 * - logind, on the system bus: our session's `org.freedesktop.login1.Session.Lock` (what
 *   `loginctl lock-session` and the desktops' lock commands send);
 * - the screensaver, on the session bus: `org.freedesktop.ScreenSaver.ActiveChanged(true)` (KDE,
 *   Xfce, most others) and `org.gnome.ScreenSaver.ActiveChanged(true)` (GNOME).
 * Signals are matched with AddMatch rules on interface and member (and, for logind, our session's
 * path), so whichever process owns the service may send them. Nothing here is ever fatal: a missing
 * bus, logind or session just means that source is not watched. Plain Node (dbus-next is pure JS).
 */
export type ScreenLockSource = 'logind' | 'screensaver';

export interface LinuxScreenLockOptions {
  /** The system bus (logind): default `DBUS_SYSTEM_BUS_ADDRESS`, else the standard socket; null skips logind. */
  readonly systemBus?: string | null;
  /** The session bus (screensavers): default `DBUS_SESSION_BUS_ADDRESS`; null (or none set) skips them. */
  readonly sessionBus?: string | null;
  /** Our logind session's object path; by default asked of logind (below). */
  readonly sessionPath?: string;
  /** For that lookup: logind's session id (default `XDG_SESSION_ID`), else our pid (default process.pid). */
  readonly sessionId?: string;
  readonly pid?: number;
  /** How long connecting or one call may take before that source is given up (ms). */
  readonly timeoutMs?: number;
}

/** Stops listening and closes the connections; `ready` says what is being watched (it never rejects). */
export interface ScreenLockWatch {
  (): void;
  readonly ready: Promise<readonly ScreenLockSource[]>;
}

const DBUS = { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus' } as const;
const LOGIND = { destination: 'org.freedesktop.login1', path: '/org/freedesktop/login1', interface: 'org.freedesktop.login1.Manager' } as const;
const SESSION_INTERFACE = 'org.freedesktop.login1.Session';
const SCREENSAVER_INTERFACES = ['org.freedesktop.ScreenSaver', 'org.gnome.ScreenSaver'] as const;
/** A D-Bus object path (so it can go into a match rule as is). */
const OBJECT_PATH = /^\/([A-Za-z0-9_]+(\/[A-Za-z0-9_]+)*)?$/;

export function watchLinuxScreenLock(onLock: () => void, options: LinuxScreenLockOptions = {}): ScreenLockWatch {
  // dbus-next loads with the watch (the app's, at start), not with the service: the CLI never needs it.
  const { Message, MessageType, sessionBus } = createRequire(import.meta.url)('dbus-next') as typeof DBus;
  const timeoutMs = options.timeoutMs ?? 5000;
  const buses: MessageBus[] = [];
  let stopped = false;
  // Read through a call: `stopped` changes across awaits, which the compiler's narrowing can't see.
  const isStopped = (): boolean => stopped;
  const lock = (): void => {
    if (isStopped()) return;
    try {
      onLock();
    } catch {
      // The lock's own failure is the service's to report; a D-Bus message handler is no place for it.
    }
  };

  /** A connected bus, or undefined (no address, refused, timed out, or stopped meanwhile). */
  async function connect(address: string | null | undefined): Promise<MessageBus | undefined> {
    if (address === null || address === undefined || address === '' || isStopped()) return undefined;
    let bus: MessageBus;
    try {
      bus = sessionBus({ busAddress: address });
    } catch {
      return undefined;
    }
    buses.push(bus);
    // A bus that fails or goes away just stops reporting; its errors never reach the process.
    bus.on('error', () => {
      disconnect(bus);
    });
    const connected = await within(
      timeoutMs,
      new Promise<boolean>((resolve) => {
        bus.once('connect', () => {
          resolve(true);
        });
        bus.once('error', () => {
          resolve(false);
        });
      }),
    );
    if (connected !== true || isStopped()) {
      disconnect(bus);
      return undefined;
    }
    return bus;
  }

  async function call(bus: MessageBus, message: Message): Promise<Message | undefined> {
    try {
      return (await within(timeoutMs, bus.call(message))) ?? undefined;
    } catch {
      return undefined;
    }
  }

  async function addMatch(bus: MessageBus, rule: string): Promise<boolean> {
    const reply = await call(bus, new Message({ ...DBUS, member: 'AddMatch', signature: 's', body: [rule] }));
    return reply !== undefined;
  }

  /** Our session's object path: GetSession(XDG_SESSION_ID), else GetSessionByPID, else our user's display session. */
  async function findSession(bus: MessageBus): Promise<string | undefined> {
    const id = options.sessionId ?? process.env['XDG_SESSION_ID'];
    const attempts: Message[] = [];
    if (id !== undefined && id !== '') attempts.push(new Message({ ...LOGIND, member: 'GetSession', signature: 's', body: [id] }));
    attempts.push(new Message({ ...LOGIND, member: 'GetSessionByPID', signature: 'u', body: [options.pid ?? process.pid] }));
    for (const message of attempts) {
      const path: unknown = (await call(bus, message))?.body[0];
      if (typeof path === 'string' && OBJECT_PATH.test(path)) return path;
    }
    const display: unknown = (
      await call(
        bus,
        new Message({
          destination: LOGIND.destination,
          path: '/org/freedesktop/login1/user/self',
          interface: 'org.freedesktop.DBus.Properties',
          member: 'Get',
          signature: 'ss',
          body: ['org.freedesktop.login1.User', 'Display'],
        }),
      )
    )?.body[0];
    // A variant of (so): the session id and its object path; "/" when the user has no display session.
    const value: unknown = typeof display === 'object' && display !== null ? (display as { value?: unknown }).value : undefined;
    const path: unknown = Array.isArray(value) ? value[1] : undefined;
    return typeof path === 'string' && path !== '/' && OBJECT_PATH.test(path) ? path : undefined;
  }

  async function watchLogind(): Promise<boolean> {
    const address = options.systemBus === undefined ? (process.env['DBUS_SYSTEM_BUS_ADDRESS'] ?? 'unix:path=/var/run/dbus/system_bus_socket') : options.systemBus;
    const bus = await connect(address);
    if (bus === undefined) return false;
    const path = options.sessionPath ?? (await findSession(bus));
    if (path === undefined || !OBJECT_PATH.test(path) || isStopped()) {
      disconnect(bus);
      return false;
    }
    bus.on('message', (message) => {
      if (message.type === MessageType.SIGNAL && message.interface === SESSION_INTERFACE && message.member === 'Lock' && message.path === path) lock();
    });
    if (await addMatch(bus, `type='signal',interface='${SESSION_INTERFACE}',member='Lock',path='${path}'`)) return true;
    disconnect(bus);
    return false;
  }

  async function watchScreensavers(): Promise<boolean> {
    const address = options.sessionBus === undefined ? process.env['DBUS_SESSION_BUS_ADDRESS'] : options.sessionBus;
    const bus = await connect(address);
    if (bus === undefined) return false;
    bus.on('message', (message) => {
      if (
        message.type === MessageType.SIGNAL &&
        (SCREENSAVER_INTERFACES as readonly string[]).includes(message.interface) &&
        message.member === 'ActiveChanged' &&
        message.body[0] === true
      ) {
        lock();
      }
    });
    const matched = await Promise.all(SCREENSAVER_INTERFACES.map((iface) => addMatch(bus, `type='signal',interface='${iface}',member='ActiveChanged'`)));
    if (matched.some(Boolean)) return true;
    disconnect(bus);
    return false;
  }

  function disconnect(bus: MessageBus): void {
    try {
      bus.disconnect();
    } catch {
      // Already closed.
    }
  }

  const ready = Promise.all([watchLogind().catch(() => false), watchScreensavers().catch(() => false)]).then(([logind, screensaver]) => {
    const sources: ScreenLockSource[] = [];
    if (logind && !isStopped()) sources.push('logind');
    if (screensaver && !isStopped()) sources.push('screensaver');
    return sources;
  });

  const stop = (): void => {
    stopped = true;
    for (const bus of buses.splice(0)) disconnect(bus);
  };
  return Object.assign(stop, { ready });
}

/** The promise's value, or undefined when it takes longer than `ms` (the timer never outlives it). */
async function within<T>(ms: number, promise: Promise<T>): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => {
        // Unreferenced: a give-up timer alone never keeps the process alive (the sockets do while open).
        timer = setTimeout(() => {
          resolve(undefined);
        }, ms);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
