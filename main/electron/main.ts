import { app, BrowserWindow, clipboard, ClipboardItem, desktopCapturer, dialog, globalShortcut, ipcMain, Menu, nativeImage, powerMonitor, protocol, safeStorage, screen, session, Tray } from 'electron';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { EVENT_CHANNEL } from '../../shared/events.js';
import { createService, rendererDoor, setLinuxAutostart, systemClock, watchLinuxScreenLock, type Clipboard, type LockPolicy } from '../service/index.js';
import { APP_SCHEME, APP_SCHEME_REGISTRATION, APP_URL, appProtocolHandler } from './app-protocol.js';
import { clipboardItemData } from './clipboard-formats.js';
import { desktopScreenCapture } from './desktop-capture.js';
import { electronDesktop, trayIconBitmap } from './desktop.js';
import { electronKeyring } from './keyring.js';
import { registerIpc } from './ipc-guard.js';
import { electronPrompts } from './prompts.js';
import { guardQuit } from './quit-guard.js';
import { guardDevTools, hardenSession } from './session-policy.js';
import { CONTENT_SECURITY_POLICY, devToolsAllowed, secureWindowOptions } from './window-policy.js';

/**
 * The app's main process. It is the only code that imports `electron`; everything it does beyond
 * window, session and IPC policy lives in plain Node modules (main/service) that tests import directly.
 */
// Served as app://latchkey/… (app-protocol.ts), never as file://.
const RENDERER_DIST = fileURLToPath(new URL('../../../renderer/dist', import.meta.url));
const PRELOAD = fileURLToPath(new URL('../../preload.cjs', import.meta.url));

/**
 * SECURITY-NOTES §5: suspend, screen lock and shutdown lock the vault. Idleness is the service's own
 * (one one-shot timer, from `idleSeconds` below): no polling interval wakes an idle app.
 */
const powerLockPolicy: LockPolicy = {
  start(lock) {
    powerMonitor.on('suspend', lock);
    powerMonitor.on('lock-screen', lock);
    powerMonitor.on('shutdown', lock);
    // Electron reports no screen lock on Linux: logind's and the screensavers' D-Bus signals do.
    if (process.platform === 'linux') watchLinuxScreenLock(lock);
  },
};

/** Codes are written with the platform's "don't keep this" hints (clipboard-formats.ts). */
const systemClipboard: Clipboard = {
  write: (text, { concealed }) => clipboard.write([new ClipboardItem(clipboardItemData(text, concealed, process.platform))]),
  read: () => clipboard.readText(),
};

app.enableSandbox();
// Before `ready`: app:// is a standard, secure origin of its own (app-protocol.ts).
protocol.registerSchemesAsPrivileged([APP_SCHEME_REGISTRATION]);

/** Started at login with "start hidden": the tray only, no window until the user asks (README, Desktop). */
const startHidden = process.argv.includes('--hidden');
const TRAY_ICON_SIZE = 32;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | undefined;
  let quickWindow: BrowserWindow | undefined;
  const windowOptions = () => secureWindowOptions(PRELOAD, { devTools: devToolsAllowed(app.isPackaged, process.env) });
  // The one `desktop` (main/service/desktop/desktop.ts): the tray, the global shortcut, the quick window, the keyring.
  const desktop = {
    ...electronDesktop({
      platform: process.platform,
      createTray: () => new Tray(nativeImage.createFromBitmap(trayIconBitmap(TRAY_ICON_SIZE), { width: TRAY_ICON_SIZE, height: TRAY_ICON_SIZE })),
      buildMenu: (template) => Menu.buildFromTemplate(template),
      globalShortcut,
      mainWindow: () => (mainWindow !== undefined && !mainWindow.isDestroyed() ? mainWindow : undefined),
      createQuickWindow: () => {
        // Small, frameless, over other apps, out of the taskbar; it hides when the user goes elsewhere.
        const window = new BrowserWindow({ ...windowOptions(), width: 420, height: 360, minWidth: 320, minHeight: 200, frame: false, alwaysOnTop: true, skipTaskbar: true, resizable: false, fullscreenable: false, title: 'Latchkey quick search' });
        window.on('blur', () => {
          window.hide();
        });
        void window.loadURL(`${APP_URL}#quick`);
        quickWindow = window;
        return window;
      },
      app,
      setLinuxAutostart: (enabled, hidden) => {
        setLinuxAutostart(enabled, [process.execPath, ...(app.isPackaged ? [] : [app.getAppPath()])], hidden);
      },
    }),
    keyring: electronKeyring(safeStorage),
  };
  const service = createService({
    desktop,
    clock: systemClock,
    lockPolicy: powerLockPolicy,
    idleSeconds: () => powerMonitor.getSystemIdleTime(),
    appVersion: `latchkey ${app.getVersion()}`,
    clipboard: systemClipboard,
    capture: desktopScreenCapture(desktopCapturer, screen),
    // Where files go and consent to capture the screen: native dialogs, modal to the app's window.
    prompts: electronPrompts(dialog, () => BrowserWindow.getAllWindows()[0]),
    watchOtherWriters: true,
  });
  // Main's events (lock, accounts changed) go to our windows' pages, on one channel (shared/events.ts).
  service.onEvent((name, payload) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(EVENT_CHANNEL, name, payload);
  });
  let quitting = false;
  // Whatever locked the vault, the page starts over at the lock screen, and whatever it held is gone.
  service.onLock(() => {
    if (quitting) return;
    for (const window of BrowserWindow.getAllWindows()) void window.loadURL(window === quickWindow ? `${APP_URL}#quick` : APP_URL);
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => {
      event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
    });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    guardDevTools(contents, app.isPackaged);
  });

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession);
    protocol.handle(APP_SCHEME, appProtocolHandler(RENDERER_DIST, (path) => readFile(path)));
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    });
    registerIpc(ipcMain, rendererDoor((channel, payload) => service.dispatch(channel, payload)), APP_URL);
    const window = new BrowserWindow(windowOptions());
    mainWindow = window;
    window.once('ready-to-show', () => {
      if (!startHidden) window.show();
    });
    // With a tray, closing the window keeps the app there (Open brings it back); Quit is in the tray.
    window.on('close', (event) => {
      if (quitting) return;
      event.preventDefault();
      window.hide();
    });
    void window.loadURL(APP_URL);
    // The tray, the stored shortcut, content protection; a second launch shows this window (desktop.onSecondInstance).
    service.desktop.start();
  });

  // The quit waits (briefly) for the lock's clipboard clear: a code copied just before must not outlive the app.
  guardQuit(app, {
    shutdown: () => service.shutdown(),
    onQuitting: () => {
      quitting = true;
    },
  });

  app.on('window-all-closed', () => {
    app.quit();
  });
  app.on('will-quit', () => {
    globalShortcut.unregisterAll();
  });
}
