import { dirname, join } from 'node:path';
import { channels, isChannel, type Channel } from '../../shared/api.js';
import { backupChannels } from '../../shared/backup-api.js';
import { enrollChannels } from '../../shared/enroll-api.js';
import { exportChannels } from '../../shared/export-api.js';
import { importChannels } from '../../shared/import-api.js';
import { keysChannels } from '../../shared/keys-api.js';
import { keysSyncChannels } from '../../shared/keys-sync-api.js';
import { LatchkeyError } from '../../shared/errors.js';
import type { EventListener, EventName, EventOf } from '../../shared/events.js';
import type { ReplyEnvelope } from '../../shared/wire.js';
import type { DeriveKey, KdfParams } from '../vault/index.js';
import type { HandlerDeps, HandlerTable } from './handler-types.js';
import { AutoBackup, systemTimers, type Timers } from './backup/auto-backup.js';
import type { ScreenCapture } from './capture.js';
import { ClipboardGuard, type Clipboard } from './clipboard-guard.js';
import { autoBackupHandlers } from './handlers/auto-backup.js';
import { codePreviewHandlers } from './handlers/code-preview.js';
import { damagedRowHandlers } from './handlers/damaged-rows.js';
import { desktopHandlers } from './handlers/desktop.js';
import { chooseCodeTyper, type TyperChoice } from './desktop/code-typer.js';
import { desktopShell, type DesktopDeps } from './desktop/desktop.js';
import { DesktopIntegration } from './desktop/desktop-integration.js';
import { DesktopPreferencesFile } from './desktop/desktop-preferences.js';
import type { AccountsChannel } from './handlers/accounts.js';
import type { KeysDeps } from './handlers/keys.js';
import { KeyResponders } from './key-responders.js';
import { lazyHandlers } from './lazy-handlers.js';
import { passwordHandlers } from './handlers/password.js';
import { settingsHandlers } from './handlers/settings.js';
import { vaultHandlers } from './handlers/vault.js';
import { vaultKeySlotHandlers } from './handlers/vault-key-slots.js';
import { keyringHandlers } from './handlers/keyring.js';
import { IdleLock } from './idle-lock.js';
import { defaultVaultPath } from './paths.js';
import { RemovalUndo } from './removal-undo.js';
import { schemaError } from './schema-errors.js';
import { SettingsStore } from './settings-store.js';
import type { UserPrompts } from './user-prompts.js';
import { VaultHost } from './vault-host.js';
import { watchVaultWrites } from './vault-change-watch.js';
import { Operations, type Operation } from './operations.js';

/** Something that decides when to lock (suspend, screen lock); it calls `lock` then. Idleness is the service's own. */
export interface LockPolicy {
  start(lock: () => void): void;
}

export interface ServiceDeps extends HandlerDeps {
  /** The vault file; defaults to the platform location (paths.ts). */
  readonly vaultPath?: string;
  /** Argon2id parameters for new password slots: 'calibrate' (default) or fixed (tests, `init --kdf`). */
  readonly kdf?: KdfParams | 'calibrate';
  readonly deriveKey?: DeriveKey;
  readonly busyTimeoutMs?: number;
  readonly lockPolicy?: LockPolicy;
  /**
   * Seconds since the last input anywhere on the system (Electron's powerMonitor.getSystemIdleTime).
   * Without it, idleness counts from the unlock or the last `app.activity`; so it does too while the
   * counter has not been seen above 60 s since the unlock (one stuck at 0 must not keep the vault open).
   */
  readonly idleSeconds?: () => number;
  /** The system clipboard, for copying codes (cleared after the user's delay, on lock and on quit). */
  readonly clipboard?: Clipboard;
  /** Overrides the user's clipboard delay (tests, e2e). */
  readonly clipboardClearMs?: number;
  /** Screenshots for QR scanning (desktopCapturer in the app, a screenshot tool on the CLI). */
  readonly capture?: ScreenCapture;
  /**
   * What main asks the user itself: where a file goes, whether the screen may be captured. Without
   * it nothing is captured and no file is saved for the page (user-prompts.ts).
   */
  readonly prompts?: UserPrompts;
  /** One-shot timers (idle lock, clipboard clear, undo window, automatic backups); tests move time by hand. */
  readonly timers?: Timers;
  /** Daily automatic backups (on in the app; off for the CLI, whose changes trigger one at exit). */
  readonly dailyBackups?: boolean;
  /** Written into backup headers ("latchkey x.y.z"). */
  readonly appVersion?: string;
  /** Told about slow steps of an import (an export's KDF), for a progress line. */
  readonly onProgress?: (message: string, detail?: { readonly needsTouch?: boolean }) => void;
  /** Told about every unexpected error (a bug), with its stack; expected errors are not reported. */
  readonly onInternalError?: (error: unknown) => void;
  /**
   * Watch the vault file while unlocked and tell `accounts.changed {by: 'elsewhere'}` when another
   * process (the CLI) commits to it: on for the app, off for the short-lived CLI.
   */
  readonly watchOtherWriters?: boolean;
  /** Hardware keys: the CLI's `--emulator` values and `--trace` sink, or the devices themselves (tests). */
  readonly keys?: Omit<KeysDeps, 'host' | 'clock'>;
  /** Electron-only services (desktop/desktop.ts): the OS keyring; the tray, shortcut and quick window (a fake in e2e). */
  readonly desktop?: DesktopDeps;
  /** The type-the-code backend (code-typer.ts picks one by platform and session unless given). */
  readonly chooseTyper?: () => Promise<TyperChoice>;
}

