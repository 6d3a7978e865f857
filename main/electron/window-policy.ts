import type { BrowserWindowConstructorOptions } from 'electron';

/** The renderer may load nothing but our own files: no remote content, no inline script. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** webPreferences of the one window (Electron security checklist). */
export function secureWindowOptions(preload?: string): BrowserWindowConstructorOptions {
  return {
    title: 'Latchkey',
    width: 420,
    height: 640,
    minWidth: 360,
    minHeight: 480,
    show: false,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: process.env['LATCHKEY_DEVTOOLS'] === '1',
      ...(preload === undefined ? {} : { preload }),
    },
  };
}
