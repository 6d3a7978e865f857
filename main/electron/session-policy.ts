/**
 * The session's answers to the page: no permission is ever granted or even reported as granted,
 * no device (HID, USB, serial, Bluetooth) is handed to the page (hardware keys are reached from
 * main, never from the renderer), and nothing is downloaded. Typed structurally so tests pass a fake
 * session; main.ts passes `session.defaultSession`.
 */
export interface PermissionSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  on(event: 'will-download', listener: (event: { preventDefault(): void }) => void): unknown;
}

export function hardenSession(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event) => {
    event.preventDefault();
  });
}

/** The part of a WebContents the DevTools guard needs. */
export interface DevToolsContents {
  on(event: 'devtools-opened', listener: () => void): unknown;
  closeDevTools(): void;
}

/**
 * A packaged build has `devTools: false` in its webPreferences already; should DevTools open anyway
 * (a flag, an extension, a future default), they are closed at once.
 */
export function guardDevTools(contents: DevToolsContents, isPackaged: boolean): void {
  if (!isPackaged) return;
  contents.on('devtools-opened', () => {
    contents.closeDevTools();
  });
}