export interface Service {
  readonly handlers: HandlerTable;
  /** The one entry point of every door: validates, runs, and wraps the reply. Never throws. */
  dispatch(channel: unknown, payload: unknown): Promise<ReplyEnvelope>;
  /** Forgets the vault keys; what every lock policy calls. The clipboard clear it starts may finish later. */
  lock(): void;
  /**
   * Locks, and resolves once the clipboard clears it started have finished (the system clipboard may
   * be read asynchronously). What the app's quit waits for; never rejects.
   */
  shutdown(): Promise<void>;
  /** Told after every lock, whatever caused it (idle, policy, a request), so a door can react. */
  onLock(listener: () => void): void;
  /** Runs an automatic backup that is waiting for its debounce (before a short-lived process exits). */
  flush(): Promise<void>;
  /** Told of each event for the page (shared/events.ts); returns the way to stop. */
  onEvent(listener: EventListener): () => void;
  /** The tray, shortcut and quick search; the app calls `desktop.start()` once its desktop is ready. */
  readonly desktop: DesktopIntegration;
}

/** The channels of handlers/accounts.ts (the compiler checks the list against its type). */
const ACCOUNT_CHANNELS = {
  'accounts.copyCode': true,
  'accounts.list': true,
  'accounts.add': true,
  'accounts.update': true,
  'accounts.remove': true,
  'accounts.undoRemove': true,
  'accounts.details': true,
  'accounts.reorder': true,
  'accounts.reveal': true,
  'accounts.nextHotp': true,
  'accounts.recoveryCodes': true,
} as const satisfies Record<AccountsChannel, true>;

