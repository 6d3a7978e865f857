import type { DesktopKeyring } from './keyring.js';

/**
 * Everything the app needs from the desktop that only Electron can do: the tray, a global shortcut,
 * the quick-search window, the login item, content protection, the second launch. main/electron/desktop.ts
 * implements it over Electron's API; tests and e2e pass `fakeDesktop()` (desktop-fake.ts). The service
 * side (desktop-integration.ts) only ever talks to this interface, so everything it decides is tested
 * in plain Node. Other Electron-only services the app needs (safeStorage, dialogs) join it here as
 * optional members, so there is one `desktop` object, never a second one.
 */

/** One line of the tray's menu. Labels only: a code is computed when its line is clicked, never before. */
export type TrayMenuItem =
  | { readonly kind: 'account'; readonly id: string; readonly label: string }
  | { readonly kind: 'action'; readonly action: TrayAction; readonly label: string }
  | { readonly kind: 'heading'; readonly label: string }
  | { readonly kind: 'separator' };

export type TrayAction = 'open' | 'lock' | 'unlock' | 'quit' | 'choose-shortcut';

/** What a tray menu line reports when clicked. */
export type TrayClick = { readonly kind: 'account'; readonly id: string } | { readonly kind: 'action'; readonly action: TrayAction };

export interface DesktopTray {
  /** Replaces the tray menu (creating the tray icon on first use). */
  setMenu(items: readonly TrayMenuItem[]): void;
  /** Told of a click on a menu line. */
  onClick(listener: (click: TrayClick) => void): void;
}

/** What registering a global shortcut came to. */
export type ShortcutOutcome = 'registered' | 'taken' | 'invalid';

export interface DesktopShortcuts {
  /**
   * Registers one system-wide shortcut (an Electron accelerator such as `CommandOrControl+Shift+K`).
   * `taken`: the desktop or another app holds it (Electron's register returns false then).
   */
  register(accelerator: string, onPress: () => void): ShortcutOutcome;
  unregister(accelerator: string): void;
}

export interface DesktopWindows {
  /** Shows, restores and focuses the main window (the tray's Open, a second launch). */
  showMain(): void;
  /** The small always-on-top quick-search window, over other apps. */
  showQuick(): void;
  hideQuick(): void;
  /** Resolves once the quick window is hidden and focus has gone back to the window the user was in. */
  quickHidden(): Promise<void>;
}

/** Where Electron's `setContentProtection` does something (macOS, Windows); on Linux it is a no-op. */
export interface DesktopContentProtection {
  readonly honoured: boolean;
  set(enabled: boolean): void;
}

export interface DesktopLoginItem {
  /** Starts the app at login (`hidden`: with `--hidden`, in the tray only). */
  set(openAtLogin: boolean, hidden: boolean): void;
}

export interface Desktop {
  readonly platform: NodeJS.Platform;
  /** The OS keyring through safeStorage, for the vault's keyring slot (keyring.ts); absent: the slot is refused, said why. */
  readonly keyring?: DesktopKeyring;
  readonly tray: DesktopTray;
  readonly shortcuts: DesktopShortcuts;
  readonly windows: DesktopWindows;
  readonly contentProtection: DesktopContentProtection;
  readonly loginItem: DesktopLoginItem;
  /** Told when the app is launched again while running (the single-instance lock's second-instance). */
  onSecondInstance(listener: () => void): void;
  quit(): void;
}

/** What a door passes as the service's `desktop`: all of it (Electron, the e2e fake), or only the keyring (its tests). */
export type DesktopDeps = Desktop | { readonly keyring?: DesktopKeyring };

/** The tray, shortcut and windows, when the door has them. */
export function desktopShell(deps: DesktopDeps | undefined): Desktop | undefined {
  return deps !== undefined && 'tray' in deps ? deps : undefined;
}
