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

/**
 * DevTools only in a development run that asks for them (`LATCHKEY_DEVTOOLS=1`), never in a packaged
 * build, whatever its environment says.
 */
export function devToolsAllowed(isPackaged: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  return !isPackaged && env['LATCHKEY_DEVTOOLS'] === '1';
}

/** webPreferences of the one window (Electron security checklist); `devTools` from devToolsAllowed. */
export function secureWindowOptions(preload?: string, { devTools = false }: { readonly devTools?: boolean } = {}): BrowserWindowConstructorOptions {
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
      devTools,
      ...(preload === undefined ? {} : { preload }),
    },
  };
}