export function createService(deps: ServiceDeps): Service {
  // The plugged YubiKeys, loaded only when a key is first needed (a vault with password+YubiKey slots, the keys channels).
  const keyResponders = new KeyResponders(deps.keys, deps.onProgress);
  const host = new VaultHost({
    keys: keyResponders,
    vaultPath: deps.vaultPath ?? defaultVaultPath(),
    clock: deps.clock,
    ...(deps.kdf === undefined ? {} : { kdf: deps.kdf }),
    ...(deps.deriveKey === undefined ? {} : { deriveKey: deps.deriveKey }),
    ...(deps.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: deps.busyTimeoutMs }),
  });
  deps.lockPolicy?.start(() => {
    host.lock();
  });
  const app = deps.appVersion ?? 'latchkey';
  const timers = deps.timers ?? systemTimers;
  const settings = new SettingsStore(host);
  const clipboard = deps.clipboard === undefined ? undefined : new ClipboardGuard(deps.clipboard, deps.clock, timers, clipboardDelay(deps.clipboardClearMs, settings));
  const undo = new RemovalUndo(deps.clock, timers);
  const idleLock = watchIdleness(host, settings, timers, deps);
  const clearClipboard = () => {
    clipboard?.clearIfOurs().catch((error: unknown) => deps.onInternalError?.(error));
  };
  host.onLock(() => {
    undo.wipe();
    clearClipboard();
  });
  const events = eventHub(deps.onInternalError);
  host.onLock(() => {
    events.emit('vault.locked', {});
  });
  host.onUnlock(() => {
    events.emit('vault.unlocked', {});
  });
  settings.onChange(() => {
    events.emit('settings.changed', {});
  });
  if (deps.watchOtherWriters === true) watchOtherWriters(host, events);
  const operations = new Operations(
    (progress) => {
      events.emit('op.progress', progress);
    },
    deps.onProgress,
  );
  const autoBackup = new AutoBackup(host, deps.clock, timers, app, deps.dailyBackups ?? true);
  autoBackup.onChange(() => {
    events.emit('backup.auto.changed', {});
  });
  // Every committed change to the accounts, whatever made it, is told once per transaction: the page
  // refetches, and an automatic backup follows (the vault's write is done: a failure here is a bug).
  host.onWrite((written) => {
    if (!written.accounts) return;
    try {
      autoBackup.noteChange();
    } catch (error) {
      deps.onInternalError?.(error);
    }
    events.emit('accounts.changed', { by: 'here' });
  });
  // Handler modules load on the first request of their channels (lazy-handlers.ts): a process loads
  // what it uses. The accounts' start loading with an unlock, while its KDF leaves the thread idle.
  const vaultPath = deps.vaultPath ?? defaultVaultPath();
  const desktop = new DesktopIntegration({
    desktop: desktopShell(deps.desktop),
    preferences: new DesktopPreferencesFile(join(dirname(vaultPath), 'desktop.json')),
    call: async (channel, payload) => (await run(channel, payload)) as never,
    isUnlocked: () => host.isUnlocked,
    emit: (name, payload) => {
      events.emit(name, payload);
    },
    chooseTyper: deps.chooseTyper ?? (() => chooseCodeTyper(desktopShell(deps.desktop)?.platform ?? process.platform)),
    onError: (error) => deps.onInternalError?.(error),
  });
  // The tray follows the vault: locked, it lists no account; unlocked or changed, it is rebuilt.
  events.listen((event) => {
    if (event === 'vault.locked' || event === 'vault.unlocked' || event === 'accounts.changed') desktop.vaultChanged();
  });
  const accounts = lazyHandlers(ACCOUNT_CHANNELS, async () => (await import('./handlers/accounts.js')).accountHandlers(host, deps.clock, clipboard, undo));
  // Aborted by shutdown(): what runs until stopped (the keys plug watch) ends with it.
  const shuttingDown = new AbortController();
  const handlers: HandlerTable = {
    ...lazyHandlers({ 'otp.code': true }, async () => (await import('./handlers/otp.js')).otpHandlers(deps)).handlers,
    ...lazyHandlers({ 'uri.parse': true, 'uri.format': true }, async () => (await import('./handlers/uri.js')).uriHandlers()).handlers,
    ...vaultHandlers(host, deps.prompts),
    ...vaultKeySlotHandlers(host),
    ...keyringHandlers(host, deps.desktop?.keyring),
    ...accounts.handlers,
    ...codePreviewHandlers(host, deps.clock),
    ...damagedRowHandlers(host),
    // QR decoding (zxing, sharp), the import and export formats (protobuf, qrcode, libsodium.js) and
    // backup files: printing a code needs none of them.
    ...lazyHandlers(enrollChannels, async () => (await import('./handlers/enroll.js')).enrollHandlers(host, deps.capture, deps.prompts)).handlers,
    ...lazyHandlers(importChannels, async () => (await import('./handlers/import.js')).importHandlers(host)).handlers,
    'op.cancel': ({ opId }) => ({ cancelled: operations.cancel(opId) }),
    ...lazyHandlers(backupChannels, async () =>
      (await import('./handlers/backup.js')).backupHandlers(host, deps.clock, app, {
        prompts: deps.prompts,
        clipboard,
        exportTransfer: async (request, operation) => handlers['export.create'](request, operation),
      }),
    ).handlers,
    ...autoBackupHandlers(host, autoBackup, deps.prompts),
    ...lazyHandlers(exportChannels, async () => (await import('./handlers/export.js')).exportHandlers(host, deps.clock, app, deps.prompts)).handlers,
    ...settingsHandlers(settings, idleLock),
    ...passwordHandlers(),
    ...desktopHandlers(desktop),
    // The HID layer, the YubiKey driver and node-hid load with the first keys request.
    ...lazyHandlers(keysChannels, async () => (await import('./handlers/keys.js')).keysHandlers({
        ...deps.keys,
        devices: await keyResponders.devices(),
        shutdown: shuttingDown.signal,
        host,
        clock: deps.clock,
        onKeysChanged: () => {
          events.emit('keys.changed', {});
        },
      })).handlers,
    ...lazyHandlers(keysSyncChannels, async () =>
      (await import('./handlers/sync.js')).syncHandlers({
        host,
        clock: deps.clock,
        devices: await keyResponders.devices(),
        ...(deps.keys?.session?.clock === undefined ? {} : { keyClock: deps.keys.session.clock }),
        ...(deps.keys?.trace === undefined ? {} : { trace: deps.keys.trace }),
      }),
    ).handlers,
  };

  async function run(channel: Channel, payload: unknown): Promise<unknown> {
    const request = channels[channel].request.safeParse(payload);
    if (!request.success) throw schemaError(channel, request.error);
    // Each handler takes its own channel's request; TypeScript cannot correlate the two through a union key.
    const handler = handlers[channel] as (request: unknown, operation: Operation) => unknown;
    // op.cancel names the operation it stops: it is not one itself.
    const operation = operations.start(channel === 'op.cancel' ? undefined : opIdOf(request.data));
    try {
      return channels[channel].reply.parse(await handler(request.data, operation));
    } finally {
      operation.end();
    }
  }

  return {
    handlers,
    lock: () => {
      host.lock();
      clearClipboard();
    },
    shutdown: async () => {
      // The keys plug watch ends first: whoever held it, nothing polls the USB bus any more.
      shuttingDown.abort();
      try {
        host.lock();
      } catch (error) {
        // The keys are gone already (a lock listener failed after): still wait for the clipboard.
        deps.onInternalError?.(error);
      }
      clearClipboard();
      await clipboard?.settled();
    },
    onLock: (listener) => {
      host.onLock(listener);
    },
    flush: () => autoBackup.flush(),
    onEvent: (listener) => events.listen(listener),
    desktop,
    async dispatch(channel, payload) {
      try {
        // Before anything else: a request after a long idle (a late timer, a laptop waking) finds it locked.
        idleLock.lockIfIdle();
        if (!isChannel(channel)) throw new LatchkeyError('INVALID_REQUEST', 'unknown channel');
        const reply = run(channel, payload);
        // After the unlock's first step, so its KDF has started: the modules load meanwhile.
        if (channel === 'vault.unlock') {
          setImmediate(() => {
            accounts.preload();
          });
        }
        return { ok: true, value: await reply };
      } catch (error) {
        if (error instanceof LatchkeyError) return { ok: false, error: error.toInfo() };
        deps.onInternalError?.(error);
        return { ok: false, error: { code: 'INTERNAL', message: 'an unexpected internal error occurred' } };
      }
    },
  };
}

