import { app, BrowserWindow, session } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENT_SECURITY_POLICY, secureWindowOptions } from './window-policy.js';

/**
 * The app's main process. It is the only code that imports `electron`; everything it does beyond
 * window and session policy lives in plain Node modules (main/service) that tests import directly.
 */
const RENDERER_INDEX = fileURLToPath(new URL('../../../renderer/index.html', import.meta.url));

app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
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
    const window = new BrowserWindow(secureWindowOptions());
    window.once('ready-to-show', () => {
      window.show();
    });
    void window.loadFile(join(RENDERER_INDEX));
  });

  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window !== undefined) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  app.on('window-all-closed', () => {
    app.quit();
  });
}
