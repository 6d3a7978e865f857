import { app, BrowserWindow, clipboard, ipcMain, powerMonitor, session } from 'electron';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createService, systemClock, type LockPolicy } from '../service/index.js';
import { registerIpc } from './ipc-guard.js';
import { CONTENT_SECURITY_POLICY, secureWindowOptions } from './window-policy.js';

/**
 * The app's main process. It is the only code that imports `electron`; everything it does beyond
 * window, session and IPC policy lives in plain Node modules (main/service) that tests import directly.
 */
const RENDERER_INDEX = fileURLToPath(new URL('../../../renderer/dist/index.html', import.meta.url));
const PRELOAD = fileURLToPath(new URL('../../preload.cjs', import.meta.url));
const APP_URL = pathToFileURL(RENDERER_INDEX).href;
const IDLE_LOCK_SECONDS = 5 * 60;

/** SECURITY-NOTES §5: idle (polled every 15 s), suspend and screen lock all lock the vault. */
const powerLockPolicy: LockPolicy = {
  start(lock) {
    powerMonitor.on('suspend', lock);
    powerMonitor.on('lock-screen', lock);
    setInterval(() => {
      if (powerMonitor.getSystemIdleTime() >= IDLE_LOCK_SECONDS) lock();
    }, 15_000).unref();
  },
};

app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const service = createService({
    clock: systemClock,
    lockPolicy: powerLockPolicy,
    appVersion: `latchkey ${app.getVersion()}`,
    // Concealed-type hints (macOS/Windows/KDE) are not written yet; the timed clear is what protects.
    clipboard: { write: (text) => clipboard.writeText(text), read: () => clipboard.readText() },
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

  app.on('before-quit', () => {
    service.lock();
  });

  app.on('window-all-closed', () => {
    app.quit();
  });
}
