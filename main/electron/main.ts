import { app, BrowserWindow, clipboard, ClipboardItem, desktopCapturer, ipcMain, powerMonitor, screen, session } from 'electron';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createService, systemClock, type Clipboard, type LockPolicy } from '../service/index.js';
import { clipboardItemData } from './clipboard-formats.js';
import { desktopScreenCapture } from './desktop-capture.js';
import { registerIpc } from './ipc-guard.js';
import { guardQuit } from './quit-guard.js';
import { CONTENT_SECURITY_POLICY, secureWindowOptions } from './window-policy.js';

/**
 * The app's main process. It is the only code that imports `electron`; everything it does beyond
 * window, session and IPC policy lives in plain Node modules (main/service) that tests import directly.
 */
const RENDERER_INDEX = fileURLToPath(new URL('../../../renderer/dist/index.html', import.meta.url));
const PRELOAD = fileURLToPath(new URL('../../preload.cjs', import.meta.url));
const APP_URL = pathToFileURL(RENDERER_INDEX).href;

/**
 * SECURITY-NOTES §5: suspend, screen lock and shutdown lock the vault. Idleness is the service's own
 * (one one-shot timer, from `idleSeconds` below): no polling interval wakes an idle app.
 */
const powerLockPolicy: LockPolicy = {
  start(lock) {
    powerMonitor.on('suspend', lock);
    powerMonitor.on('lock-screen', lock);
    powerMonitor.on('shutdown', lock);
  },
};

/** Codes are written with the platform's "don't keep this" hints (clipboard-formats.ts). */
const systemClipboard: Clipboard = {
  write: (text, { concealed }) => clipboard.write([new ClipboardItem(clipboardItemData(text, concealed, process.platform))]),
  read: () => clipboard.readText(),
};

app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const service = createService({
    clock: systemClock,
    lockPolicy: powerLockPolicy,
    idleSeconds: () => powerMonitor.getSystemIdleTime(),
    appVersion: `latchkey ${app.getVersion()}`,
    clipboard: systemClipboard,
    capture: desktopScreenCapture(desktopCapturer, screen),
  });
  let quitting = false;
  // Whatever locked the vault, the page starts over at the lock screen, and whatever it held is gone.
  service.onLock(() => {
    if (quitting) return;
    for (const window of BrowserWindow.getAllWindows()) void window.loadFile(RENDERER_INDEX);
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => {
      event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
    });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => {
      callback(false);
    });
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    });
    registerIpc(ipcMain, (channel, payload) => service.dispatch(channel, payload), APP_URL);
    const window = new BrowserWindow(secureWindowOptions(PRELOAD));
    window.once('ready-to-show', () => {
      window.show();
    });
    void window.loadFile(RENDERER_INDEX);
  });

  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window !== undefined) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
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
}