/** The caller's name for a long operation, where its request carries one. */
function opIdOf(request: unknown): string | undefined {
  const opId = typeof request === 'object' && request !== null ? (request as { opId?: unknown }).opId : undefined;
  return typeof opId === 'string' ? opId : undefined;
}

interface EventHub {
  emit<E extends EventName>(name: E, payload: EventOf<E>): void;
  listen(listener: EventListener): () => void;
}

/** The page's events, told to every door that listens; a listener that throws is a bug, not a stop. */
function eventHub(onInternalError: ((error: unknown) => void) | undefined): EventHub {
  const listeners = new Set<EventListener>();
  return {
    emit(name, payload) {
      for (const listener of listeners) {
        try {
          listener(name, payload);
        } catch (error) {
          onInternalError?.(error);
        }
      }
    },
    listen(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/**
 * While unlocked, a write to the vault file by anyone wakes us (vault-change-watch.ts); only a change
 * of SQLite's data_version, which our own connection's commits leave alone, is another process's.
 */
function watchOtherWriters(host: VaultHost, events: EventHub): void {
  let stop: (() => void) | undefined;
  let seen = 0;
  host.onUnlock(() => {
    seen = host.session().dataVersion();
    stop = watchVaultWrites(host.path, () => {
      if (!host.isUnlocked) return;
      let version: number;
      try {
        version = host.session().dataVersion();
      } catch {
        return; // busy or gone: the next write (or the window's focus) looks again
      }
      if (version === seen) return;
      seen = version;
      events.emit('accounts.changed', { by: 'elsewhere' });
    });
  });
  host.onLock(() => {
    stop?.();
    stop = undefined;
  });
}

function clipboardDelay(override: number | undefined, settings: SettingsStore): () => number {
  return override === undefined ? () => settings.current().clipboardClearSeconds * 1000 : () => override;
}

/** The idle lock follows the vault: armed on unlock, moved by activity and by a new limit, gone on lock. */
function watchIdleness(host: VaultHost, settings: SettingsStore, timers: Timers, deps: ServiceDeps): IdleLock {
  const idleLock = new IdleLock({
    clock: deps.clock,
    timers,
    ...(deps.idleSeconds === undefined ? {} : { idleSeconds: deps.idleSeconds }),
    // A settings read that fails (a busy vault) gives the shortest limit there (idle-lock.ts), not none.
    limitMs: () => settings.current().autoLockMinutes * 60_000,
    isUnlocked: () => host.isUnlocked,
    lock: () => {
      host.lock();
    },
    ...(deps.onInternalError === undefined ? {} : { onError: deps.onInternalError }),
  });
  host.onUnlock(() => {
    idleLock.noteUnlock();
  });
  host.onLock(() => {
    idleLock.stop();
  });
  settings.onChange(() => {
    idleLock.rearm();
  });
  return idleLock;
}
